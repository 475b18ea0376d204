"""Read stage: decode an inbox file, normalise its header, find its table, stage rows as text.

Every data record comes out either as a staged row (all values text, with file and row number)
or as a row failure; a file that cannot be read at all comes out as one file failure. Row
numbers are what a person sees: for CSV and XLSX the header is row 1, for JSON Lines the line.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sideline.catalogue import TABLES, Table, normalise_header
from sideline.staging import EXTRA_COL, FILE_COL, OVERFLOW_KEY, ROW_COL, Failure

from .parse import by_unique
from .records import FileRejected, csv_records, jsonl_records, xlsx_records

# A Windows-1252 file decodes with the same bytes as UTF-8 only when it is plain ASCII, so trying
# UTF-8 first and falling back is exact; cp1252 leaves five byte values undefined, which is how
# binary content shows.
ENCODINGS = ("utf-8", "cp1252")


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
    rows: int = 0  # records staged (set by Staging, which releases the frame or lines)
    # A plain CSV file (see `plain_lines`) comes as its lines instead of a frame: the staging
    # database splits and trims them, so no cell of it passes through Python.
    columns: list[str] = field(default_factory=list)
    lines: pa.Array | None = None  # the lines after the header, line breaks removed
    first_row: int = 0  # the row number of lines[0]

    @property
    def rows_in(self) -> int:
        return self.rows + len({f.row for f in self.failures if f.row is not None})


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path, *, lines: bool = False) -> Staged:
    """Stage one file. Nothing a file holds can stop the run: whatever goes wrong reading it
    rejects that file whole, with its reason, and the caller goes on with the others. With
    `lines`, a plain CSV file comes as its lines, for the staging database to split."""
    try:
        data = read_bytes(path)
    except OSError as exc:
        return _rejected(path.name, "", "unreadable", f"the file cannot be read: {exc.strerror}")
    digest = sha256_of(data)
    try:
        return _read(path, data, digest, lines)
    except FileRejected as exc:
        return _rejected(path.name, digest, exc.rule, exc.message)
    except (RecursionError, MemoryError, ValueError, LookupError, csv.Error) as exc:
        # a defect of the file that no rule above names; the message says what kind, never
        # what it held (exception texts can quote cells)
        return _rejected(
            path.name, digest, "unreadable", f"the file could not be read ({type(exc).__name__})"
        )


def read_bytes(path: Path) -> bytes:
    """The bytes of an inbox file, never through a symbolic link."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def _rejected(name: str, digest: str, rule: str, message: str) -> Staged:
    failure = Failure(name, None, None, rule, None, message)
    return Staged(name, digest, None, pd.DataFrame(), file_failure=failure)


def _read(path: Path, data: bytes, digest: str, as_lines: bool) -> Staged:
    if not data.strip():
        raise FileRejected("empty_file", "the file is empty")
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or data[:4] == b"PK\x03\x04":
        header, records = xlsx_records(path.name, data)
        delimiter = None
    else:
        text = _decode(data)
        if suffix in (".jsonl", ".ndjson", ".json") or text.lstrip().startswith("{"):
            header, records = jsonl_records(path.name, text)
            delimiter = None
        else:
            delimiter = _sniff_delimiter(text)
            plain = plain_lines(text) if as_lines else None
            if plain is not None:
                line_form = _line_form(path.name, digest, plain, delimiter)
                if line_form is not None:
                    return line_form
            header, records = csv_records(path.name, text, delimiter)
    columns = _normalise_columns(header)
    table = detect_table(path.name, columns)
    staged = Staged(path.name, digest, table, pd.DataFrame(), delimiter=delimiter)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    width = len(columns)
    for row_number, values in records:
        if isinstance(values, Failure):
            staged.failures.append(values)
            continue
        if len(values) != width:
            staged.failures.append(field_count_failure(path.name, row_number, columns, values))
            continue
        rows.append(values)
        row_numbers.append(row_number)
    if not rows and not staged.failures:
        raise FileRejected("header_only", "the file has a header but no data rows")
    staged.frame = _frame(path.name, table, columns, rows, row_numbers)
    staged.rows = len(staged.frame)
    return staged


def field_count_failure(name: str, row: int, columns: list[str], values: list[str]) -> Failure:
    """A record whose fields do not match the header's columns: it is kept whole, unmatched."""
    width = len(columns)
    record: dict[str, object] = dict(zip(columns, values, strict=False))
    if len(values) > width:
        record[OVERFLOW_KEY] = values[width:]
    return Failure(
        name,
        row,
        None,
        "field_count",
        None,  # the fields cannot be matched to columns, so no cell is shown
        f"row has {len(values)} fields, the header has {width} (an unquoted "
        "delimiter inside a value, or a missing one)",
        record,
    )


