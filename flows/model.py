"""Model stage: the SQL models of `sql/models/`, in layer order, inside the run's transaction.

Reference tables are read from `sql/reference/*.csv`, then staging, intermediate and mart
relations are built.

A model that declares `-- incremental: by team_id` has rows of one team only, each built from
that team's rows alone. It reads `<table>_latest` views, other incremental models and global
tables (`GLOBAL`: references, the risk model's tables). It is built whole when its SQL, its
parameters (the day among them, for a model that reads `$as_of`) or the schema changed since
its last whole build (`model_state`), or when a model it reads was built whole in this run.
Otherwise a run rebuilds only the rows of the teams it loaded rows for (`touched_teams`): its
select runs with each per-team source narrowed to those teams (a temporary view of the same
name in its place, over a copy of their rows made once a run), and the rows it gives for those
teams replace theirs. A model none of whose per-team sources changed for those teams (the run
added no rows to the history it reads, and no refresh before it replaced a row of a model it
reads) is left as it is: its select would give the rows it holds. A night's exposures so leave
the injury models alone. So a night on the day of the last whole build costs what the night
changed; the first run of a day rebuilds the models that count open injuries to date, and those
built from them.

The other models (rates across teams and seasons) are rebuilt whole on every run; they read
the incremental ones, which are small next to the data except the exposures.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from contextlib import suppress
from datetime import date
from functools import cache
from importlib.resources import as_file, files

import duckdb

from sideline.db import (
    TOUCHED_COPY,
    bound,
    execute,
    fill,
    insert_rows,
    relation_name,
    sql,
    sql_for,
    statements,
)
from sideline.mo_params import parameter_rows, reminder_rows
from sideline.settings import Settings


def model_parameters(settings: Settings, as_of: date) -> dict[str, object]:
    return {
        "as_of": as_of,
        "day_count": settings.day_count,
        "season_start_month": settings.season_start_month,
        "open_injury_days": settings.open_injury_days,
    }


def write_mo_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The risk model's parameter and reminder tables, which the SQL inputs read."""
    con.execute(sql("mo/tables"))
    insert_rows(con, sql("mo/parameter"), parameter_rows())
    insert_rows(con, sql("mo/reminder_rule"), reminder_rows())


def build_models(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], run_id: str | None = None
) -> list[str]:
    """Build every model in dependency order; returns `<layer>/<file>` of each, marked
    `(teams)` where only the teams of run `run_id` were rebuilt and `(unchanged)` where their
    rows could not have changed. Without a run id every model is built whole."""
    write_mo_tables(con)
    models = in_dependency_order(statements("models"))
    incremental = frozenset(relation_name(name) for name, text in models if is_incremental(text))
    read = frozenset(
        source for _, text in models for source in team_sources(text, incremental) or ()
    )
    changed = None
    if run_id is not None:
        found = con.execute(sql("model/changed_sources"), {"run_id": run_id}).fetchall()
        changed = {source for (source,) in found}
    builder = Builder(con, run_id, incremental, read, changed)
    builder.written |= changed or set()  # the history tables this run added rows to
    folder = files("sideline.sql").joinpath("reference")
    with (
        as_file(folder.joinpath("ioc_body_region.csv")) as body_region,
        as_file(folder.joinpath("ioc_tissue.csv")) as tissue,
        as_file(folder.joinpath("osiics_diagnosis.csv")) as diagnosis,
    ):
        paths = {
            "ref_body_region": str(body_region),
            "ref_tissue": str(tissue),
            "ref_osiics_diagnosis": str(diagnosis),
        }
        if run_id is not None:
            execute(con, sql("model/touched_teams"), {"run_id": run_id})
        built = [builder.build(name, statement, {**values, **paths}) for name, statement in models]
        builder.record_changes()
        # temporary tables go with the transaction if anything above fails; an error must not
        # be hidden by a cleanup that the aborted transaction refuses
        builder.drop_copies()
        con.execute(sql("model/touched_teams_drop"))
    return built


