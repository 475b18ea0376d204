"""DuckDB access: the SQL files of `sql/`, the migration runner, and connections.

Every statement comes from a file under `sql/`. Values are always bound as parameters; the only
text ever substituted is a relation name from the fixed catalogue (`{history}` placeholders).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from importlib.resources import files
from pathlib import Path

import duckdb
import pandas as pd

from sideline.catalogue import TABLES
from sideline.staging import row_hash_sql

MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# the relation names ever filled into a statement (with the models' and the snapshot's, see
# sql_for): the contract tables' history, current views and staging relations, and the scores
IDENTIFIERS = (
    frozenset(f"{name}_history" for name in TABLES)
    | frozenset(f"{name}_latest" for name in TABLES)
    | frozenset(TABLES)
    | frozenset(f"text_{name}" for name in TABLES)  # a run's text rows (flows/stage.py)
    | frozenset({"split_text"})  # a batch of plain files' text rows (flows/stage.py)
    | frozenset({"mo_score", "mo_risk"})
    | frozenset({"main", "snap"})  # the pipeline database and the attached analyst snapshot
)


class DatabaseBusy(RuntimeError):
    """Another process holds the pipeline database for writing."""


@cache
def sql(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return files("sideline.sql").joinpath(f"{name}.sql").read_text(encoding="utf-8")


# a run's temporary copy of the touched teams' rows of a relation (flows/model.py)
TOUCHED_COPY = "touched__"


def sql_for(name: str, **identifiers: str) -> str:
    """A templated statement with relation names from the fixed list filled in."""
    known = IDENTIFIERS | model_relations() | analyst_relations()
    for value in identifiers.values():
        if value not in known and value.removeprefix(TOUCHED_COPY) not in known:
            raise ValueError(f"{value!r} is not a relation Sideline knows")
    return sql(name).format(**identifiers)


def insert_rows(
    con: duckdb.DuckDBPyConnection, statement: str, rows: Sequence[Sequence[object]]
) -> None:
    """Run `insert ... values (?, ...)` for every row as one statement of many rows, each value
    bound as a parameter: `executemany` runs it once a row (30 ms for the risk model's tables,
    a run's biggest fixed cost after validation)."""
    head, _, row = statement.rstrip().rstrip(";").rpartition(" values ")
    if not head or not row.startswith("("):
        raise ValueError("insert_rows takes `insert ... values (?, ...)`")
    for first in range(0, len(rows), INSERT_BATCH):
        batch = rows[first : first + INSERT_BATCH]
        con.execute(f"{head} values {', '.join([row] * len(batch))}", [v for r in batch for v in r])


INSERT_BATCH = 500  # rows a statement of insert_rows binds


def fill(statement: str, **expressions: str) -> str:
    """A statement with `{name}` holes (left by sql_for from `{{name}}`) filled with SQL that
    Sideline builds from its catalogue: column names and expressions over them, never a value
    (values are always bound as parameters)."""
    for name, expression in expressions.items():
        hole = "{" + name + "}"
        if hole not in statement:
            raise ValueError(f"the statement has no {hole}")
        statement = statement.replace(hole, expression)
    return statement


PARAMETER = re.compile(r"\$([a-z_]+)")


def statements(folder: str) -> list[tuple[str, str]]:
    """The `.sql` files under `sql/<folder>` (one level of subfolders), in path order."""
    root = files("sideline.sql").joinpath(folder)
    found: list[tuple[str, str]] = []
    for entry in root.iterdir():
        children = entry.iterdir() if entry.is_dir() else [entry]
        for child in children:
            if child.name.endswith(".sql"):
                found.append(
                    (
                        f"{entry.name}/{child.name}" if entry.is_dir() else child.name,
                        child.read_text(encoding="utf-8"),
                    )
                )
    return sorted(found)


def relation_name(path: str) -> str:
    """The relation a model file builds (`<layer>/<relation>.sql`)."""
    return path.rsplit("/", 1)[-1].removesuffix(".sql")


@cache
def model_relations() -> frozenset[str]:
    """The relations the SQL models build (`sql/models/<layer>/<relation>.sql`)."""
    return frozenset(relation_name(path) for path, _ in statements("models"))


ANALYST_CREATE = re.compile(r"^create table snap\.(\w+) as\s", re.MULTILINE)


@cache
def analyst_relations() -> frozenset[str]:
    """The relations of the analyst snapshot (`sql/analyst/*.sql`, each
    `create table snap.<relation> as ...`)."""
    return frozenset(
        match.group(1)
        for _, text in statements("analyst")
        for match in ANALYST_CREATE.finditer(text)
    )


def bound(statement: str, values: dict[str, object]) -> dict[str, object]:
    """The named parameters (`$name`) a statement uses, with their values."""
    return {name: values[name] for name in set(PARAMETER.findall(statement))}


def execute(con: duckdb.DuckDBPyConnection, statement: str, values: dict[str, object]) -> None:
    """Run a statement, binding the named parameters (`$name`) it uses from `values`."""
    con.execute(statement, bound(statement, values))


def query(con: duckdb.DuckDBPyConnection, name: str, values: dict[str, object]) -> pd.DataFrame:
    """The result of `sql/<name>.sql` as a DataFrame, its named parameters bound from `values`."""
    statement = sql(name)
    return con.execute(statement, bound(statement, values)).df()


def migrations() -> list[tuple[int, str, str]]:
    folder = files("sideline.sql").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the numbered migrations not yet recorded, each in its own transaction."""
    con.execute(sql("schema_migrations"))
    done = {row[0] for row in con.execute(sql("migrations_applied")).fetchall()}
    applied = []
    for version, name, text in migrations():
        if version in done:
            continue
        con.begin()
        try:
            con.execute(text)
            con.execute(sql("migration_record"), [version, name])
            con.commit()
        except Exception:
            con.rollback()
            raise
        applied.append(name)
    return applied


@contextmanager
def undone(undo: Callable[[], object]) -> Iterator[None]:
    """Run `undo` (unregister a frame, drop a view) after the block. When the block fails inside
    a transaction, DuckDB refuses every statement until the rollback, `undo` among them (which
    the rollback does anyway): its refusal is dropped, so the block's own error is the one
    raised, not "Current transaction is aborted"."""
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            undo()
        raise
    undo()


@contextmanager
def one_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Everything inside commits together, or (an error, a signal, a kill) not at all."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        con.rollback()
        raise


def connect(path: Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the pipeline database for writing, migrated to the current schema; with a memory
    limit (SIDELINE_MEMORY_LIMIT), what it cannot hold spills beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(
            str(path),
            config={
                "enable_external_access": True,
                # what DuckDB cannot hold spills beside the database, not to the system's /tmp
                "temp_directory": str(path.parent / "duckdb-spill"),
                # models are whole tables: keeping their rows in insertion order costs memory
                # at league scale and buys nothing, since every reader sorts
                "preserve_insertion_order": False,
                **({"memory_limit": memory_limit} if memory_limit else {}),
            },
        )
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                f"{path} is held by another Sideline run; wait for it to finish"
            ) from exc
        raise
    migrate(con)
    rehash(con)
    return con


# v2: injuries gained `knee_flexion_at` (CONTRACT, risk model v2), a part of every row's hash;
# v3: the md5 stored as its 128-bit number (migration 019), not as hex text
ROW_HASH_SCHEME = "md5-number-v3"


def rehash(con: duckdb.DuckDBPyConnection) -> bool:
    """Recompute every stored row hash when the recorded scheme is not the current one (once,
    in one transaction), so a record re-sent after an upgrade still equals its stored version."""
    recorded = con.execute(sql("row_hash_scheme")).fetchall()
    if recorded == [(ROW_HASH_SCHEME,)]:
        return False
    with one_transaction(con):
        for name, table in TABLES.items():
            statement = sql_for("load/rehash", history=f"{name}_history")
            con.execute(fill(statement, row_hash=row_hash_sql(table, "extra")))
        con.execute(sql("row_hash_scheme_clear"))
        con.execute(sql("row_hash_scheme_set"), {"scheme": ROW_HASH_SCHEME})
    return True
