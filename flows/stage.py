"""The run's staging database: a DuckDB file beside the pipeline database where each file's rows
go as they are read and parsed, a bounded chunk at a time, so memory does not grow with the
inbox. Great Expectations validates the staged rows where they are (expectations/run.py), and
the load reads the valid ones from here inside the run's one transaction.

The file belongs to one run: it is created empty, and removed when the run ends (or by the
next run, if a crash left it). The pipeline database never depends on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow as pa

from sideline.catalogue import TABLES
from sideline.db import sql_for
from sideline.staging import ID_COL, quoted, staging_schema

from .parse import FileFormat, detect_format, parse_frame
from .read import Staged

CHUNK_ROWS = 50_000  # rows parsed and written at a time: bounds the memory a big file takes
ALIAS = "staging"  # the name the staging file has when attached to the pipeline database
STAGING_CONFIG = {"preserve_insertion_order": False}  # rows carry their own ids


class Staging:
    """Staged rows of one run, per contract table, with the failures GX found."""

    def __init__(self, path: Path, memory_limit: str | None = None) -> None:
        self.path = path
        self.memory_limit = memory_limit
        path.parent.mkdir(parents=True, exist_ok=True)
        self.discard(path)
        self.next_id = 0
        self.rows = dict.fromkeys(TABLES, 0)
        self._pending: dict[tuple[str, FileFormat], list[pd.DataFrame]] = {}
        self._pending_rows: dict[tuple[str, FileFormat], int] = {}
        self._con: duckdb.DuckDBPyConnection | None = None
        con = self._writer()
        for name, table in TABLES.items():
            columns = ", ".join(f"{quoted(c)} {t}" for c, t in staging_schema(table))
            con.execute(f"create table {name} ({columns})")
        con.execute("create table failed (table_name varchar, __id bigint)")

    def append(self, staged: Staged, tz: ZoneInfo) -> None:
        """Take one read file's rows (releasing its text frame); they are parsed and written
        with other files' rows of the same table and format, CHUNK_ROWS at a time."""
        if staged.table is None or staged.frame.empty:
            staged.frame = pd.DataFrame()
            return
        table = staged.table
        fmt = detect_format(staged.frame, table, staged.delimiter)
        key = (table.name, fmt)
        self._pending.setdefault(key, []).append(staged.frame)
        self._pending_rows[key] = self._pending_rows.get(key, 0) + len(staged.frame)
        self.rows[table.name] += len(staged.frame)
        staged.frame = pd.DataFrame()
        if self._pending_rows[key] >= CHUNK_ROWS:
            self._flush(key, tz)

    def _flush(self, key: tuple[str, FileFormat], tz: ZoneInfo) -> None:
        frames = self._pending.pop(key, [])
        self._pending_rows.pop(key, None)
        if not frames:
            return
        name, fmt = key
        table = TABLES[name]
        text = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        del frames
        con = self._writer()
        for start in range(0, len(text), CHUNK_ROWS):
            # a derived column the parser does not fill (injury_found) stays empty: the insert
            # is by name
            parsed = parse_frame(text.iloc[start : start + CHUNK_ROWS], table, fmt, tz)
            parsed.insert(0, ID_COL, range(self.next_id, self.next_id + len(parsed)))
            self.next_id += len(parsed)
            # through Arrow: DuckDB reads text columns from it in C, not value by value
            con.register("chunk", pa.Table.from_pandas(parsed, preserve_index=False))
            try:
                con.execute(sql_for("stage/insert_chunk", relation=name))
            finally:
                con.unregister("chunk")

    def finish(self, tz: ZoneInfo) -> None:
        """Write every row still pending, and let go of the file."""
        for key in list(self._pending):
            self._flush(key, tz)
        self.close()

    def _writer(self) -> duckdb.DuckDBPyConnection:
        # autocommit: each chunk commits on its own, so no transaction holds every staged row
        if self._con is None:
            limit = {"memory_limit": self.memory_limit} if self.memory_limit else {}
            self._con = duckdb.connect(str(self.path), config={**STAGING_CONFIG, **limit})
        return self._con

    def close(self) -> None:
        """Let go of the file (Great Expectations and the pipeline database open it next).
        Rows still pending are not written: `finish` writes them, so closing with any is an
        error."""
        if self._pending:
            raise RuntimeError("staged rows are still pending: Staging.finish writes them")
        if self._con is not None:
            self._con.close()
            self._con = None

    def remove(self) -> None:
        self._pending.clear()
        self.close()
        self.discard(self.path)

    @staticmethod
    def discard(path: Path) -> None:
        """Remove a staging file (and its write-ahead log), the run's own or a killed run's."""
        for suffix in ("", ".wal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    @contextmanager
    def attached(self, con: duckdb.DuckDBPyConnection, *, read_only: bool = True) -> Iterator[None]:
        """The staging file attached to the pipeline database as `staging`."""
        self.close()
        mode = "(read_only)" if read_only else ""
        con.execute(f"attach ? as {ALIAS} {mode}", [str(self.path)])
        try:
            yield
        finally:
            con.execute(f"detach {ALIAS}")
