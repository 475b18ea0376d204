"""Parse stage: turn staged text into typed columns by the catalogue, vectorised per column.

Parsing never decides validity on its own: for each typed column it records whether the text
parsed (`ok__<column>`), and the expectation suites turn that into a row verdict. Raw text is
kept beside the value (`raw__<column>`) so a quarantined cell is stored exactly as it came.
Each distinct text is parsed once (`parse_text`); the staging database spreads the result over
the rows (flows/stage.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from sideline.catalogue import UNKNOWN, Column
from sideline.staging import SLASH_DATE

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "f"})

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
TIMESTAMP_OFFSET = re.compile(
    r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$"
)
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class FileFormat:
    """What one file's text says about how to read it."""

    day_first: bool
    decimal_comma: bool


def detect_format(dates: Iterable[object], delimiter: str | None) -> FileFormat:
    """DD/MM/YYYY is accepted only when the file's own dates show it (a day above 12 in the
    first place and none in the second); otherwise a slash date is ambiguous and fails.
    `dates` are the texts of the file's date columns, each distinct one at least once."""
    first_over_12 = second_over_12 = False
    for value in dates:
        match = SLASH_DATE.match(value) if isinstance(value, str) and "/" in value else None
        if match:
            first_over_12 |= int(match[1]) > 12
            second_over_12 |= int(match[2]) > 12
    return FileFormat(
        day_first=first_over_12 and not second_over_12, decimal_comma=delimiter == ";"
    )


def parse_text(column: Column, text: pd.Series, fmt: FileFormat, tz: ZoneInfo) -> pd.DataFrame:
    """A column's texts (each distinct one once, none missing) as `value`, and as `ok`: whether
    the text parsed (or is the word for unknown); the staging database joins them to the rows."""
    value = _parse(column, text, fmt, tz)
    return pd.DataFrame({"value": value, "ok": value.notna() | _is_unknown(column, text)})


def by_unique(text: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`parse` applied to each distinct text once (dates, codes and numbers repeat a great
    deal), then spread back to the rows: the same result as parsing every row."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    if 2 * len(uniques) > len(text):
        return parse(text)
    parsed = parse(pd.Series([*uniques, None], dtype=object))
    codes[codes == -1] = len(uniques)  # the missing cells take the parse of None
    return pd.Series(parsed.to_numpy()[codes], index=text.index, dtype=parsed.dtype)


def _is_unknown(column: Column, text: pd.Series) -> pd.Series:
    if column.kind != "boolean":
        return pd.Series(False, index=text.index)
    return text.str.lower().eq(UNKNOWN).fillna(False)


def _parse(column: Column, text: pd.Series, fmt: FileFormat, tz: ZoneInfo) -> pd.Series:
    kind = column.kind
    if kind == "text":
        return text
    if kind == "enum":
        return _enum(column, text)
    if kind == "date":
        return _date(text, fmt)
    if kind == "time":
        return _time(text)
    if kind == "timestamp":
        return _timestamp(text, tz)
    if kind in ("integer", "number"):
        return _number(text, fmt, integer=kind == "integer")
    if kind == "boolean":
        lowered = text.str.lower()
        result = pd.Series(pd.NA, index=text.index, dtype="boolean")
        result[lowered.isin(TRUE_WORDS).fillna(False)] = True
        result[lowered.isin(FALSE_WORDS).fillna(False)] = False
        return result
    raise ValueError(f"no parser for column kind {kind!r}")


def _enum(column: Column, text: pd.Series) -> pd.Series:
    value = text.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    if column.letters:
        letters = text.str.strip().map(column.letters, na_action="ignore")
        value = letters.where(letters.notna(), value)
    return value.astype(object).where(text.notna(), None)


def _date(text: pd.Series, fmt: FileFormat) -> pd.Series:
    iso = text.where(text.str.match(ISO_DATE).fillna(False))
    result = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    if fmt.day_first:
        slash = text.where(text.str.match(SLASH_DATE).fillna(False))
        dayfirst = pd.to_datetime(slash, format="%d/%m/%Y", errors="coerce")
        result = result.fillna(dayfirst)
    return result.astype("datetime64[us]")


def _time(text: pd.Series) -> pd.Series:
    valid = text.where(text.str.match(TIME).fillna(False))
    padded = valid.where(valid.str.count(":") == 2, valid + ":00")
    parsed = pd.to_datetime("2000-01-01 " + padded, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return parsed.dt.time.astype(object).where(parsed.notna(), None)


def _timestamp(text: pd.Series, tz: ZoneInfo) -> pd.Series:
    naive = text.where(text.str.match(TIMESTAMP).fillna(False))
    result = pd.to_datetime(naive, format="ISO8601", errors="coerce").astype("datetime64[us]")
    zoned = text.where(text.str.match(TIMESTAMP_OFFSET).fillna(False))
    if zoned.notna().any():
        # a stamp with an offset is converted to the team's local wall-clock time
        local = pd.to_datetime(zoned, format="ISO8601", utc=True, errors="coerce")
        local = local.dt.tz_convert(tz).dt.tz_localize(None).astype("datetime64[us]")
        result = result.fillna(local)
    return result


def _number(text: pd.Series, fmt: FileFormat, *, integer: bool) -> pd.Series:
    cleaned = text
    if fmt.decimal_comma:
        # only in semicolon files, where a comma cannot be a thousands separator of the format
        cleaned = cleaned.str.replace(",", ".", regex=False)
    valid = cleaned.where(cleaned.str.match(NUMBER).fillna(False))
    numbers = pd.to_numeric(valid, errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))
    if integer:
        numbers = numbers.where(numbers == np.floor(numbers))
        return numbers.astype("Int64")
    return numbers
