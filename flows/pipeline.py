"""The nightly run as plain functions: discover, read, validate, load, publish.

`run` executes the stages in order; the Prefect flow in `nightly.py` runs the very same
sequence with each stage as a task. Every input row ends loaded or quarantined, and the
counts prove it per file.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from sideline.catalogue import TABLES
from sideline.db import connect
from sideline.settings import Settings

from .discover import InboxFile, discover
from .load import LedgerEntry, RunRecord, failures_frame, insert, staged_rows, write_run
from .model import build_models, model_parameters
from .publish import publish_site, publish_snapshot
from .read import Failure, Staged, read_file
from .score import score_contusions
from .validate import Validated, validate_files

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


@dataclass
class RunSummary:
    run_id: str
    status: str
    files: list[LedgerEntry] = field(default_factory=list)
    versions_written: dict[str, int] = field(default_factory=dict)
    analyst_database: Path | None = None
    site_index: Path | None = None

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


def read_files(files: list[InboxFile], progress: Progress = _quiet) -> list[Staged]:
    staged = []
    for i, f in enumerate(files, start=1):
        progress(f"read {i}/{len(files)}: {f.path.name}")
        if f.duplicate_of is None:
            staged.append(read_file(f.path))
    return staged


def ledger_entries(
    files: list[InboxFile],
    staged: list[Staged],
    failures: list[Failure],
    run_id: str,
    at: datetime,
) -> list[LedgerEntry]:
    bad_rows = {(f.file, f.row) for f in failures if f.row is not None}
    bad_per_file = Counter(file for file, _ in bad_rows)
    by_name = {s.file: s for s in staged}
    entries = []
    for f in files:
        s = by_name.get(f.path.name)
        table, rows_in, bad, reason = None, 0, 0, None
        if s is None:
            status, reason = "duplicate", f"same content as {f.duplicate_of}"
        elif s.file_failure is not None:
            status, reason = "quarantined", f"{s.file_failure.rule}: {s.file_failure.message}"
        else:
            table = s.table.name if s.table else None
            rows_in, bad = s.rows_in, bad_per_file[s.file]
            status = "loaded" if bad == 0 else ("quarantined" if bad == rows_in else "partial")
        entries.append(
            LedgerEntry(
                f.sha256,
                f.path.name,
                table,
                run_id,
                f.size_bytes,
                rows_in,
                rows_in - bad,
                bad,
                status,
                reason,
                at,
            )
        )
    return entries


def load_run(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    files: list[InboxFile],
    staged: list[Staged],
    validated: Validated,
    run_id: str,
    started_at: datetime,
    as_of: date,
    progress: Progress = _quiet,
) -> RunSummary:
    now = datetime.now(UTC)
    failures = validated.failures + [s.file_failure for s in staged if s.file_failure]
    ledger = ledger_entries(files, staged, failures, run_id, now)
    file_order = {f.path.name: i for i, f in enumerate(files)}
    shas = {f.path.name: f.sha256 for f in files}
    tables = {
        name: staged_rows(frame, TABLES[name], run_id, now, file_order)
        for name, frame in validated.valid.items()
    }
    for f in staged:
        if f.file_failure:
            _keep_rejected_file(settings, f, files)
    summary = RunSummary(run_id, "success", ledger)
    record = RunRecord(
        run_id,
        started_at,
        now,
        "success",
        len(files),
        summary.rows_in,
        summary.rows_loaded,
        summary.rows_quarantined,
        settings.day_count,
        None,
    )
    results = [{"run_id": run_id, **r} for r in validated.results]
    summary.versions_written = write_run(
        con,
        staged=tables,
        quarantine=failures_frame(failures, run_id, shas),
        ledger=ledger,
        results=results,
        run=record,
        derive=lambda c: derive(c, settings, run_id, as_of),
        progress=progress,
    )
    return summary


def derive(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, as_of: date) -> None:
    """The model and score stages, run inside the load transaction."""
    build_models(con, model_parameters(settings, as_of))
    score_contusions(con, run_id, as_of)


def _keep_rejected_file(settings: Settings, staged: Staged, files: list[InboxFile]) -> None:
    """A whole rejected file is copied, under its content hash, beside the quarantine rows."""
    source = next(f.path for f in files if f.path.name == staged.file)
    settings.quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = settings.quarantine_dir / f"{staged.sha256[:16]}-{staged.file}"
    if not target.exists():
        shutil.copyfile(source, target)


def record_failed_run(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str,
    started_at: datetime,
    files_in: int,
    error: BaseException,
) -> None:
    record = RunRecord(
        run_id,
        started_at,
        datetime.now(UTC),
        "failed",
        files_in,
        0,
        0,
        0,
        settings.day_count,
        f"{type(error).__name__}: {error}",
    )
    con.begin()
    try:
        insert(con, "load/run_failed", pd.DataFrame([asdict(record)]))
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _show_failure(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> None:
    """Rebuild the site over the unchanged data so its index says the last run failed; a
    failure here must not hide the run's own error."""
    try:
        publish_site(con, settings, as_of)
    except Exception as exc:
        sys.stderr.write(f"sideline: the site could not be rebuilt after the failure: {exc}\n")


def identity(fn: F) -> F:
    return fn


def run(
    settings: Settings,
    *,
    progress: Progress = _quiet,
    as_step: Callable[[F], F] = identity,
    now: datetime | None = None,
) -> RunSummary:
    """One nightly run. `as_step` wraps each stage (the Prefect flow makes them tasks)."""
    started_at = datetime.now(UTC)
    run_id = started_at.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]
    local_now = now or settings.now()
    settings.inbox.mkdir(parents=True, exist_ok=True)
    con = connect(settings.database)
    files: list[InboxFile] = []
    try:
        progress("discover")
        files = as_step(discover)(settings.inbox, con)
        progress(f"discover: {len(files)} new file(s)")
        staged = as_step(read_files)(files, progress)
        progress("validate")
        validated = as_step(validate_files)(staged, settings, con, local_now)
        progress("load")
        summary = as_step(load_run)(
            con, settings, files, staged, validated, run_id, started_at, local_now.date(), progress
        )
        progress("publish")
        summary.analyst_database = as_step(publish_snapshot)(con, settings)
        progress("publish: dashboards")
        summary.site_index = as_step(publish_site)(con, settings, local_now.date())
        return summary
    except Exception as exc:
        record_failed_run(con, settings, run_id, started_at, len(files), exc)
        _show_failure(con, settings, local_now.date())
        raise
    finally:
        con.close()