class Builder:
    """Builds models one after another in one run: whole, or, for an incremental model whose
    last whole build still holds, by refreshing the teams in `touched_teams` (which the caller
    creates for run `run_id`).

    A refresh reads each per-team source through a temporary view of that name over the touched
    teams' rows of the source (`touched__<source>`): for a `<table>_latest` view, a view of
    their newest versions in the history; for a refreshed model, a copy of the rows its refresh
    wrote, so no model's rows are selected again from its table."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        run_id: str | None,
        per_team: frozenset[str],
        read: frozenset[str] = frozenset(),
        changed: set[str] | None = None,
    ) -> None:
        self.con = con
        self.run_id = run_id
        self.per_team = per_team  # relations with rows of one team each, narrowed on refresh
        self.read = read  # the per-team relations some incremental model reads
        self.state = dict(con.execute(sql("model/state")).fetchall())
        schema = con.execute(sql("model/schema_version")).fetchone()
        # what a model reads whole besides its SQL and parameters: the schema, the global tables
        self.schema = (schema[0] if schema else None, globals_version())
        self.whole: set[str] = set()  # incremental relations built whole in this run
        self.copies: set[str] = set()  # relations with a copy of the touched teams' rows
        # the per-team relations whose touched teams' rows changed in this run (None: not
        # known, and every refresh runs); grows as refreshes change rows
        self.changed = changed
        # the per-team relations whose rows this builder changed (built whole, or refreshed)
        self.written: set[str] = set()

    def build(
        self, name: str, statement: str, values: dict[str, object], *, may_refresh: bool = True
    ) -> str:
        """Build the model `name` (`<layer>/<relation>.sql`); says how (`(teams)`: refreshed,
        `(unchanged)`: a refresh left out, since none of its sources changed).
        `may_refresh=False` builds it whole: its per-team sources changed beyond the teams."""
        narrowed = team_sources(statement, self.per_team)
        if narrowed is None:
            execute(self.con, statement, values)
            return name
        relation = relation_name(name)
        key = build_key(statement, bound(statement, values), self.schema)
        fresh = self.state.get(relation) == key and not narrowed & self.whole
        if self.run_id is not None and may_refresh and fresh:
            if self.changed is not None and not narrowed & self.changed:
                return f"{name} (unchanged)"  # its select would give the rows it holds
            if self._refresh(relation, narrowed, statement, values):
                self.written.add(relation)
                if self.changed is not None:
                    self.changed.add(relation)
            return f"{name} (teams)"
        execute(self.con, statement, values)
        execute(self.con, sql("model/state_set"), {"model": relation, "build_key": key})
        self.whole.add(relation)
        self.written.add(relation)
        return name

    def _refresh(
        self, relation: str, narrowed: frozenset[str], statement: str, values: dict[str, object]
    ) -> bool:
        """Rebuild the rows of `relation` of the touched teams: its select runs over the copies
        of those teams' rows of each per-team source, in their place, and only its rows of
        those teams are kept: those that differ from the stored ones replace them
        (`replace_rows`). Says whether any did."""
        for source in sorted(narrowed):
            copy = TOUCHED_COPY + source
            if source not in self.copies:
                if source.endswith("_latest"):
                    history = source.removesuffix("_latest") + "_history"
                    self.con.execute(sql_for("model/touched_latest", target=copy, history=history))
                else:  # a per-team relation this builder did not refresh (mo_score)
                    self.con.execute(sql_for("model/touched_rows", target=copy, relation=source))
                self.copies.add(source)
            self.con.execute(sql_for("model/touched_view", relation=source, copy=copy))
        select = HEADER.sub("", COMMENT.sub("", statement), count=1)
        keep = TOUCHED_COPY + relation if relation in self.read else None
        changed = replace_rows(
            self.con, "main", relation, select, values, touched_only=True, keep_as=keep
        )
        if keep is not None:
            self.copies.add(relation)
        # on an error the run's transaction takes the temporary views and tables with it
        for source in sorted(narrowed):
            self.con.execute(sql_for("model/touched_view_drop", relation=source))
        return changed

    def record_changes(self) -> None:
        """Give each relation whose rows this builder changed a new change id
        (sql/model/changes_set.sql): the analyst snapshot patches only what changed since it
        was made."""
        if self.written:
            insert_rows(self.con, sql("model/changes_set"), [[r] for r in sorted(self.written)])

    def drop_copies(self) -> None:
        """Drop the touched teams' rows (views and copies): after the last model is built."""
        for source in sorted(self.copies):
            drop = "model/touched_view_drop" if source.endswith("_latest") else "model/touched_drop"
            self.con.execute(sql_for(drop, relation=TOUCHED_COPY + source))
        self.copies.clear()


INCREMENTAL = "-- incremental: by team_id"
# read whole by incremental models: the same for every team
GLOBAL = frozenset(
    {"ref_body_region", "ref_tissue", "ref_osiics_diagnosis", "mo_parameters", "mo_reminder_rules"}
)


def is_incremental(statement: str) -> bool:
    return any(line.strip() == INCREMENTAL for line in statement.splitlines())


def team_sources(
    statement: str, incremental: frozenset[str] = frozenset()
) -> frozenset[str] | None:
    """The per-team relations an incremental model reads (`<table>_latest` views and models
    among `incremental`), narrowed to the touched teams when it refreshes them; None for a
    model rebuilt whole on every run. Any other relation it reads must be `GLOBAL`."""
    if not is_incremental(statement):
        return None
    read = sources(statement)
    per_team = frozenset(r for r in read if r.endswith("_latest") or r in incremental)
    if not per_team or read - per_team - GLOBAL:
        raise ModelParseError(
            "an incremental model reads <table>_latest views, incremental models and global "
            f"tables only: {sorted(read - per_team - GLOBAL) or 'no per-team relation'}"
        )
    return per_team


def globals_version() -> str:
    """The contents of the global tables incremental models read whole: the risk model's
    parameter and reminder tables (as written before the models) and the reference files. A
    change builds every incremental model whole."""
    tables = json.dumps([parameter_rows(), reminder_rows()], default=str)
    return hashlib.sha256(tables.encode() + _reference_digest()).hexdigest()


