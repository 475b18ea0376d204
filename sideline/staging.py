"""The staged-row contract that the flow stages and the expectation suites share, written once:
the meta columns of a staged frame, the typed-column companions (`raw__`, `ok__`, `clean__`),
the columns the stages derive, the staging tables' schema, the failure record, and the record
key and row hash (as SQL over staged and stored rows alike). `flows/` and `expectations/` both
import it; neither imports the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sideline.catalogue import Table

ID_COL = "__id"  # a staged row's number within its run: how Great Expectations names a failure
FILE_COL = "__file"
ROW_COL = "__row"
EXTRA_COL = "__extra"
UNIQUE_COL = "__unique"  # file and unique key joined; missing when any part is missing
OVERFLOW_KEY = "__overflow"  # fields past the header's width, kept in the record

# column kinds whose text is parsed, with an `ok__` column saying whether it parsed
PARSED_KINDS = frozenset({"date", "time", "timestamp", "integer", "number", "boolean"})
SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# ids holding control characters are quarantined, so keys joined by U+001F never merge
CONTROL = r"[\x00-\x1f\x7f]"


def raw(column: str) -> str:
    """The column holding a cell's text exactly as it came."""
    return f"raw__{column}"


def ok(column: str) -> str:
    """The column saying whether a typed cell parsed."""
    return f"ok__{column}"


def clean(column: str) -> str:
    """The column saying whether an identifier is free of control characters."""
    return f"clean__{column}"


# the verdict column the validate stage adds to imaging rows (True: the injury exists or none
# is named)
INJURY_FOUND = "injury_found"

# columns a stage derives from the contract columns, per table
DERIVED: dict[str, dict[str, str]] = {
    "injuries": {"incident_at": "timestamp"},
    "exposures": {"minutes_per_day": "double"},
    "imaging": {INJURY_FOUND: "boolean"},
}

# how a staged value of each column kind is stored; the row hash casts stored values to these
# too, so a staged and a stored row hash alike
SQL_TYPES: dict[str, str] = {
    "text": "varchar",
    "enum": "varchar",
    "date": "date",
    "time": "time",
    "timestamp": "timestamp",
    "integer": "bigint",
    "number": "double",
    "boolean": "boolean",
}


def staging_schema(table: Table) -> list[tuple[str, str]]:
    """The columns of a table's staging relation, with their DuckDB types."""
    columns = [(ID_COL, "bigint"), (FILE_COL, "varchar"), (ROW_COL, "bigint")]
    columns += [(EXTRA_COL, "varchar"), (UNIQUE_COL, "varchar")]
    for c in table.columns:
        columns += [(c.name, SQL_TYPES[c.kind]), (raw(c.name), "varchar")]
        if c.kind in PARSED_KINDS:
            columns.append((ok(c.name), "boolean"))
        if c.identifier:
            columns.append((clean(c.name), "boolean"))
    columns += list(DERIVED[table.name].items())
    return columns


def quoted(name: str) -> str:
    """A column name from the catalogue as a SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _key_parts(table: Table, columns: tuple[str, ...]) -> list[str]:
    """Key columns as text in SQL (dates ISO, as a person writes them)."""
    return [
        f"strftime({quoted(name)}, '%Y-%m-%d')"
        if table.column(name).kind == "date"
        else f"cast({quoted(name)} as varchar)"
        for name in columns
    ]


def record_key_sql(table: Table) -> str:
    """The record key as SQL: the key columns' text joined by U+001F."""
    return " || chr(31) || ".join(_key_parts(table, table.key))


def unique_sql(table: Table) -> str:
    """What no two staged rows may share, as SQL: the file and the table's unique key, as a
    JSON array (so no two different keys ever read alike), missing when any part is missing
    (such a row is compared with none)."""
    parts = [quoted(FILE_COL), *_key_parts(table, table.unique_key)]
    missing = " or ".join(f"{p} is null" for p in parts)
    return f"case when {missing} then null else to_json(list_value({', '.join(parts)})) end"


def row_hash_sql(table: Table, extra: str) -> str:
    """A row's content hash as SQL, the same over a staging relation and a history table: the md5
    (as its 128-bit number) of every contract column as its catalogue type's text (missing
    distinct from empty), and the extra columns. Two rows hash alike exactly when a person would
    see the same record."""
    parts = [
        f"coalesce(cast(cast({quoted(c.name)} as {SQL_TYPES[c.kind]}) as varchar), chr(0))"
        for c in table.columns
    ]
    parts.append(f"coalesce(cast({quoted(extra)} as varchar), chr(0))")
    return "md5_number(" + " || chr(31) || ".join(parts) + ")"


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
