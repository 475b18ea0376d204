"""Run a table's suite over a parsed frame and turn Great Expectations' results into verdicts.

GX runs over pandas with `result_format=COMPLETE`, which lists the index of every failing row;
each becomes a row failure naming file, row, column, rule and the raw value.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from sideline.catalogue import TABLES
from sideline.staging import EXTRA_COL, FILE_COL, ROW_COL, SLASH_DATE, Failure, raw

from . import exposures, imaging, injuries
from .rules import Context

SUITES: dict[str, Callable[[Context], gx.ExpectationSuite]] = {
    "injuries": injuries.suite,
    "exposures": exposures.suite,
    "imaging": imaging.suite,
}


@dataclass
class Verdict:
    failures: list[Failure] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_index(self) -> set[int]:
        return {f.row_index for f in self.failures if isinstance(f, IndexedFailure)}


@dataclass(frozen=True)
class IndexedFailure(Failure):
    row_index: int = -1


@cache
def _context() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas("inbox")
    return context


def _batch_definition(table: str) -> Any:
    source = _context().data_sources.get("inbox")
    try:
        asset = source.get_asset(table)
    except LookupError:
        asset = source.add_dataframe_asset(table)
    try:
        return asset.get_batch_definition("whole")
    except KeyError:
        return asset.add_batch_definition_whole_dataframe("whole")


def validate(table: str, frame: pd.DataFrame, ctx: Context) -> Verdict:
    if frame.empty:
        return Verdict()
    frame = frame.reset_index(drop=True)
    suite = SUITES[table](ctx)
    batch = _batch_definition(table).get_batch(batch_parameters={"dataframe": frame})
    outcome = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    verdict = Verdict()
    for result in outcome.results:
        config = result.expectation_config
        info = result.exception_info or {}
        if info.get("raised_exception"):
            raise RuntimeError(
                f"expectation {config.type} on {table} raised: {info.get('exception_message')}"
            )
        rule = config.meta["rule"]
        column = config.meta["column"]
        other = config.meta.get("other_column")
        indexes = result.result.get("unexpected_index_list") or []
        verdict.results.append(
            {
                "table_name": table,
                "expectation": config.type,
                "rule": rule,
                "column_name": column,
                "success": bool(result.success),
                "element_count": int(result.result.get("element_count") or len(frame)),
                "unexpected_count": len(indexes),
            }
        )
        for index in indexes:
            i = int(index[next(iter(index))]) if isinstance(index, dict) else int(index)
            row = frame.iloc[i]
            value, message = _describe(frame, i, rule, column, other, ctx)
            verdict.failures.append(
                IndexedFailure(
                    file=str(row[FILE_COL]),
                    row=int(row[ROW_COL]),
                    column=column,
                    rule=rule,
                    raw_value=value,
                    message=message,
                    record=_record(frame, i),
                    row_index=i,
                )
            )
    return verdict


def _bounds(column: str) -> tuple[float, float]:
    for table in TABLES.values():
        if column in table.column_names:
            c = table.column(column)
            return (
                c.minimum if c.minimum is not None else float("-inf"),
                c.maximum if c.maximum is not None else float("inf"),
            )
    raise KeyError(column)


def _record(frame: pd.DataFrame, i: int) -> dict[str, str | None]:
    """The row as it was read: every contract cell's raw text and the extra columns."""
    record: dict[str, str | None] = {
        name.removeprefix("raw__"): _cell(frame, i, name.removeprefix("raw__"))
        for name in frame.columns
        if name.startswith("raw__")
    }
    extra = frame.at[i, EXTRA_COL]
    if isinstance(extra, str):
        record.update(json.loads(extra))
    return record


def _cell(frame: pd.DataFrame, i: int, column: str) -> str | None:
    name = raw(column)
    if name not in frame.columns:
        return None
    value = frame.at[i, name]
    return None if pd.isna(value) else str(value)


def _describe(
    frame: pd.DataFrame, i: int, rule: str, column: str, other: str | None, ctx: Context
) -> tuple[str | None, str]:
    """The failing cell's raw text, and a message that says what is wrong without quoting any
    cell: messages reach analysts, values stay in the pipeline database."""
    value = _cell(frame, i, column)
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
        per_day = " per day of its period" if _cell(frame, i, "period_end") else ""
        return value, f"{column} is outside {low:g}-{high:g}{per_day}"
    if rule == "not_future":
        return value, f"{column} is in the future (today is {ctx.today.isoformat()})"
    if rule == "order":
        return value, f"{column} is before {other}"
    if rule == "unique_key":
        parts = column.split("+")
        key = ", ".join(f"{p}={_cell(frame, i, p)}" for p in parts if _cell(frame, i, p))
        return key, f"another row of this file has the same {', '.join(parts)}"
    if rule == "references_injury":
        return value, "injury_record_id names no injury of the row's team"
    return value, f"{column} fails rule {rule}"
