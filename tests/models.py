"""Build the SQL models from a few scenario rows, without the inbox: rows go straight into the
history tables and the model stage runs over them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sideline.flows.model import build_models, model_parameters
from sideline.flows.score import score_contusions

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
IMAGING_DEFAULTS: dict[str, Any] = {
    "team_id": "eagles",
    "athlete_id": "A1",
    "modality": "ultrasound",
}


def history(
    table: str, rows: list[dict[str, Any]], defaults: dict[str, Any], run_id: str
) -> pd.DataFrame:
    spec = TABLES[table]
    full = [{**{c: None for c in spec.column_names}, **defaults, **r} for r in rows]
    frame = pd.DataFrame(full, columns=list(spec.column_names))
    # a record's key is its team and id; rows for a key already stored become new versions
    keys = frame[list(spec.key)].astype(str).agg("\x1f".join, axis=1)
    frame.insert(0, "record_key", keys)
    frame.insert(1, "version", [int(run_id.rsplit("-", 1)[1])] * len(frame))
    frame.insert(2, "row_hash", 0)
    frame.insert(3, "run_id", run_id)
    frame.insert(4, "source_file", "scenario")
    frame.insert(5, "source_row", range(2, len(frame) + 2))
    frame.insert(6, "loaded_at", pd.Timestamp("2026-11-25", tz="UTC"))
    return frame


def build(
    injuries: list[dict[str, Any]] = (),  # type: ignore[assignment]
    exposures: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    imaging: list[dict[str, Any]] = (),  # type: ignore[assignment]
    as_of: date = date(2026, 11, 25),
    day_count: str = "ioc",
    run_id: str = "run-1",
    con: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyConnection:
    """Models (and scores) over the rows given; pass `con` to add rows to an earlier build."""
    if con is None:
        con = duckdb.connect()
        migrate(con)
    add(con, injuries, exposures, imaging=imaging, run_id=run_id)
    settings = Settings(home=Path("unused"), timezone="UTC", day_count=day_count)  # type: ignore[arg-type]
    build_models(con, model_parameters(settings, as_of), run_id)
    score_contusions(con, run_id, as_of)
    return con


def add(
    con: duckdb.DuckDBPyConnection,
    injuries: list[dict[str, Any]] = (),  # type: ignore[assignment]
    exposures: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    imaging: list[dict[str, Any]] = (),  # type: ignore[assignment]
    run_id: str,
) -> None:
    """The rows given, as loaded by run `run_id`, into the history tables (no model built)."""
    for name, rows, defaults in (
        ("injuries", list(injuries), INJURY_DEFAULTS),
        ("exposures", list(exposures), EXPOSURE_DEFAULTS),
        ("imaging", list(imaging), IMAGING_DEFAULTS),
    ):
        if rows:
            frame = history(name, rows, defaults, run_id)
            con.register("incoming", frame)
            con.execute(f"insert into {name}_history by name select * from incoming")  # noqa: S608
            con.unregister("incoming")


def table(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    return con.execute(query).fetchall()
