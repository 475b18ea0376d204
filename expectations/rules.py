"""The rules every contract table shares, as Great Expectations 1.x expectations.

Each expectation carries `meta.rule` (the rule's name in the quarantine) and `meta.column` (the
contract column it guards), so a failing row is reported with both. The rules come from the
column catalogue, so a column's rules are written once, there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

from sideline.catalogue import Table
from sideline.staging import PARSED_KINDS, UNIQUE_COL, clean, ok, raw


@dataclass(frozen=True)
class Context:
    """What rules need to know beyond the rows: the team's today and now."""

    today: date
    now: datetime


def meta(rule: str, column: str, other: str | None = None) -> dict[str, str]:
    m = {"rule": rule, "column": column}
    if other:
        m["other_column"] = other
    return m


def column_rules(table: Table, ctx: Context) -> list[Expectation]:
    rules: list[Expectation] = []
    for c in table.columns:
        if c.required:
            rules.append(
                gxe.ExpectColumnValuesToNotBeNull(column=raw(c.name), meta=meta("required", c.name))
            )
        if c.identifier:
            # a control character could make two keys one (the key joins fields with U+001F);
            # GX has no regex rules on DuckDB, so parsing flags the text (`clean__`)
            rules.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=clean(c.name), value_set=[True], meta=meta("control_character", c.name)
                )
            )
        if c.kind in PARSED_KINDS:
            rules.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=ok(c.name), value_set=[True], meta=meta(f"type_{c.kind}", c.name)
                )
            )
        if c.kind == "enum":
            rules.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=c.name, value_set=list(c.allowed), meta=meta("enum", c.name)
                )
            )
        if c.minimum is not None or c.maximum is not None:
            rules.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c.range_of or c.name,
                    min_value=c.minimum,
                    max_value=c.maximum,
                    meta=meta("range", c.name),
                )
            )
        if c.kind in ("date", "timestamp"):
            latest = ctx.today if c.kind == "date" else ctx.now
            rules.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=c.name, max_value=latest, meta=meta("not_future", c.name)
                )
            )
    for order in table.orders:
        rules.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=order.later,
                column_B=order.earlier,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                meta=meta("order", order.later, order.earlier),
            )
        )
    # file and unique key in one staged column (sideline/staging.py, unique_sql): GX lists the
    # failing rows of a column rule on SQL, not of a compound one; a session without
    # session_id has no such value and is its own
    rules.append(
        gxe.ExpectColumnValuesToBeUnique(
            column=UNIQUE_COL, meta=meta("unique_key", "+".join(table.unique_key))
        )
    )
    return rules
