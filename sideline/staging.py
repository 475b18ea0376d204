"""The staged-row contract that the flow stages and the expectation suites share, written once:
the meta columns of a staged frame, the typed-column companions (`raw__`, `ok__`), the failure
record, and the record key. `flows/` and `expectations/` both import it; neither imports the
other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sideline.catalogue import Table

FILE_COL = "__file"
ROW_COL = "__row"
EXTRA_COL = "__extra"
OVERFLOW_KEY = "__overflow"  # fields past the header's width, kept in the record

# column kinds whose text is parsed, with an `ok__` column saying whether it parsed
PARSED_KINDS = frozenset({"date", "time", "timestamp", "integer", "number", "boolean"})
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
KEY_SEPARATOR = "\x1f"  # ids holding control characters are quarantined, so keys never merge


def raw(column: str) -> str:
    """The column holding a cell's text exactly as it came."""
    return f"raw__{column}"


def ok(column: str) -> str:
    """The column saying whether a typed cell parsed."""
    return f"ok__{column}"


@dataclass(frozen=True)
class Failure:
    """Why a row (or with row None, a whole file) was not staged."""

    file: str
    row: int | None
    column: str | None
    rule: str
    raw_value: str | None
    message: str  # says what is wrong, never quotes a cell (it reaches analysts)
    record: dict[str, object] | None = None  # the row as read: pipeline database only


def record_key(frame: pd.DataFrame, table: Table) -> pd.Series:
    """The key of each row's record: the table's key columns joined."""
    parts = [_key_text(frame[c]) for c in table.key]
    key = parts[0]
    for part in parts[1:]:
        key = key + KEY_SEPARATOR + part
    return key


def _key_text(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d")
    return values.astype(str)
