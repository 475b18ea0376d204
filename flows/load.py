"""Load stage: a run's rows into history, inside the run's one transaction (flows/nightly.py),
so a crash leaves the database as it was.

Valid rows become new versions of their records (sql/load/upsert.sql); failures go to the
quarantine; every file goes to the ledger; the run gets its run_log row; all or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import pandas as pd

from sideline.catalogue import FREE_TEXT_COLUMNS, NAME_COLUMNS, TABLES, Table
from sideline.db import sql, sql_for
from sideline.staging import EXTRA_COL, FILE_COL, ROW_COL, Failure, record_key

LEDGER_COLUMNS = (
    "sha256",
    "file_name",
    "table_name",
    "run_id",
    "size_bytes",
    "rows_in",
    "rows_loaded",
    "rows_quarantined",
    "status",
    "reason",
    "read_at",
)


@dataclass(frozen=True)
class LedgerEntry:
    sha256: str
    file_name: str
    table_name: str | None
    run_id: str
    size_bytes: int
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    status: str
    reason: str | None
    read_at: datetime


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    started_at: datetime
    finished_at: datetime
    status: str
    files_in: int
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    day_count: str
    message: str | None
    step: str | None  # where a failed run failed
    trigger: str = "manual"  # or "scheduled"


def staged_rows(
    frame: pd.DataFrame, table: Table, run_id: str, loaded_at: datetime, file_order: dict[str, int]
) -> pd.DataFrame:
    """The valid rows shaped as the history table expects them."""
    columns = list(table.column_names)
    out = frame[columns].copy()
    for c in table.columns:
        if c.kind == "date":
            out[c.name] = out[c.name].dt.date
    hashed = frame[[*columns, EXTRA_COL]].astype(str)
    out.insert(0, "record_key", record_key(frame, table))
    out.insert(1, "row_hash", pd.util.hash_pandas_object(hashed, index=False).astype(str))
    out.insert(2, "run_id", run_id)
    out.insert(3, "source_file", frame[FILE_COL])
    out.insert(4, "source_row", frame[ROW_COL].astype("int64"))
    out.insert(5, "loaded_at", loaded_at)
    out.insert(6, "file_order", frame[FILE_COL].map(file_order).astype("int64"))
    out["extra"] = frame[EXTRA_COL]
    return out.reset_index(drop=True)


# the columns whose failing raw value may be shown beyond the pipeline database: structured
# contract columns, never names or free text (CONTRACT section 4)
SHAREABLE_COLUMNS = frozenset(
    c.name
    for t in TABLES.values()
    for c in t.columns
    if c.name not in NAME_COLUMNS + FREE_TEXT_COLUMNS
)


def failures_frame(failures: Iterable[Failure], run_id: str, shas: dict[str, str]) -> pd.DataFrame:
    rows = [
        {
            "run_id": run_id,
            "file": f.file,
            "sha256": shas[f.file],
            "row_number": f.row,
            "column_name": f.column,
            "rule": f.rule,
            "raw_value": f.raw_value,
            "raw_value_shareable": f.column in SHAREABLE_COLUMNS,
            "message": f.message,
            "record": json.dumps(f.record, ensure_ascii=False) if f.record is not None else None,
        }
        for f in failures
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "run_id",
            "file",
            "sha256",
            "row_number",
            "column_name",
            "rule",
            "raw_value",
            "raw_value_shareable",
            "message",
            "record",
        ],
    )
    frame["row_number"] = frame["row_number"].astype("Int64")
    return frame


def insert(con: duckdb.DuckDBPyConnection, statement: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    con.register("incoming", frame)
    try:
        con.execute(sql(statement))
    finally:
        con.unregister("incoming")


def upsert(con: duckdb.DuckDBPyConnection, table: str, staged: pd.DataFrame) -> int:
    """New versions written for `table`; rows equal to their record's current version add none."""
    if staged.empty:
        return 0
    con.register("staged", staged)
    try:
        result = con.execute(sql_for("load/upsert", history=f"{table}_history")).fetchone()
    finally:
        con.unregister("staged")
    return int(result[0]) if result else 0


def write_run(
    con: duckdb.DuckDBPyConnection,
    *,
    staged: dict[str, pd.DataFrame],
    quarantine: pd.DataFrame,
    ledger: list[LedgerEntry],
    results: list[dict[str, object]],
    run: RunRecord,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, int]:
    """What a run reads in: rows, quarantine, ledger, results and its run log. Called inside
    the run's one transaction (flows/nightly.py), which the models and scores share."""
    versions = {}
    for name in TABLES:
        if name in staged:
            progress(f"load: writing {name} ({len(staged[name])} rows)")
            versions[name] = upsert(con, name, staged[name])
    progress("load: writing quarantine, ledger, results and run log")
    insert(con, "load/quarantine", quarantine)
    insert(con, "load/file_ledger", pd.DataFrame([asdict(e) for e in ledger]))
    insert(con, "load/validation_result", pd.DataFrame(results))
    insert(con, "load/run_log", pd.DataFrame([asdict(run)]))
    return versions