@cache
def _reference_digest() -> bytes:
    digest = hashlib.sha256()
    for entry in sorted(
        files("sideline.sql").joinpath("reference").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".csv"):
            digest.update(entry.name.encode() + entry.read_bytes())
    return digest.digest()


def build_key(statement: str, parameters: dict[str, object], schema: object) -> str:
    """What a whole build of a model was made from: its SQL, its parameters, the schema and
    the global tables it reads."""
    text = json.dumps([statement, sorted(parameters.items()), schema], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


TOUCHED = "team_id in (select team_id from touched_teams)"


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    catalog: str,
    relation: str,
    select: str,
    values: dict[str, object],
    *,
    touched_only: bool,
    columns: str = "*",
    keep_as: str | None = None,
) -> bool:
    """Make `catalog.relation`'s rows (the touched teams' rows, with `touched_only`, else all
    of them) the rows `select` gives (its `columns`), writing only those that differ
    (sql/model/changed_rows.sql, replace_rows.sql); says whether any did. With `keep_as`, the
    rows given stay as that temporary table."""
    scope = TOUCHED if touched_only else "true"
    execute(
        con,
        f"{sql('model/touched_fresh')} select {columns} from ({select}) where {scope}",  # noqa: S608
        values,
    )
    differ = sql_for("model/changed_rows", catalog=catalog, relation=relation)
    found = con.execute(fill(differ, scope=scope)).fetchone()
    changed = bool(found and found[0])
    if changed:
        replace = sql_for("model/replace_rows", catalog=catalog, relation=relation)
        con.execute(fill(replace, scope=scope))  # and drops the rows that differ
    else:
        con.execute(sql("model/changed_drop"))
    if keep_as is None:
        con.execute(sql("model/touched_fresh_drop"))
    else:
        con.execute(sql_for("model/touched_fresh_keep", target=keep_as))
    return changed


# a model file is `create or replace table <name> as <select>`: the select is what DuckDB parses
HEADER = re.compile(r"^\s*create\s+or\s+replace\s+table\s+\w+\s+as\s+", re.IGNORECASE)
COMMENT = re.compile(r"--[^\n]*")


class ModelParseError(ValueError):
    """A model's SQL that DuckDB's parser rejects."""


@cache
def sources(text: str) -> frozenset[str]:
    """Relations a model reads, from DuckDB's own parser (`json_serialize_sql`): every table
    reference of its select, in any clause or subquery, less the names of its CTEs."""
    code = COMMENT.sub("", text)
    body = HEADER.sub("", code, count=1)
    with _PARSING:  # one connection, never used by two threads at once
        row = _parser().execute("select json_serialize_sql(?)", [body]).fetchone()
    tree = json.loads(row[0]) if row else {}
    if tree.get("error"):
        raise ModelParseError(tree.get("error_message", "DuckDB could not parse the model"))
    tables: set[str] = set()
    ctes: set[str] = set()
    _walk(tree, tables, ctes)
    return frozenset({t.lower() for t in tables} - {c.lower() for c in ctes})


_PARSING = threading.Lock()


def parse_ahead(texts: list[str]) -> threading.Thread:
    """Parse `texts` (the models' and the analyst relations' selects) in a thread, so that
    `sources` finds them parsed when the run gets to its models and its snapshot: a process's
    first parse opens the parser's in-memory DuckDB (15 ms) and each statement takes 0.5-1 ms,
    about 50 ms in all, while the inbox is read. One that fails to parse is parsed again when
    asked for, and fails there."""

    def parse() -> None:
        for text in texts:
            with suppress(ModelParseError):
                sources(text)

    thread = threading.Thread(target=parse, name="sideline-parse-ahead", daemon=True)
    thread.start()
    return thread


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for parsing only (opening one costs more than parsing every model);
    `sources` is cached, so each model is parsed once per process."""
    return duckdb.connect()


def _walk(node: object, tables: set[str], ctes: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and isinstance(node.get("table_name"), str):
            tables.add(node["table_name"])
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict):
            ctes.update(e["key"] for e in cte_map.get("map", []) if isinstance(e.get("key"), str))
        for value in node.values():
            _walk(value, tables, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, tables, ctes)


def in_dependency_order(models: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each model (file `<layer>/<relation>.sql`) after the models it reads from, as dbt orders
    by `ref`; among models ready together, path order."""
    relation = {path: path.rsplit("/", 1)[-1].removesuffix(".sql") for path, _ in models}
    path_of = {name: path for path, name in relation.items()}
    needs = {
        path: {path_of[name] for name in sources(text) if name in path_of} - {path}
        for path, text in models
    }
    text_of = dict(models)
    ordered: list[tuple[str, str]] = []
    done: set[str] = set()
    while len(done) < len(models):
        ready = sorted(p for p in text_of if p not in done and needs[p] <= done)
        if not ready:
            cycle = sorted(set(text_of) - done)
            raise ValueError(f"models depend on each other in a cycle: {cycle}")
        ordered.append((ready[0], text_of[ready[0]]))
        done.add(ready[0])
    return ordered
