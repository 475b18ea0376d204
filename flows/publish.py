"""Publish stage: the analyst database, built beside the live one and swapped in atomically.

The snapshot is written to a temporary file beside the live one and renamed over it, so a
reader that has the old file open keeps reading the old run, a new reader gets the new run, and
nobody ever sees half of one. Analysts never open the pipeline database.

When the live snapshot was built from the same SQL, settings, schema and comments, the new one
starts as a copy of it, and each relation is made what its select now gives by writing only the
rows that differ (a night changes few of them; writing every relation again made the commit
write the whole file). A relation of one team's rows, declared `-- incremental: by team_id`
(it reads one per-team model or `<table>_latest` view), is only looked at for the teams whose
data changed since (`snapshot_teams`), unless the model it reads was built whole since
(`snapshot_models`: a new day, other settings or other SQL change every team's rows): then all
its rows are. It is not looked at when no row of what it reads changed since
(`relation_changes` against `snapshot_sources`): a night of exposures leaves the injuries and
the risk alone. `snapshot_build` says what the live snapshot was built whole from; it is built
whole again when that changed, or when patching has grown the file to twice its whole-built
size.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from datetime import date
from pathlib import Path

import duckdb

from sideline.analyst_docs import comment, docs_version
from sideline.db import (
    ANALYST_CREATE,
    execute,
    insert_rows,
    one_transaction,
    sql,
    sql_for,
    statements,
)
from sideline.settings import Settings
from sideline.staging import quoted

from .model import COMMENT, GLOBAL, globals_version, is_incremental, replace_rows, sources

GROWTH_LIMIT = 2  # patched size over whole-built size that triggers a whole build


class EarlyCopy:
    """A copy of the live snapshot, made in a thread while the run reads, validates and loads:
    a patched snapshot starts as one, and copying it at publish time was a quarter of a night's
    publishing at 10M rows (0.26 s for 47 MB). The live snapshot cannot change meanwhile: only
    a run replaces it, and one run at a time holds the database. Its name is a temporary one's,
    so what a killed run leaves is removed by the next (flows/pipeline.py)."""

    def __init__(self, target: Path) -> None:
        self.path = target.with_name(f"{target.name}.tmp-{os.getpid()}-early")
        self._error: OSError | None = None
        self._thread: threading.Thread | None = None
        if target.is_file():
            self._thread = threading.Thread(
                target=self._copy, args=(target,), name="sideline-snapshot-copy", daemon=True
            )
            self._thread.start()

    def _copy(self, target: Path) -> None:
        try:
            shutil.copyfile(target, self.path)
        except OSError as exc:  # publishing copies again, and reports what still fails
            self._error = exc

    def take(self, destination: Path) -> bool:
        """Move the finished copy to `destination`; False when there is none to take (no live
        snapshot, the copy failed, or it was taken already)."""
        self._wait()
        if self._error is not None or not self.path.is_file():
            self.path.unlink(missing_ok=True)
            return False
        os.replace(self.path, destination)
        return True

    def discard(self) -> None:
        self._wait()
        self.path.unlink(missing_ok=True)

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None


def publish_snapshot(
    con: duckdb.DuckDBPyConnection, settings: Settings, early: EarlyCopy | None = None
) -> Path:
    """The analyst snapshot of what the run committed, in place of the live one; `early`, a
    copy of the live one made during the run, is used when the new one is patched."""
    target = settings.analyst_database
    temporary = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    values: dict[str, object] = {
        "season_start_month": settings.season_start_month,
        "day_count": settings.day_count,
    }
    analyst = statements("analyst")
    key = build_key(con, analyst, values, settings.analyst_free_text)
    versions = {team: version for team, version, _ in con.execute(sql("team_versions")).fetchall()}
    models = dict(con.execute(sql("publish/model_builds")).fetchall())
    changed = _changed_teams(con, target, key, versions)
    held = dict(con.execute(sql("publish/state_models")).fetchall())
    rebuilt = frozenset(m for m, k in models.items() if held.get(m) != k)
    writes = dict(con.execute(sql("publish/relation_changes")).fetchall())
    made_from = dict(con.execute(sql("publish/state_sources")).fetchall())
    unchanged = frozenset(r for r, write in writes.items() if made_from.get(r) == write)
    if changed is not None:
        if early is None or not early.take(temporary):
            shutil.copyfile(target, temporary)
    elif early is not None:
        early.discard()
    con.execute(sql("publish/attach"), [str(temporary)])
    try:
        # one transaction: a commit per relation and per comment costs a write of the file each
        with one_transaction(con):
            _fill(con, analyst, values, changed, rebuilt, unchanged)
            if changed is None:  # a copy of the live snapshot has both already
                if not settings.analyst_free_text:
                    con.execute(sql("publish/without_free_text"))
                comment(con, "snap")  # what each relation and column means, for any client
    finally:
        con.execute(sql("publish/detach"))
    _fsync(temporary)
    whole_bytes = temporary.stat().st_size if changed is None else None
    os.replace(temporary, target)
    _fsync(target.parent)
    _record(con, key, whole_bytes, versions, models, writes)
    return target


def build_key(
    con: duckdb.DuckDBPyConnection,
    analyst: list[tuple[str, str]],
    values: dict[str, object],
    free_text: bool,
) -> str:
    """What a whole build of the snapshot is made from: its SQL, its settings, the schema, the
    comments on its relations and columns, and the global tables (references, the risk
    model's tables), so that a patched snapshot's copies of those are already what they are."""
    schema = con.execute(sql("model/schema_version")).fetchone()
    parts = [analyst, sorted(values.items()), free_text, schema[0] if schema else None]
    parts += [docs_version(), globals_version()]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def _changed_teams(
    con: duckdb.DuckDBPyConnection, target: Path, key: str, versions: dict[str, str]
) -> list[str] | None:
    """The teams whose data the live snapshot does not hold as it is now, or None when the
    snapshot must be built whole (none yet, built otherwise, or grown by patching)."""
    built = con.execute(sql("publish/state_build")).fetchone()
    if built is None or built[0] != key or not target.is_file():
        return None
    if target.stat().st_size > GROWTH_LIMIT * built[1]:
        return None
    held = dict(con.execute(sql("publish/state_teams")).fetchall())
    return sorted(team for team, version in versions.items() if held.get(team) != version)


def _fill(
    con: duckdb.DuckDBPyConnection,
    analyst: list[tuple[str, str]],
    values: dict[str, object],
    changed: list[str] | None,
    rebuilt: frozenset[str] = frozenset(),
    unchanged: frozenset[str] = frozenset(),
) -> None:
    """Every relation of the snapshot: built whole, or, in a copy of the live snapshot, made
    what its select now gives by writing only the rows that differ: for an incremental one,
    among the rows of the changed teams only, unless the model it reads is among `rebuilt`
    (built whole since the live snapshot), and not at all when what it reads is among
    `unchanged` (no row of it changed since). A copy of a global table is left as it is: the
    snapshot is built whole when one changes (`build_key`)."""
    con.execute(sql("publish/changed_teams"))
    con.execute(sql("publish/shareable_once"))
    if changed:
        insert_rows(con, sql("publish/changed_team"), [[team] for team in changed])
    held: dict[str, list[str]] = {}
    if changed is not None:
        held = dict(con.execute(sql("publish/snapshot_columns")).fetchall())
    for _name, statement in analyst:
        if changed is None:
            execute(con, statement, values)
        elif sources(_select(statement)) <= GLOBAL:
            continue
        elif not is_incremental(statement) or analyst_source(statement) in rebuilt:
            _replace(con, statement, values, held, touched_only=False)
        elif analyst_source(statement) in unchanged:
            continue
        elif changed:
            _replace(con, statement, values, held, touched_only=True)
    # inside the snapshot's transaction: on an error, the rollback takes them with it
    con.execute(sql("model/touched_teams_drop"))
    con.execute(sql("publish/shareable_once_drop"))


def _replace(
    con: duckdb.DuckDBPyConnection,
    statement: str,
    values: dict[str, object],
    held: dict[str, list[str]],
    *,
    touched_only: bool,
) -> None:
    """Make `snap.<relation>` (in a copy of the live snapshot) what its statement now gives,
    as the copy holds its columns (`held`: free text already left out), writing only the rows
    that differ; `touched_only`: among the changed teams' rows, its select running over those
    teams' rows of the one model it reads."""
    relation = relation_of(statement)
    select = _select(statement)
    columns = ", ".join(quoted(name) for name in held[relation])
    if not touched_only:
        replace_rows(con, "snap", relation, select, values, touched_only=False, columns=columns)
        return
    source = analyst_source(statement)
    narrowed = _narrowed(select, sql_for("publish/touched_source", relation=source))
    replace_rows(con, "snap", relation, narrowed, values, touched_only=True, columns=columns)


LEADING_WITH = re.compile(r"^\s*with\s", re.IGNORECASE)


def _narrowed(select: str, cte: str) -> str:
    """`select` reading the common table expression `cte` (`with <source> as (...)`) in place
    of its source: put before the select's own, when it has some."""
    head = COMMENT.sub("", cte).strip()
    if LEADING_WITH.match(select):
        return f"{head}, {LEADING_WITH.sub('', select, count=1)}"
    return f"{head} {select}"


def analyst_selects() -> list[str]:
    """The select of every analyst relation, as the snapshot asks `sources` about it."""
    return [_select(statement) for _, statement in statements("analyst")]


def _select(statement: str) -> str:
    return ANALYST_CREATE.sub("", COMMENT.sub("", statement).strip(), count=1)


def analyst_source(statement: str) -> str:
    """The one relation an incremental analyst statement reads."""
    read = sources(_select(statement))
    if len(read) != 1:
        raise ValueError(f"an incremental analyst relation reads one relation: {sorted(read)}")
    (source,) = read
    return source


def relation_of(statement: str) -> str:
    """The relation an analyst statement creates (`create table snap.<name> as`)."""
    match = ANALYST_CREATE.search(COMMENT.sub("", statement))
    if match is None:
        raise ValueError("an analyst statement creates one table: create table snap.<name> as")
    return match.group(1)


def _record(
    con: duckdb.DuckDBPyConnection,
    key: str,
    whole_bytes: int | None,
    versions: dict[str, str],
    models: dict[str, str],
    writes: dict[str, str],
) -> None:
    """What the snapshot now in place holds, written after it is in place (the record may lag
    the snapshot, never lead it)."""
    built = con.execute(sql("publish/state_build")).fetchone()
    size = whole_bytes if whole_bytes is not None else (built[1] if built else 0)
    with one_transaction(con):
        con.execute(sql("publish/state_clear"))
        execute(con, sql("publish/state_build_set"), {"build_key": key, "whole_bytes": size})
        if versions:
            insert_rows(con, sql("publish/state_team_set"), sorted(versions.items()))
        if models:
            insert_rows(con, sql("publish/state_model_set"), sorted(models.items()))
        if writes:
            insert_rows(con, sql("publish/state_source_set"), sorted(writes.items()))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_site(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> Path:
    """The medical site (with names) and, when the setting asks, the pseudonymised copy."""
    from sideline.dashboards.site import build_site

    # the settings the models were built with: a change re-renders every page
    inputs = f"day_count={settings.day_count};open_injury_days={settings.open_injury_days}"
    index = build_site(
        con,
        settings.site,
        as_of=as_of,
        season_start_month=settings.season_start_month,
        timezone=settings.timezone,
        inputs=inputs,
    )
    if settings.public_site:
        build_site(
            con,
            settings.public_site_dir,
            as_of=as_of,
            season_start_month=settings.season_start_month,
            public=True,
            timezone=settings.timezone,
            inputs=inputs,
        )
    return index
