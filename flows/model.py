"""Model stage: the SQL models of `sql/models/`, in layer order, inside the run's transaction.

Reference tables are read from `sql/reference/*.csv`, then staging, intermediate and mart
relations are built. Most depend on the day they are built (open injuries are counted to date)
and are small (a row per injury or per aggregate), so every run rebuilds them whole.

A model that declares `-- incremental: by team_id` holds a row per source row (the current
exposures: the one model as large as the data). It may read one `<table>_latest` view and
not the day. It is built whole once, and again whenever its SQL, its parameters or the schema
change (`model_state` keeps what it was built from); otherwise a run rebuilds only the rows of
the teams it loaded rows for, from those teams' current rows.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import date
from functools import cache
from importlib.resources import as_file, files

import duckdb

from sideline.db import bound, execute, sql, sql_for, statements
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
    con.executemany(sql("mo/parameter"), parameter_rows())
    con.executemany(sql("mo/reminder_rule"), reminder_rows())


def build_models(
    con: duckdb.DuckDBPyConnection, values: dict[str, object], run_id: str | None = None
) -> list[str]:
    """Build every model in dependency order; returns `<layer>/<file>` of each, marked
    `(teams)` where only the teams of run `run_id` were rebuilt. Without a run id every model
    is built whole."""
    write_mo_tables(con)
    built = []
    state = dict(con.execute(sql("model/state")).fetchall())
    schema = con.execute(sql("model/schema_version")).fetchone()
    models = in_dependency_order(statements("models"))
    incremental = {
        relation_name(name)
        for name, statement in models
        if any(line.strip() == INCREMENTAL for line in statement.splitlines())
    }
    whole: set[str] = set()  # incremental models built whole in this run
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
        try:
            for name, statement in models:
                source = incremental_source(statement, frozenset(incremental))
                if source is None:
                    execute(con, statement, {**values, **paths})
                    built.append(name)
                    continue
                relation = relation_name(name)
                key = build_key(statement, bound(statement, values), schema[0] if schema else None)
                if run_id is not None and state.get(relation) == key and source not in whole:
                    _refresh_teams(con, relation, source, statement, values)
                    built.append(f"{name} (teams)")
                else:
                    execute(con, statement, values)
                    execute(con, sql("model/state_set"), {"model": relation, "build_key": key})
                    whole.add(relation)
                    built.append(name)
        finally:
            con.execute(sql("model/touched_teams_drop"))
    return built


INCREMENTAL = "-- incremental: by team_id"


def incremental_source(statement: str, incremental: frozenset[str] = frozenset()) -> str | None:
    """The one relation an incremental model reads (a `<table>_latest` view or another
    incremental model, among `incremental`), or None for a model rebuilt whole on every run."""
    if not any(line.strip() == INCREMENTAL for line in statement.splitlines()):
        return None
    if "$as_of" in statement:
        raise ModelParseError("an incremental model may not depend on the day it is built")
    read = sources(statement)
    if len(read) != 1 or not all(r.endswith("_latest") or r in incremental for r in read):
        raise ModelParseError(
            f"an incremental model reads one <table>_latest or incremental model: {sorted(read)}"
        )
    (source,) = read
    return source


def relation_name(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".sql")


def build_key(statement: str, parameters: dict[str, object], schema: object) -> str:
    """What a whole build of a model was made from: its SQL, its parameters, the schema."""
    text = json.dumps([statement, sorted(parameters.items()), schema], default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _refresh_teams(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    source: str,
    statement: str,
    values: dict[str, object],
) -> None:
    """Rebuild the rows of `relation` of the teams the run loaded rows for (`touched_teams`):
    its select runs over a temporary table of those teams' rows of its source, in its place."""
    if source.endswith("_latest"):
        history = source.removesuffix("_latest") + "_history"
        con.execute(sql_for("model/touched_latest", latest=source, history=history))
    else:
        con.execute(sql_for("model/touched_rows", relation=source))
    try:
        con.execute(sql_for("model/touched_delete", relation=relation))
        select = HEADER.sub("", COMMENT.sub("", statement), count=1)
        execute(con, f"insert into main.{relation} {select}", values)
    finally:
        con.execute(sql_for("model/touched_drop", relation=source))


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
