"""Run a table's suite over its staged rows and turn Great Expectations' results into verdicts.

GX runs on a SQL datasource over the run's staging database (flows/stage.py), through
connections of its own to it (duckdb-engine over a DuckDB cursor), so the rules run where the
data is, at DuckDB speed, with GX as the engine of record: its results are
stored and shown as before. `result_format=COMPLETE` with `unexpected_index_column_names`
lists the staged row id (`__id`) of every failing row; each becomes a row failure naming file,
row, column, rule and the raw value.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from sideline.catalogue import TABLES
from sideline.staging import EXTRA_COL, FILE_COL, ID_COL, ROW_COL, SLASH_DATE, Failure, raw

from . import exposures, imaging, injuries
from .gx_duckdb import keep_duckdb_connections
from .rules import Context

Connect = Callable[[], duckdb.DuckDBPyConnection]  # a new connection to the staging database
Row = dict[str, Any]  # a staged row as read back from the staging database

SUITES: dict[str, Callable[[Context], gx.ExpectationSuite]] = {
    "injuries": injuries.suite,
    "exposures": exposures.suite,
    "imaging": imaging.suite,
}

# GX turns this into the LIMIT of its failing-rows query: every failing row is listed
ALL_ROWS = 2**62


@dataclass(frozen=True)
class RuleFailures:
    """The staged rows (by id) that failed one rule."""

    rule: str
    column: str
    other: str | None
    ids: list[int]


@dataclass
class Verdict:
    results: list[dict[str, Any]] = field(default_factory=list)
    failed: list[RuleFailures] = field(default_factory=list)

    @property
    def failed_ids(self) -> set[int]:
        return {i for f in self.failed for i in f.ids}


@cache
def _context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    keep_duckdb_connections()
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    # The imports and the context leave a few hundred thousand objects that live as long as
    # the process. Frozen, they are left out of the collection after each suite (`validate`),
    # which then looks only at what came after: 0.3 s a suite at 1.2M staged rows otherwise.
    # They are frozen as they are, not collected first: the imports leave next to no garbage,
    # and a collection of them all costs 0.28 s of every run's process (a 1,000-row night's
    # validation is 0.7 s).
    gc.freeze()
    return context


# held while what every process's first suite needs is set up, by `prepare` or the first suite
_FIRST_USE = threading.Lock()


def prepare() -> threading.Thread:
    """Set up, in a thread, what a process's first suite otherwise waits for: GX's context and
    duckdb-engine, whose import opens two in-memory DuckDBs to probe what they support. It runs
    while the inbox is read, which waits mostly on DuckDB and Arrow: 0.06-0.15 s of a 1,000-row
    night's validation."""
    thread = threading.Thread(target=_first_use, name="sideline-gx-prepare", daemon=True)
    thread.start()
    return thread


def _first_use() -> Any:
    with _FIRST_USE:
        context = _context()
        importlib.import_module("duckdb_engine").config.get_core_config()
        return context


def validate(table: str, staging: Connect, ctx: Context) -> Verdict:
    """Run `table`'s suite over its relation in the staging database, which `staging` opens a
    connection to (flows/stage.py, `Staging.cursor`): GX reads it where the run wrote it."""
    return _verdict(table, _run_suite(table, staging, ctx))


def _run_suite(table: str, staging: Connect, ctx: Context) -> list[Any]:
    context = _first_use()
    name = f"staging-{uuid.uuid4().hex}"

    def creator() -> Any:
        # what duckdb-engine makes of a DuckDB connection it opened itself
        return importlib.import_module("duckdb_engine").ConnectionWrapper(staging())

    # the URL names the dialect; every connection of the engine is one `staging` opens
    source = context.data_sources.add_sql(
        name, connection_string="duckdb:///:memory:", kwargs={"creator": creator}
    )
    try:
        batch = (
            source.add_table_asset(table, table_name=table)
            .add_batch_definition_whole_table("whole")
            .get_batch()
        )
        outcome = batch.validate(
            SUITES[table](ctx),
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": [ID_COL],
                "exclude_unexpected_values": True,
                "partial_unexpected_count": ALL_ROWS,
            },
        )
        batch.data.execution_engine.close()
    finally:
        context.data_sources.delete(name)
    return list(outcome.results)


