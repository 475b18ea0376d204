"""`sideline check`: the read and validate stages over files, writing nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from sideline.db import migrate, sql
from sideline.flows.read import read_file
from sideline.flows.stage import Staging
from sideline.flows.validate import validate_files
from sideline.settings import Settings
from sideline.staging import Failure


def _reference_database(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The pipeline database attached read-only, so imaging rows can name injuries already
    loaded (an empty schema when there is none yet or a run holds it), in a connection that
    hosts the check's own staging database (flows/stage.py)."""
    con = duckdb.connect()
    if settings.database.exists():
        try:
            con.execute(sql("check/attach_pipeline"), {"path": str(settings.database)})
            con.execute("use pipeline")
            return con
        except duckdb.IOException:
            print(
                "sideline check: the database is busy; injuries already loaded are not "
                "known to this check",
                file=sys.stderr,
            )
    migrate(con)
    return con


def expand(paths: list[Path]) -> list[Path]:
    """Files as given, and a folder's files (not hidden ones) in name order."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_file())
        else:
            out.append(path)
    return out


def check_files(paths: list[Path], settings: Settings) -> tuple[list[Failure], int, int]:
    """The failures, the rows read, and the number of files checked."""
    staged = []
    failures: list[Failure] = []
    paths = expand(paths)
    for path in paths:
        if not path.is_file():
            failures.append(Failure(str(path), None, None, "missing_file", None, "no such file"))
            continue
        s = read_file(path, lines=True)
        if s.file_failure:
            failures.append(s.file_failure)
        else:
            staged.append(s)
    con = _reference_database(settings)
    staging = Staging(con)
    try:
        for s in staged:
            staging.append(s, settings.tz)
        staging.finish(settings.tz)
        validated = validate_files(staged, staging, con, settings.now())
    finally:
        staging.remove()
        con.close()
    failures += sorted(validated.failures, key=lambda f: (f.file, f.row or 0, f.column or ""))
    return failures, sum(s.rows_in for s in staged), len(paths)
