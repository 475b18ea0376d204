"""The records of each inbox file format: CSV, JSON Lines and the first sheet of an XLSX workbook.

Each reader gives the file's header and its records, each with the row number a person sees
(for CSV and XLSX the header is row 1, for JSON Lines the line), every value as text; a record
that cannot be read is a `Failure` in its place. A file no record of which can be read raises
`FileRejected` with the rule and the reason.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from sideline.catalogue import normalise_header
from sideline.staging import Failure

# A long clinician's note is valid text: the csv module's default of 131,072 characters a
# field would reject it (and with it the whole file), so the limit is the largest it takes.
csv.field_size_limit(2**31 - 1)


class FileRejected(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


Records = list[tuple[int, "list[str] | Failure"]]


def csv_records(name: str, text: str, delimiter: str) -> tuple[list[str], Records]:
    """Records with the line a text editor shows where each begins (blank lines count)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    header: list[str] | None = None
    records: Records = []
    last_line = 0
    for values in reader:
        first_line, last_line = last_line + 1, reader.line_num
        if not "".join(values).strip():
            continue  # a blank line is not a record
        if header is None:
            header = values
            continue
        records.append((first_line, values))
    if header is None:
        raise FileRejected("empty_file", "the file has no header row")
    if records and text.count('"') % 2 == 1:
        # a quote opened and never closed: the lenient reader has swallowed the rest of the
        # file into the last record's field, which must not load as if it were one value
        number, values = records[-1]
        if isinstance(values, list) and any("\n" in v or "\r" in v for v in values):
            records[-1] = (
                number,
                Failure(
                    name,
                    number,
                    None,
                    "unterminated_quote",
                    None,
                    f"a quoted field opened in this row is never closed: lines {number}-"
                    f"{last_line} were read as one value (is the file cut off?)",
                    {"line": text.splitlines()[number - 1] if number else None},
                ),
            )
    return header, records


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def jsonl_records(name: str, text: str) -> tuple[list[str], Records]:
    header: dict[str, None] = {}
    parsed: list[tuple[int, dict[str, str | None] | Failure]] = []
    # JSON strings may hold U+2028 and friends, which str.splitlines would break on
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        problem = None
        obj: object = None
        try:
            # numbers stay the text they were written as: no float rounding, no digit limit
            obj = json.loads(line, parse_int=str, parse_float=str, parse_constant=str)
        except json.JSONDecodeError as exc:
            problem = f"not JSON: {exc.msg} (character {exc.pos + 1})"
        except RecursionError:
            problem = "not JSON this reader accepts: nested too deeply"
        if problem is None and not isinstance(obj, dict):
            problem = f"a JSON {type(obj).__name__.replace('str', 'string')}, not a JSON object"
        if problem is not None:
            parsed.append(
                (number, Failure(name, number, None, "json", None, problem, {"line": line}))
            )
            continue
        assert isinstance(obj, dict)
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
        try:
            return json.dumps(value, ensure_ascii=False)
        except RecursionError:
            return None  # cannot happen after json.loads succeeded at the same depth
    return str(value)


# A workbook is a zip: a few hundred KB can expand to gigabytes of sheet XML. Beyond these a
# file is rejected with its reason instead of taking the machine's memory.
XLSX_MAX_UNCOMPRESSED = 256 * 1024 * 1024
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit


def xlsx_records(name: str, data: bytes) -> tuple[list[str], Records]:
    import zipfile

    import openpyxl  # imported here: only XLSX files pay for it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
            if expanded > XLSX_MAX_UNCOMPRESSED:
                raise FileRejected(
                    "xlsx_too_large",
                    f"the workbook expands to {expanded / 2**20:.0f} MiB, over the limit of "
                    f"{XLSX_MAX_UNCOMPRESSED / 2**20:.0f} MiB; export it as CSV",
                )
            has_formulas = _has_formulas(archive)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRejected("xlsx", "not a readable XLSX workbook (a damaged zip archive)") from exc
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = (
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if has_formulas
            else None
        )
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRejected("xlsx", f"not a readable XLSX workbook ({type(exc).__name__})") from exc
    try:
        return _sheet_records(name, book, formulas)
    except FileRejected:
        raise
    except Exception as exc:  # a sheet cut off mid-XML fails while rows are read
        raise FileRejected(
            "xlsx", f"the first sheet cannot be read to its end ({type(exc).__name__})"
        ) from exc
    finally:
        book.close()
        if formulas is not None:
            formulas.close()


def _has_formulas(archive: Any) -> bool:
    """Whether any sheet holds a formula (`<f>`), read in chunks, never whole."""
    for info in archive.infolist():
        if not info.filename.startswith("xl/worksheets/"):
            continue
        with archive.open(info) as member:
            tail = b""
            while chunk := member.read(1 << 20):
                if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                    return True
                tail = chunk[-3:]
    return False


def _sheet_records(name: str, book: Any, formulas: Any) -> tuple[list[str], Records]:
    sheet = book.worksheets[0]
    # read-only mode trusts the sheet's declared <dimension>, which writers get wrong: read
    # every row the sheet holds instead
    sheet.reset_dimensions()
    formula_rows: Iterator[tuple[Any, ...]] = iter(())
    if formulas is not None:
        formula_sheet = formulas.worksheets[0]
        formula_sheet.reset_dimensions()
        formula_rows = formula_sheet.iter_rows()
    header: list[str] | None = None
    records: Records = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > XLSX_MAX_ROWS:
            raise FileRejected(
                "xlsx_too_large", f"the first sheet has more than {XLSX_MAX_ROWS} rows"
            )
        cells = next(formula_rows, ())
        values = [_xlsx_text(v) for v in row]
        if all(v == "" for v in values):
            continue
        if header is None:
            while values and values[-1] == "":
                values.pop()  # a styled empty cell after the last heading is no column
            header = values
            continue
        missing = [
            i
            for i, cell in enumerate(cells)
            if getattr(cell, "data_type", None) == "f" and i < len(row) and row[i] is None
        ]
        if missing and missing[0] < len(header):
            records.append(
                (
                    number,
                    Failure(
                        name,
                        number,
                        normalise_header(header[missing[0]]),
                        "formula_without_value",
                        None,
                        "the cell holds a formula whose value was never calculated (the "
                        "workbook was written by a program and never opened in a spreadsheet); "
                        "open and save it in a spreadsheet, or export it as CSV",
                        dict(zip(header, values, strict=False)),
                    ),
                )
            )
            continue
        width = len(header)
        if len(values) > width and all(v == "" for v in values[width:]):
            values = values[:width]
        elif len(values) < width:
            values += [""] * (width - len(values))  # cells past a row's end are empty
        records.append((number, values))
    if header is None:
        raise FileRejected("empty_file", "the first sheet is empty")
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
