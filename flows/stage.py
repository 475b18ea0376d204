"""The run's staging database, attached to the pipeline database as `staging`, where each
file's rows go as they are read, under the pipeline database's memory limit
(SIDELINE_MEMORY_LIMIT), so memory does not grow with the inbox. Great Expectations validates
the staged rows where they are, through connections of its own to the same database
(expectations/run.py), and the load reads the valid ones from here inside the run's one
transaction.

A night's files are staged in memory: writing them to a file compressed and wrote each row
group, and letting go of the file wrote every staged row again (its checkpoint): 0.7 s of a
full run's 8.6 s at 1.2M rows, for rows the run throws away at its end. An inbox whose files
come to more than an eighth of the memory limit (a first load of a league) is staged in a file
beside the pipeline database instead: in memory its rows would spill to disk uncompressed, and
validating and loading them cost more than the file did (10M exposure rows: about 3 s more).

A file's rows arrive as text. Plain CSV files' lines are split and trimmed here, in SQL, a
batch of files at a time; any other file's rows come as the read stage's text frame, and wait
in `text_<table>` until every file is in. Either way each distinct text of a typed column is
parsed once in Python (flows/parse.py), a bounded batch at a time, and one statement spreads
the values over the rows and derives the columns a stage derives.

It belongs to one run: it is attached empty and detached when the run ends, and its file, if
any, removed (or by the next run, if a crash left it). The pipeline database never depends on
it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from sideline.catalogue import TABLES, Column, Table
from sideline.db import fill, sql_for
from sideline.settings import memory_bytes
from sideline.staging import (
    CONTROL,
    EXTRA_COL,
    FILE_COL,
    ID_COL,
    PARSED_KINDS,
    ROW_COL,
    SQL_TYPES,
    clean,
    ok,
    quoted,
    raw,
    staging_schema,
)

from .parse import FileFormat, detect_format, parse_text
from .read import Staged, field_count_failure

# text frames written at a time, and distinct texts parsed in Python at a time
CHUNK_ROWS = 50_000
LINES_AT_ONCE = 250_000  # plain files' lines held and split together (one statement a batch)
SPLIT_TEXT = "split_text"  # a batch of plain files' text rows, parsed straight from there
DAY_FIRST, DECIMAL_COMMA = "__day_first", "__decimal_comma"  # a text row's file format
# what Python's str.strip removes from ASCII text (plain files are ASCII; see read.plain_lines)
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def trimmed(cell: str) -> str:
    """A cell's text as SQL, trimmed as Python's str.strip trims ASCII, and missing when empty.
    Only a line with a character up to a space (`spaced`, as `split_lines` finds it) can need
    it: trimming with a set of characters is slow in DuckDB."""
    return f"nullif(case when spaced then trim({cell}, $whitespace) else {cell} end, '')"


def text_relation(table: Table) -> str:
    return f"text_{table.name}"


def text_schema(table: Table) -> list[tuple[str, str]]:
    """The columns of a table's text relation: every contract column as its trimmed text."""
    columns = [(ID_COL, "bigint"), (FILE_COL, "varchar"), (ROW_COL, "bigint")]
    columns += [(EXTRA_COL, "varchar"), (DAY_FIRST, "boolean"), (DECIMAL_COMMA, "boolean")]
    return columns + [(c.name, "varchar") for c in table.columns]


@dataclass(frozen=True)
class Numbered:
    """A read file's text frame waiting to be written, the run's id of its first row and the
    file's format."""

    frame: pd.DataFrame
    first_id: int
    fmt: FileFormat


