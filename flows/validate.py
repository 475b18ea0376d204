"""Validate stage: parse each staged file and run its table's suite over the run's rows.

Injuries are validated before imaging, so an exam may follow up an injury of the same run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd
from sideline.expectations.imaging import INJURY_FOUND
from sideline.expectations.rules import Context
from sideline.expectations.run import validate

from sideline.catalogue import TABLES
from sideline.db import sql
from sideline.settings import Settings
from sideline.staging import Failure

from .parse import detect_format, parse_frame
from .read import Staged


@dataclass
class Validated:
    valid: dict[str, pd.DataFrame] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    results: list[dict[str, object]] = field(default_factory=list)


def validate_files(
    staged: list[Staged], settings: Settings, con: duckdb.DuckDBPyConnection, now: datetime
) -> Validated:
    out = Validated()
    ctx = Context(today=now.date(), now=now)
    for name, table in TABLES.items():  # injuries first: imaging refers to them
        files = [s for s in staged if s.table is table and not s.frame.empty]
        for s in staged:
            if s.table is table:
                out.failures.extend(s.failures)
        if not files:
            continue
        frames = [
            parse_frame(s.frame, table, detect_format(s.frame, table, s.delimiter), settings.tz)
            for s in files
        ]
        frame = pd.concat(frames, ignore_index=True)
        if name == "imaging":
            frame[INJURY_FOUND] = injury_found(con, frame, out.valid.get("injuries"))
        verdict = validate(name, frame, ctx)
        out.failures.extend(verdict.failures)
        out.results.extend(verdict.results)
        out.valid[name] = frame.drop(index=list(verdict.failed_index))
    return out


def injury_found(
    con: duckdb.DuckDBPyConnection, exams: pd.DataFrame, run_injuries: pd.DataFrame | None
) -> pd.Series:
    """Per imaging row, whether the injury it names exists: a join in DuckDB against the stored
    injuries and this run's valid ones (sql/validate/injury_found.sql)."""
    keys = exams[["team_id", "injury_record_id"]].astype(object).reset_index(drop=True)
    keys.insert(0, "row_index", range(len(keys)))
    run = (
        run_injuries[["team_id", "record_id"]].astype(object)
        if run_injuries is not None
        else pd.DataFrame(
            {"team_id": pd.Series(dtype=object), "record_id": pd.Series(dtype=object)}
        )
    )
    con.register("exams", keys)
    con.register("run_injuries", run)
    try:
        found = con.execute(sql("validate/injury_found")).fetchall()
    finally:
        con.unregister("exams")
        con.unregister("run_injuries")
    return pd.Series([bool(f) for _, f in found], index=exams.index, dtype=bool)