def _verdict(table: str, results: list[Any]) -> Verdict:
    verdict = Verdict()
    for result in results:
        config = result.expectation_config
        info = result.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(
                f"expectation {config.type} on {table} raised: {info.get('exception_message')}"
            )
        ids = _failing_ids(result.result.get("unexpected_index_list"))
        unexpected = int(result.result.get("unexpected_count") or 0)
        if len(ids) != unexpected:  # GX counted rows it did not list: never load those
            raise RuntimeError(
                f"expectation {config.type} on {table}: {unexpected} rows failed, "
                f"{len(ids)} were listed"
            )
        verdict.results.append(
            {
                "table_name": table,
                "expectation": config.type,
                "rule": config.meta["rule"],
                "column_name": config.meta["column"],
                "success": bool(result.success),
                "element_count": int(result.result.get("element_count") or 0),
                "unexpected_count": unexpected,
            }
        )
        if ids:
            verdict.failed.append(
                RuleFailures(
                    config.meta["rule"],
                    config.meta["column"],
                    config.meta.get("other_column"),
                    ids,
                )
            )
    return verdict


def _failing_ids(listed: Any) -> list[int]:
    """The ids GX listed: one `{"__id": [...]}` with unexpected values excluded."""
    ids: list[int] = []
    for entry in listed or []:
        value = entry[ID_COL]
        ids.extend(int(v) for v in (value if isinstance(value, list) else [value]))
    return ids


def failures(rows: pd.DataFrame, verdict: Verdict, ctx: Context) -> list[Failure]:
    """Row failures for a verdict; `rows` holds the failing staged rows indexed by `__id`."""
    # each failing row once as a plain dict: a cell is then a lookup, not a pandas indexer
    by_id: dict[int, Row] = {
        int(i): row for i, row in zip(rows.index, rows.to_dict("records"), strict=True)
    }
    out: list[Failure] = []
    for rule in verdict.failed:
        for i in rule.ids:
            row = by_id[i]
            value, message = _describe(row, rule.rule, rule.column, rule.other, ctx)
            out.append(
                Failure(
                    file=str(row[FILE_COL]),
                    row=int(row[ROW_COL]),
                    column=rule.column,
                    rule=rule.rule,
                    raw_value=value,
                    message=message,
                    record=_record(row),
                )
            )
    return out


def _bounds(column: str) -> tuple[float, float]:
    for table in TABLES.values():
        if column in table.column_names:
            c = table.column(column)
            return (
                c.minimum if c.minimum is not None else float("-inf"),
                c.maximum if c.maximum is not None else float("inf"),
            )
    raise KeyError(column)


def _record(row: Row) -> dict[str, str | None]:
    """The row as it was read: every contract cell's raw text and the extra columns."""
    record: dict[str, str | None] = {
        name.removeprefix("raw__"): _cell(row, name.removeprefix("raw__"))
        for name in row
        if name.startswith("raw__")
    }
    extra = row[EXTRA_COL]
    if isinstance(extra, str):
        record.update(json.loads(extra))
    return record


def _cell(row: Row, column: str) -> str | None:
    name = raw(column)
    if name not in row:
        return None
    value = row[name]
    return None if pd.isna(value) else str(value)


def _describe(
    row: Row, rule: str, column: str, other: str | None, ctx: Context
) -> tuple[str | None, str]:
    """The failing cell's raw text, and a message that says what is wrong without quoting any
    cell: messages reach analysts, values stay in the pipeline database."""
    value = _cell(row, column)
    if rule == "required":
        return value, f"{column} is required and is empty"
    if rule == "control_character":
        return value, f"{column} holds a control character (tab, line break or other)"
    if rule.startswith("type_"):
        kind = rule.removeprefix("type_")
        if kind == "date" and value and SLASH_DATE.match(value):
            return value, (
                f"{column}: DD/MM/YYYY is read only when the file's own dates show the day "
                "first (a day above 12); here it is ambiguous, so use YYYY-MM-DD"
            )
        return value, f"{column} is not a valid {kind}"
    if rule == "enum":
        return value, f"{column} is not one of its allowed values"
    if rule == "range":
        low, high = _bounds(column)
        per_day = " per day of its period" if _cell(row, "period_end") else ""
        return value, f"{column} is outside {low:g}-{high:g}{per_day}"
    if rule == "not_future":
        return value, f"{column} is in the future (today is {ctx.today.isoformat()})"
    if rule == "order":
        return value, f"{column} is before {other}"
    if rule == "unique_key":
        parts = column.split("+")
        key = ", ".join(f"{p}={_cell(row, p)}" for p in parts if _cell(row, p))
        return key, f"another row of this file has the same {', '.join(parts)}"
    if rule == "references_injury":
        return value, "injury_record_id names no injury of the row's team"
    return value, f"{column} fails rule {rule}"