def plain_lines(text: str) -> pa.Array | None:
    """The lines of a CSV text in which every line is one record and every delimiter separates
    fields, so that splitting lines on the delimiter reads exactly what the csv module reads:
    ASCII (Python's and DuckDB's whitespace and digits agree there), no quote character, and a
    carriage return only before a line feed. None for any other text. The lines are split by
    Arrow, as `text.split("\n")` would split them: a Python string a line cost more than the
    rows' staging in DuckDB."""
    if not text.isascii() or '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    whole = pa.array([text], type=pa.large_string())  # large: a file may pass 2 GB
    return pc.split_pattern(whole, "\n").flatten()


def _first_filled(lines: pa.Array, delimiter: str) -> int | None:
    """The place of the first line that is not blank, or None."""
    return next(
        (i for i in range(len(lines)) if not _blank(str(lines[i].as_py()), delimiter)), None
    )


def _blank(line: str, delimiter: str) -> bool:
    """A line of a plain CSV text that holds no record (as in `csv_records`)."""
    return not line.replace(delimiter, "").strip()


def _line_form(name: str, digest: str, lines: pa.Array, delimiter: str) -> Staged | None:
    """A plain CSV file as its header and data lines, or None when it has columns outside the
    contract (their JSON is written in Python, by `_frame`). Lines are looked at one by one
    only up to the first that holds something: the header, then the first record."""
    start = _first_filled(lines, delimiter)
    if start is None:
        raise FileRejected("empty_file", "the file has no header row")
    columns = _normalise_columns(str(lines[start].as_py()).split(delimiter))
    table = detect_table(name, columns)
    if not set(columns) <= set(table.column_names):
        return None
    data = lines.slice(start + 1)
    if _first_filled(data, delimiter) is None:
        raise FileRejected("header_only", "the file has a header but no data rows")
    return Staged(
        name,
        digest,
        table,
        pd.DataFrame(),
        delimiter=delimiter,
        columns=columns,
        lines=data,
        first_row=start + 2,
    )


def _frame(
    name: str, table: Table, columns: list[str], rows: list[list[str]], row_numbers: list[int]
) -> pd.DataFrame:
    """The staged text frame: contract columns (trimmed, empty as missing), and the other
    columns of each row as a JSON object. Every cell of the file is cleaned in one pass."""
    cells = np.asarray(rows, dtype=object).reshape(len(rows), len(columns))
    cleaned = by_unique(pd.Series(cells.ravel(), dtype=object), _trimmed).to_numpy()
    cleaned = cleaned.reshape(cells.shape)
    position = {c: i for i, c in enumerate(columns)}
    missing = np.full(len(rows), None, dtype=object)
    # plain arrays, one block (a Series a column is reindexed and copied one by one), kept as
    # objects: pandas would infer its string type, which reads a missing cell as NaN
    data: dict[str, np.ndarray] = {FILE_COL: np.full(len(rows), name, dtype=object)}
    for c in table.column_names:
        data[c] = cleaned[:, position[c]] if c in position else missing
    frame = pd.DataFrame(data, dtype=object)
    frame.insert(1, ROW_COL, np.asarray(row_numbers, dtype="int64"))
    unknown = [c for c in columns if c not in set(table.column_names)]
    extras: list[str | None] = [None] * len(rows)
    if unknown:
        for i, values in enumerate(cleaned[:, [position[c] for c in unknown]]):
            extra = {k: v for k, v in zip(unknown, values, strict=True) if v is not None}
            if extra:
                extras[i] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
    frame[EXTRA_COL] = pd.Series(extras, dtype=object)
    return frame


def _trimmed(values: pd.Series) -> pd.Series:
    trimmed = values.str.strip()
    return trimmed.astype(object).where(trimmed.notna() & trimmed.ne(""), None)


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
    """`;` when the first line holds more of them than commas. The first line ends where
    `str.splitlines` would end it; only it is looked at (splitting the whole text to take its
    first line was a tenth of the reader's time at 1.2M rows)."""
    start = text.lstrip("\r\n")
    end = LINE_END.search(start)
    header = start[: end.start()] if end else start
    return ";" if header.count(";") > header.count(",") else ","


# what `str.splitlines` ends a line at
LINE_END = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def _normalise_columns(header: list[str]) -> list[str]:
    columns: list[str] = []
    for i, raw in enumerate(header, start=1):
        name = normalise_header(raw) or f"column_{i}"
        if name in columns:
            # by position, not by text: a headerless file's first row is data
            raise FileRejected(
                "duplicate_header",
                f"header columns {columns.index(name) + 1} and {i} have the same name",
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
            # the header is not named here: in a file without one, the first row is data
            raise FileRejected(
                "unknown_table",
                f"no table of the contract matches the file's {len(columns)} columns: none of "
                "the required columns of injuries, exposures or imaging is in the first row "
                "(is the first row a header, and is the delimiter a comma or a semicolon?)",
            )
    missing = [c for c in table.required if c not in present]
    if missing:
        raise FileRejected(
            "missing_column",
            f"{table.name} file lacks required column(s): {', '.join(missing)}",
        )
    return table
