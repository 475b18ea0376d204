"""Build the SQL models from a few scenario rows, without the inbox: rows go straight into the
history tables and the model stage runs over them."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pandas as pd
from sideline.flows.model import build_models, model_parameters

from sideline.catalogue import TABLES
from sideline.db import migrate
from sideline.settings import Settings

INJURY_DEFAULTS: dict[str, Any] = {
    "team_id": "eagles",
    "athlete_id": "A1",
    "activity": "match",
    "body_region": "thigh",
    "tissue": "muscle_injury",
    "mechanism": "non_contact",
}
EXPOSURE_DEFAULTS: dict[str, Any] = {"team_id": "eagles", "athlete_id": "A1", "activity": "match"}


def history(table: str, rows: list[dict[str, Any]], defaults: dict[str, Any]) -> pd.DataFrame:
    spec = TABLES[table]
    full = [{**{c: None for c in spec.column_names}, **defaults, **r} for r in rows]
    frame = pd.DataFrame(full, columns=list(spec.column_names))
    frame.insert(0, "record_key", [f"{table}-{i}" for i in range(len(frame))])
    frame.insert(1, "version", 1)
    frame.insert(2, "row_hash", "h")
    frame.insert(3, "run_id", "r")
    frame.insert(4, "source_file", "scenario")
    frame.insert(5, "source_row", range(2, len(frame) + 2))
    frame.insert(6, "loaded_at", pd.Timestamp("2026-11-25", tz="UTC"))
    return frame


def build(
    injuries: list[dict[str, Any]] = (),  # type: ignore[assignment]
    exposures: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    as_of: date = date(2026, 11, 25),
    day_count: str = "ioc",
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    migrate(con)
    for table, rows, defaults in (
        ("injuries", list(injuries), INJURY_DEFAULTS),
        ("exposures", list(exposures), EXPOSURE_DEFAULTS),
    ):
        if rows:
            frame = history(table, rows, defaults)
            con.register("incoming", frame)
            con.execute(f"insert into {table}_history by name select * from incoming")  # noqa: S608
            con.unregister("incoming")
    settings = Settings(
        home=__import__("pathlib").Path("unused"), timezone="UTC", day_count=day_count
    )  # type: ignore[arg-type]
    build_models(con, model_parameters(settings, as_of))
    return con


def table(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    return con.execute(query).fetchall()
