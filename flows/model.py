"""Model stage: the SQL models of `sql/models/`, in layer order, inside the run's transaction.

Reference tables are read from `sql/reference/*.csv`, then staging, intermediate and mart
relations are rebuilt whole. They depend on the day they are built (open injuries are counted
to date), so every run rebuilds them, even one with no new files.
"""

from __future__ import annotations

import json
import re
from datetime import date
from importlib.resources import as_file, files

import duckdb

from sideline.db import execute, sql, statements
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


def build_models(con: duckdb.DuckDBPyConnection, values: dict[str, object]) -> list[str]:
    write_mo_tables(con)
    built = []
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
        for name, statement in in_dependency_order(statements("models")):
            execute(con, statement, {**values, **paths})
            built.append(name)
    return built


# a model file is `create or replace table <name> as <select>`: the select is what DuckDB parses
HEADER = re.compile(r"^\s*create\s+or\s+replace\s+table\s+\w+\s+as\s+", re.IGNORECASE)
COMMENT = re.compile(r"--[^\n]*")


class ModelParseError(ValueError):
    """A model's SQL that DuckDB's parser rejects."""


def sources(text: str) -> set[str]:
    """Relations a model reads, from DuckDB's own parser (`json_serialize_sql`): every table
    reference of its select, in any clause or subquery, less the names of its CTEs."""
    code = COMMENT.sub("", text)
    body = HEADER.sub("", code, count=1)
    con = duckdb.connect()
    try:
        row = con.execute("select json_serialize_sql(?)", [body]).fetchone()
    finally:
        con.close()
    tree = json.loads(row[0]) if row else {}
    if tree.get("error"):
        raise ModelParseError(tree.get("error_message", "DuckDB could not parse the model"))
    tables: set[str] = set()
    ctes: set[str] = set()
    _walk(tree, tables, ctes)
    return {t.lower() for t in tables} - {c.lower() for c in ctes}


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
