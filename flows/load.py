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
from sideline.db import fill, sql, sql_for, undone
from sideline.staging import (
    EXTRA_COL,
    Failure,
    quoted,
    record_key_sql,
    row_hash_sql,
)

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


def staged_view(table: Table) -> str:
    """The statement defining `staged`, the valid staged rows of `table` (sql/load/staged.sql);
    only catalogue names and expressions built from them are filled in."""
    return fill(
        sql_for("load/staged", relation=table.name),
        record_key=record_key_sql(table),
        row_hash=row_hash_sql(table, EXTRA_COL),
        columns=", ".join(f"rows.{quoted(c)}" for c in table.column_names),
    )


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
    with undone(lambda: con.unregister("incoming")):
        con.execute(sql(statement))


def upsert(con: duckdb.DuckDBPyConnection, table: Table) -> int:
    """New versions written for `table` from its valid staged rows; rows equal to their
    record's current version add none."""
    history = f"{table.name}_history"
    con.execute(staged_view(table))
    with undone(lambda: con.execute(sql("load/staged_drop"))):
        result = con.execute(sql_for("load/upsert", history=history)).fetchall()
    twice = con.execute(sql_for("load/unique_versions", history=history)).fetchall()
    if twice and twice[0][0]:
        raise RuntimeError(f"{history}: this run wrote {twice[0][0]} row(s) under a key twice")
    return int(result[0][0]) if result else 0


def write_run(
    con: duckdb.DuckDBPyConnection,
    *,
    valid: dict[str, int],
    file_order: dict[str, int],
    run_id: str,
    loaded_at: datetime,
    quarantine: pd.DataFrame,
    ledger: list[LedgerEntry],
    results: list[dict[str, object]],
    run: RunRecord,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, int]:
    """What a run reads in: rows, quarantine, ledger, results and its run log. Called inside
    the run's one transaction (flows/nightly.py), which the models and scores share, with the
    staging database attached."""
    versions = {}
    con.execute(sql("load/run_values"), {"run_id": run_id, "loaded_at": loaded_at})
    order = pd.DataFrame({"file": list(file_order), "file_order": list(file_order.values())})
    insert(con, "load/file_order", order)
    for name, table in TABLES.items():
        if valid.get(name):
            progress(f"load: writing {name} ({valid[name]} rows)")
            versions[name] = upsert(con, table)
    progress("load: writing quarantine, ledger, results and run log")
    insert(con, "load/quarantine", quarantine)
    insert(con, "load/file_ledger", pd.DataFrame([asdict(e) for e in ledger]))
    insert(con, "load/validation_result", pd.DataFrame(results))
    insert(con, "load/run_log", pd.DataFrame([asdict(run)]))
    return versions