class Staging:
    """Staged rows of one run, per contract table, with the failures GX found."""

    def __init__(self, host: duckdb.DuckDBPyConnection, file: Path | None = None) -> None:
        """A new staging database attached to `host`, the pipeline database (or, for a check,
        any DuckDB): in memory, or as `file` (`in_memory` says which)."""
        self.host = host
        self.file = file
        if file is None:
            host.execute(sql_for("stage/attach"))
        else:
            self.discard(file)
            file.parent.mkdir(parents=True, exist_ok=True)
            host.execute(sql_for("stage/attach_file"), [str(file)])
        self.next_id = 0
        self.rows = dict.fromkeys(TABLES, 0)
        self._unparsed: set[str] = set()  # tables with text rows not parsed yet
        # plain files waiting to be split, by table, header and delimiter
        self._lines: dict[tuple[str, tuple[str, ...], str], list[Staged]] = {}
        self._line_count: dict[tuple[str, tuple[str, ...], str], int] = {}
        self._frames: dict[str, list[Numbered]] = {}  # text frames waiting, by table
        self._frame_rows: dict[str, int] = {}  # their rows, by table
        self._con: duckdb.DuckDBPyConnection | None = None
        con = self._writer()
        for name, table in TABLES.items():
            for relation, schema in (
                (name, staging_schema(table)),
                (text_relation(table), text_schema(table)),
            ):
                columns = ", ".join(f"{quoted(c)} {t}" for c, t in schema)
                con.execute(f"create table {relation} ({columns})")
        con.execute("create table failed (table_name varchar, __id bigint)")

    def append(self, staged: Staged, tz: ZoneInfo) -> None:
        """Take one read file's rows as text, releasing its lines or frame. Plain files' lines
        wait until LINES_AT_ONCE of them (with the same table, header and delimiter) are split
        and parsed together, and a line with the wrong number of fields joins its file's
        failures then. Frames wait until CHUNK_ROWS rows of a table are written together as
        text rows, parsed when all files are in (`finish`)."""
        if staged.table is None:
            return
        name = staged.table.name
        if staged.lines is not None:
            key = (name, tuple(staged.columns), staged.delimiter or ",")
            self._lines.setdefault(key, []).append(staged)
            self._line_count[key] = self._line_count.get(key, 0) + len(staged.lines)
            if self._line_count[key] >= LINES_AT_ONCE:
                self._split(key, tz)
        elif not staged.frame.empty:
            self._frames.setdefault(name, []).append(self._numbered(staged))
            self._frame_rows[name] = self._frame_rows.get(name, 0) + len(staged.frame)
            self._took(staged, len(staged.frame))
            self._unparsed.add(name)
            staged.frame = pd.DataFrame()
            if self._frame_rows[name] >= CHUNK_ROWS:
                self._write_frames(name)

    def _took(self, staged: Staged, count: int) -> None:
        """`count` of the file's records became staged (or text) rows."""
        assert staged.table is not None
        staged.rows = count
        self.rows[staged.table.name] += count

    def _numbered(self, staged: Staged) -> Numbered:
        """A read file's text frame with its first id in the run and its format. The columns
        they make are added when the frames are written together: a column a frame, file by
        file, costs pandas more than the rows do for the usual small workbook."""
        assert staged.table is not None
        frame = staged.frame
        date_columns = [c.name for c in staged.table.columns if c.kind == "date"]
        fmt = detect_format([v for c in date_columns for v in frame[c].unique()], staged.delimiter)
        numbered = Numbered(frame, self.next_id, fmt)
        self.next_id += len(frame)
        return numbered

    def _write_frames(self, name: str) -> None:
        frames = self._frames.pop(name, [])
        self._frame_rows.pop(name, None)
        if not frames:
            return
        text = pa.Table.from_pandas(
            pd.concat([f.frame for f in frames], ignore_index=True)
            if len(frames) > 1
            else frames[0].frame,
            preserve_index=False,
        )
        sizes = [len(f.frame) for f in frames]
        # each frame's ids follow on from its first (`_numbered` counts them off in order)
        ids = np.concatenate([np.arange(f.first_id, f.first_id + len(f.frame)) for f in frames])
        for column, values in (
            (ID_COL, ids.astype(np.int64)),
            (DAY_FIRST, np.repeat([f.fmt.day_first for f in frames], sizes).astype(bool)),
            (DECIMAL_COMMA, np.repeat([f.fmt.decimal_comma for f in frames], sizes).astype(bool)),
        ):
            text = text.append_column(column, pa.array(values))
        del frames
        con = self._writer()
        # through Arrow: DuckDB reads text columns from it in C, not value by value
        con.register("chunk", text)
        try:
            con.execute(sql_for("stage/insert_chunk", relation=text_relation(TABLES[name])))
        finally:
            con.unregister("chunk")

    def _split(self, key: tuple[str, tuple[str, ...], str], tz: ZoneInfo) -> None:
        """Plain CSV files' lines split on their delimiter and trimmed in SQL, together, and
        parsed from there into the staging relation: blank lines are no records, and a line
        whose field count is not the header's is a failure. Each line takes an id, so a
        record's id is the run's next id plus its line's place."""
        files = self._lines.pop(key, [])
        self._line_count.pop(key, None)
        if not files:
            return
        name, columns, delimiter = key
        table, width = TABLES[name], len(columns)
        # numbers as numpy arrays and each file's lines as one Arrow chunk: no Python loop over
        # the lines builds them
        sizes = [0 if s.lines is None else len(s.lines) for s in files]
        total = sum(sizes)
        lines = pa.table(
            {
                "file_no": np.repeat(np.arange(len(files), dtype=np.int32), sizes),
                ID_COL: np.arange(self.next_id, self.next_id + total, dtype=np.int64),
                ROW_COL: np.concatenate(
                    [
                        np.arange(s.first_row, s.first_row + n, dtype=np.int64)
                        for s, n in zip(files, sizes, strict=True)
                    ]
                ),
                "line": pa.chunked_array(
                    [s.lines for s in files if s.lines is not None], type=pa.large_string()
                ),
            }
        )
        self.next_id += total
        for staged in files:
            staged.lines = None
        cells = ", ".join(
            f"{trimmed(f'fields[{i + 1}]')} as {quoted(c)}" for i, c in enumerate(columns)
        )
        con = self._writer()
        con.register("lines_in", lines)
        try:
            con.execute(
                fill(sql_for("stage/split_lines"), cells=cells),
                {"delimiter": delimiter, "whitespace": WHITESPACE, "width": width},
            )
            con.unregister("lines_in")
            del lines
            for number, row_number, values in con.execute(sql_for("stage/wrong_width")).fetchall():
                staged = files[number]
                staged.failures.append(
                    field_count_failure(staged.file, row_number, list(columns), values)
                )
            dates: dict[int, list[object]] = {}
            for column in table.columns:
                if column.kind == "date" and column.name in columns:
                    statement = fill(sql_for("stage/slash_texts"), cell=quoted(column.name))
                    for number, text in con.execute(statement).fetchall():
                        dates.setdefault(number, []).append(text)
            formats = [detect_format(dates.get(i, []), delimiter) for i in range(len(files))]
            con.register(
                "files_in",
                pa.table(
                    {
                        "file_no": pa.array(range(len(files)), type=pa.int32()),
                        FILE_COL: [s.file for s in files],
                        DAY_FIRST: [f.day_first for f in formats],
                        DECIMAL_COMMA: [f.decimal_comma for f in formats],
                    }
                ),
            )
            select = ", ".join(
                f"{'l.' + quoted(c.name) if c.name in columns else 'cast(null as varchar)'} as "
                f"{quoted(c.name)}"
                for c in table.columns
            )
            con.execute(fill(sql_for("stage/split_text"), cells=select))
            counts = dict(con.execute(sql_for("stage/split_counts")).fetchall())
            self._parse(con, table, tz, SPLIT_TEXT)
        finally:
            con.unregister("lines_in")
            con.execute(sql_for("stage/split_text_drop"))
            con.unregister("files_in")
            con.execute(sql_for("stage/split_drop"))
        for i, staged in enumerate(files):
            self._took(staged, counts.get(i, 0))

    def finish(self, tz: ZoneInfo) -> None:
        """Parse every table's text rows into its staging relation, and let go of the file."""
        for key in list(self._lines):
            self._split(key, tz)
        for name in list(self._frames):
            self._write_frames(name)
        con = self._writer()
        for name in sorted(self._unparsed):
            source = text_relation(TABLES[name])
            self._parse(con, TABLES[name], tz, source)
            con.execute(sql_for("stage/text_clear", source=source))
        self._unparsed.clear()
        self.close()

    def _parse(
        self, con: duckdb.DuckDBPyConnection, table: Table, tz: ZoneInfo, source: str
    ) -> None:
        """Each distinct text of each typed column of the text rows in `source` parsed once
        (`parsed_<column>`), then one statement from them to the staging relation."""
        selected: list[str] = []
        joins: list[str] = []
        for i, column in enumerate(table.columns):
            cell = f"t.{quoted(column.name)}"
            selected.append(f"{cell} as {quoted(raw(column.name))}")
            if column.identifier:
                selected.append(
                    f"not coalesce(regexp_matches({cell}, $control), false) "
                    f"as {quoted(clean(column.name))}"
                )
            if column.kind == "text":
                selected.append(f"{cell} as {quoted(column.name)}")
                continue
            parsed = f"parsed_{i}"
            self._parse_texts(con, source, column, parsed, tz)
            joins.append(
                f"left join {parsed} p{i} on p{i}.text = {cell} "
                f"and p{i}.day_first = t.{DAY_FIRST} and p{i}.decimal_comma = t.{DECIMAL_COMMA}"
            )
            selected.append(f"p{i}.value as {quoted(column.name)}")
            if column.kind in PARSED_KINDS:
                selected.append(f"({cell} is null or p{i}.ok) as {quoted(ok(column.name))}")
        statement = fill(
            sql_for("stage/parse", relation=table.name, source=source),
            columns=", ".join(selected),
            joins=" ".join(joins),
            derived=sql_for(f"stage/derived_{table.name}"),
        )
        con.execute(statement, {"control": CONTROL})
        for i, column in enumerate(table.columns):
            if column.kind != "text":
                con.execute(fill(sql_for("stage/parsed_drop"), target=f"parsed_{i}"))

    def _parse_texts(
        self,
        con: duckdb.DuckDBPyConnection,
        source: str,
        column: Column,
        target: str,
        tz: ZoneInfo,
    ) -> None:
        """`target` holds the parse of each distinct text of `column` in the text rows, with
        the format it was parsed in; CHUNK_ROWS texts pass through Python at a time."""
        con.execute(
            fill(sql_for("stage/parsed_create"), target=target, type=SQL_TYPES[column.kind])
        )
        con.execute(
            fill(sql_for("stage/distinct_texts", source=source), column=quoted(column.name))
        )
        insert = fill(sql_for("stage/parsed_insert"), target=target)
        try:
            for first in itertools.count(1, CHUNK_ROWS):
                texts = con.execute(
                    sql_for("stage/texts_batch"), {"first": first, "last": first + CHUNK_ROWS - 1}
                ).df()
                if texts.empty:
                    break
                for (day_first, decimal_comma), group in texts.groupby(
                    ["day_first", "decimal_comma"], sort=False
                ):
                    text = group["text"].astype(object).reset_index(drop=True)
                    fmt = FileFormat(day_first=bool(day_first), decimal_comma=bool(decimal_comma))
                    out = parse_text(column, text, fmt, tz)
                    out.insert(0, "text", text)
                    out.insert(1, "day_first", bool(day_first))
                    out.insert(2, "decimal_comma", bool(decimal_comma))
                    con.register("chunk", pa.Table.from_pandas(out, preserve_index=False))
                    try:
                        con.execute(insert)
                    finally:
                        con.unregister("chunk")
        finally:
            con.execute(sql_for("stage/texts_drop"))

    def _writer(self) -> duckdb.DuckDBPyConnection:
        # autocommit: each file commits on its own, so no transaction holds every staged row
        if self._con is None:
            self._con = self.cursor()
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the staging database (its relations by their names), as
        the staging writes and Great Expectations reads: the pipeline database's instance, under
        its memory limit."""
        cursor = self.host.cursor()
        cursor.execute(sql_for("stage/use"))
        return cursor

    def close(self) -> None:
        """Done writing: every staged row is in. Text rows not parsed yet stay unparsed:
        `finish` parses them, so closing with any is an error."""
        if self._unparsed or self._lines or self._frames:
            raise RuntimeError("staged rows are still pending: Staging.finish writes them")
        if self._con is not None:
            self._con.close()
            self._con = None

    def remove(self) -> None:
        """Detach the staging database from its host, and with it every staged row."""
        self._unparsed.clear()
        self._lines.clear()
        self._frames.clear()
        self._frame_rows.clear()
        self.close()
        self.host.execute(sql_for("stage/detach"))
        if self.file is not None:
            self.discard(self.file)

    @staticmethod
    def in_memory(new_bytes: int, memory_limit: str | None) -> bool:
        """Whether a run whose new files come to `new_bytes` stages them in memory: when they
        are at most an eighth of the memory limit (staged, a row takes about three times its
        bytes in a file; 1.2M exposure rows are 52 MB of files)."""
        return memory_limit is None or new_bytes * 8 <= memory_bytes(memory_limit)

    @staticmethod
    def discard(path: Path) -> None:
        """Remove a staging file (and its write-ahead log), the run's own or a killed run's."""
        for suffix in ("", ".wal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
