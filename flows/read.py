"""Read stage: decode an inbox file, normalise its header, find its table, stage rows as text.

Every data record comes out either as a staged row (all values text, with file and row number)
or as a row failure; a file that cannot be read at all comes out as one file failure. Row
numbers are what a person sees: for CSV and XLSX the header is row 1, for JSON Lines the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import pandas as pd

from sideline.catalogue import TABLES, Table, normalise_header

FILE_COL = "__file"
ROW_COL = "__row"
EXTRA_COL = "__extra"

# A Windows-1252 file decodes with the same bytes as UTF-8 only when it is plain ASCII, so trying
# UTF-8 first and falling back is exact; cp1252 leaves five byte values undefined, which is how
# binary content shows.
ENCODINGS = ("utf-8", "cp1252")


@dataclass(frozen=True)
class Failure:
    """Why a row (or with row None, a whole file) was not staged."""

    file: str
    row: int | None
    column: str | None
    rule: str
    raw_value: str | None
    message: str
    record: dict[str, str | None] | None = None


@dataclass
class Staged:
    """One file's records: `frame` holds the rows read, `failures` the rows that were not."""

    file: str
    sha256: str
    table: Table | None
    frame: pd.DataFrame
    failures: list[Failure] = field(default_factory=list)
    delimiter: str | None = None
    file_failure: Failure | None = None

    @property
    def rows_in(self) -> int:
        return len(self.frame) + len({f.row for f in self.failures if f.row is not None})


class FileRejected(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path) -> Staged:
    data = path.read_bytes()
    digest = sha256_of(data)
    try:
        return _read(path, data, digest)
    except FileRejected as exc:
        failure = Failure(path.name, None, None, exc.rule, None, exc.message)
        return Staged(path.name, digest, None, pd.DataFrame(), file_failure=failure)


def _read(path: Path, data: bytes, digest: str) -> Staged:
    if not data.strip():
        raise FileRejected("empty_file", "the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        header, records = _xlsx_records(data)
        delimiter = None
    else:
        text = _decode(data)
        if suffix in (".jsonl", ".ndjson", ".json") or text.lstrip().startswith("{"):
            header, records = _jsonl_records(path.name, text)
            delimiter = None
        else:
            delimiter = _sniff_delimiter(text)
            header, records = _csv_records(text, delimiter)
    columns = _normalise_columns(header)
    table = detect_table(path.name, columns)
    staged = Staged(path.name, digest, table, pd.DataFrame(), delimiter=delimiter)
    rows: list[list[str | None]] = []
    row_numbers: list[int] = []
    extras: list[str | None] = []
    known = set(table.column_names)
    for row_number, values in records:
        if isinstance(values, Failure):
            staged.failures.append(values)
            continue
        if len(values) != len(columns):
            record = dict(zip(columns, values, strict=False))
            staged.failures.append(
                Failure(
                    path.name,
                    row_number,
                    None,
                    "field_count",
                    _first(values),
                    f"row has {len(values)} fields, the header has {len(columns)}",
                    record,
                )
            )
            continue
        cells = dict(zip(columns, (_clean(v) for v in values), strict=True))
        rows.append([cells.get(c) for c in table.column_names])
        row_numbers.append(row_number)
        extra = {k: v for k, v in cells.items() if k not in known and v is not None}
        extras.append(json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None)
    if not rows and not staged.failures:
        raise FileRejected("header_only", "the file has a header but no data rows")
    frame = pd.DataFrame(rows, columns=list(table.column_names), dtype=object)
    frame.insert(0, ROW_COL, pd.array(row_numbers, dtype="int64"))
    frame.insert(0, FILE_COL, path.name)
    frame[EXTRA_COL] = pd.Series(extras, dtype=object)
    staged.frame = frame
    return staged


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:65536]:
        raise FileRejected("binary_file", "the file holds NUL bytes: binary, or UTF-16, not text")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected("encoding", "the file is neither UTF-8 nor Windows-1252 text")


def _sniff_delimiter(text: str) -> str:
    header = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    return ";" if header.count(";") > header.count(",") else ","


Records = list[tuple[int, "list[str] | Failure"]]


def _csv_records(text: str, delimiter: str) -> tuple[list[str], Records]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    records: Records = []
    number = 0
    for values in reader:
        if not values or all(not v.strip() for v in values):
            continue  # a blank line is not a record
        number += 1
        if header is None:
            header = values
            continue
        records.append((number, values))
    if header is None:
        raise FileRejected("empty_file", "the file has no header row")
    return header, records


def _jsonl_records(name: str, text: str) -> tuple[list[str], Records]:
    header: dict[str, None] = {}
    parsed: list[tuple[int, dict[str, str | None] | Failure]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.append(
                (number, Failure(name, number, None, "json", line[:200], f"not JSON: {exc.msg}"))
            )
            continue
        if not isinstance(obj, dict):
            parsed.append(
                (number, Failure(name, number, None, "json", line[:200], "not a JSON object"))
            )
            continue
        row = {str(k): _json_text(v) for k, v in obj.items()}
        for k in row:
            header.setdefault(k, None)
        parsed.append((number, row))
    if not parsed:
        raise FileRejected("empty_file", "the file has no JSON lines")
    if not header:
        raise FileRejected("json", "no line of the file is a JSON object")
    columns = list(header)
    records: Records = []
    for number, row in parsed:
        if isinstance(row, Failure):
            records.append((number, row))
        else:
            records.append((number, [row.get(c) or "" for c in columns]))
    return columns, records


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _xlsx_records(data: bytes) -> tuple[list[str], Records]:
    import openpyxl  # imported here: only XLSX files pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected("xlsx", f"not a readable XLSX workbook: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        records: Records = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [_xlsx_text(v) for v in row]
            if all(v == "" for v in values):
                continue
            if header is None:
                header = values
                continue
            width = len(header)
            if len(values) > width and all(v == "" for v in values[width:]):
                values = values[:width]
            elif len(values) < width:
                values += [""] * (
                    width - len(values)
                )  # a sheet has no ragged rows: cells past the end are empty
            records.append((number, values))
    finally:
        book.close()
    if header is None:
        raise FileRejected("empty_file", "the first sheet is empty")
    while header and header[-1] == "":
        header.pop()
    return header, records


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normalise_columns(header: list[str]) -> list[str]:
    columns: list[str] = []
    for i, raw in enumerate(header, start=1):
        name = normalise_header(raw) or f"column_{i}"
        if name in columns:
            raise FileRejected(
                "duplicate_header", f"column {raw!r} appears twice in the header (as {name!r})"
            )
        columns.append(name)
    return columns


def detect_table(file_name: str, columns: list[str]) -> Table:
    """CONTRACT 1: the table is read from the columns, or from a name prefix."""
    present = set(columns)
    stem = file_name.lower()
    by_prefix = [t for t in TABLES.values() if stem.startswith(t.name)]
    if by_prefix:
        table = by_prefix[0]
    else:
        complete = [t for t in TABLES.values() if set(t.required) <= present]
        if complete:
            return max(complete, key=lambda t: len(present & set(t.column_names)))
        scored = sorted(TABLES.values(), key=lambda t: len(present & set(t.required)), reverse=True)
        table = scored[0]
        # id columns are shared by every table; only the others say which table was meant
        specific = set(table.required) - {"record_id", "team_id", "athlete_id"}
        if not present & specific:
            raise FileRejected(
                "unknown_table",
                "no table of the contract matches the columns "
                f"{', '.join(columns[:8])}{' ...' if len(columns) > 8 else ''}"
                " (is the delimiter a comma or a semicolon?)",
            )
    missing = [c for c in table.required if c not in present]
    if missing:
        raise FileRejected(
            "missing_column",
            f"{table.name} file lacks required column(s): {', '.join(missing)}",
        )
    return table
