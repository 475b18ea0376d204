"""The pieces of a nightly run that `flows/nightly.py` puts in order: what a run returns and how
it fails, reading the discovered files, loading them with their ledger, and recording, showing
and sending a failure. Every input row ends loaded or quarantined, and the counts prove it per
file.
"""

from __future__ import annotations

import shutil
import sys
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from sideline.db import connect
from sideline.notify import notify
from sideline.settings import Settings
from sideline.staging import Failure

from .discover import InboxFile
from .load import LedgerEntry, RunRecord, failures_frame, insert, write_run
from .publish import publish_site
from .read import Staged, read_bytes, read_file
from .stage import Staging
from .validate import Validated

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[str], None]


def quiet(_: str) -> None:
    return None


@dataclass
class RunSummary:
    run_id: str
    status: str
    files: list[LedgerEntry] = field(default_factory=list)
    versions_written: dict[str, int] = field(default_factory=dict)
    analyst_database: Path | None = None
    site_index: Path | None = None
    trigger: str = "manual"
    # contusions that newly reached a high tier in this run (team, record, athlete id, tier)
    new_high_risk: list[dict[str, str]] = field(default_factory=list)
    # seconds each publishing task took (they run side by side: flows/nightly.py, publish)
    publish_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)


class RunFailed(Exception):
    """A run that did not finish: at which step, and whether its rows had committed (only
    publishing comes after the commit, so then the data is loaded but not yet published)."""

    def __init__(self, step: str, cause: BaseException, summary: RunSummary | None) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.step = step
        self.cause = cause
        self.summary = summary

    @property
    def committed(self) -> bool:
        return self.summary is not None


# Files in hand at once: at least the one being staged and the next, read meanwhile, and more
# while their bytes are few. Staging a large plain export is DuckDB's work and reading it is
# quick; reading a small workbook or quoted CSV is Python's work and staging it is quick. With
# the inbox in name order (all exposures first), a reader held to two files waits on DuckDB
# through the large ones and DuckDB waits on it through the small ones; allowed a few
# megabytes ahead, it reads the small ones while the last large ones are staged.
READ_AHEAD = 2
READ_AHEAD_BYTES = 16 * 2**20


def read_files(
    files: list[InboxFile], staging: Staging, tz: ZoneInfo, progress: Progress = quiet
) -> list[Staged]:
    """Read, parse and stage each file in turn: a file's rows are in the staging database and
    out of memory soon after the next file is read. The next file is read in a thread while
    DuckDB stages the one before (DuckDB lets go of the GIL while it works), so decoding in
    Python and staging in SQL overlap; memory holds READ_AHEAD read files, or more while they
    come to fewer than READ_AHEAD_BYTES."""
    to_read = iter([i for i, f in enumerate(files) if f.to_read])
    reading: dict[int, Future[Staged]] = {}
    held = 0  # bytes of the files in `reading`: a count kept, not summed on each file
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sideline-read")

    def read_ahead() -> None:
        nonlocal held
        while (len(reading) < READ_AHEAD or held < READ_AHEAD_BYTES) and (
            i := next(to_read, None)
        ) is not None:
            reading[i] = pool.submit(read_file, files[i].path, lines=True)
            held += files[i].size_bytes

    staged = []
    try:
        for i, f in enumerate(files):
            read_ahead()
            progress(f"read {i + 1}/{len(files)}: {f.path.name}")
            if f.problem is not None:
                staged.append(
                    Staged(f.path.name, f.sha256, None, pd.DataFrame(), file_failure=f.problem)
                )
            elif f.duplicate_of is None:
                s = reading.pop(i).result()
                held -= f.size_bytes
                staging.append(s, tz)
                staged.append(s)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    staging.finish(tz)
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
    progress: Progress = quiet,
    trigger: str = "manual",
) -> RunSummary:
    """The run's rows, quarantine, ledger, results and run log (inside its transaction)."""
    now = datetime.now(UTC)
    failures = validated.failures + [s.file_failure for s in staged if s.file_failure]
    ledger = ledger_entries(files, staged, failures, run_id, now)
    file_order = {f.path.name: i for i, f in enumerate(files)}
    shas = {f.path.name: f.sha256 for f in files}
    for f, s in _rejected_files(files, staged):
        _keep_rejected_file(settings, f, s)
    summary = RunSummary(run_id, "success", ledger, trigger=trigger)
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
        None,
        trigger,
    )
    results = [{"run_id": run_id, **r} for r in validated.results]
    summary.versions_written = write_run(
        con,
        valid=validated.valid,
        file_order=file_order,
        run_id=run_id,
        loaded_at=now,
        quarantine=failures_frame(failures, run_id, shas),
        ledger=ledger,
        results=results,
        run=record,
        progress=progress,
    )
    return summary


def _rejected_files(files: list[InboxFile], staged: list[Staged]) -> list[tuple[InboxFile, Staged]]:
    by_name = {f.path.name: f for f in files}
    return [
        (by_name[s.file], s)
        for s in staged
        if s.file_failure is not None and by_name[s.file].problem is None
    ]


def _keep_rejected_file(settings: Settings, inbox_file: InboxFile, staged: Staged) -> None:
    """A whole rejected file is copied, under its content hash, beside the quarantine rows. Only
    regular files read from the inbox are copied: never a link's target."""
    settings.quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = settings.quarantine_dir / f"{inbox_file.sha256[:16]}-{staged.file}"
    if not target.exists():
        try:
            target.write_bytes(read_bytes(inbox_file.path))
        except OSError as exc:
            raise OSError(f"could not keep a copy of {staged.file}: {exc.strerror}") from exc


def record_failed_run(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str,
    started_at: datetime,
    failure: RunFailed,
    trigger: str = "manual",
) -> None:
    """The failed run's row in `run_log`, saying truthfully what happened; when even that
    cannot be written (the disk is full), stderr says so, and the run's own error stands."""
    summary = failure.summary
    what = (
        "loaded and committed; publishing failed, so the analyst database and the dashboards "
        "still show the previous run, and the next run publishes: "
        if failure.committed
        else "nothing was written: "
    )
    record = RunRecord(
        run_id,
        started_at,
        datetime.now(UTC),
        "failed" if isinstance(failure.cause, Exception) else "cancelled",
        len(summary.files) if summary else 0,
        summary.rows_in if summary else 0,
        summary.rows_loaded if summary else 0,
        summary.rows_quarantined if summary else 0,
        settings.day_count,
        what + str(failure),
        failure.step,
        trigger,
    )
    try:
        con.begin()
        try:
            insert(con, "load/run_failed", pd.DataFrame([asdict(record)]))
            con.commit()
        except BaseException:
            con.rollback()
            raise
    except Exception as exc:
        sys.stderr.write(f"sideline: the failed run could not be recorded in run_log: {exc}\n")


def _show_failure(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> None:
    """Rebuild the site over the unchanged data so its index says the last run failed (only the
    index when there is no data yet); a failure here must not hide the run's own error."""
    from sideline.dashboards.site import build_status_site

    try:
        publish_site(con, settings, as_of)
    except Exception:
        try:
            build_status_site(con, settings.site, as_of=as_of, timezone=settings.timezone)
        except Exception as exc:
            sys.stderr.write(f"sideline: the site could not be rebuilt after the failure: {exc}\n")


def identity(fn: F) -> F:
    return fn


def summary_details(summary: RunSummary) -> dict[str, object]:
    """What a notification says of a run: counts, ids and tiers, no names."""
    return {
        "run_id": summary.run_id,
        "trigger": summary.trigger,
        "files": len(summary.files),
        "rows_in": summary.rows_in,
        "rows_loaded": summary.rows_loaded,
        "rows_quarantined": summary.rows_quarantined,
        "new_high_risk": summary.new_high_risk,
    }


def failure_details(run_id: str, failure: RunFailed, trigger: str) -> dict[str, object]:
    details = summary_details(failure.summary) if failure.summary else {"run_id": run_id}
    return {
        **details,
        "run_id": run_id,
        "trigger": trigger,
        "status": "failed",
        "step": failure.step,
        "loaded": failure.committed,
        "error": str(failure),
    }


def new_run_id() -> tuple[str, datetime]:
    started_at = datetime.now(UTC)
    return started_at.strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8], started_at


def fail(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    run_id: str,
    started_at: datetime,
    failure: RunFailed,
    trigger: str,
    as_of: date,
) -> None:
    """Record, show and send a run that did not finish. A signal (KeyboardInterrupt, or
    Prefect's TerminationSignal for SIGTERM) is recorded as cancelled, and only recorded."""
    record_failed_run(con, settings, run_id, started_at, failure, trigger)
    if isinstance(failure.cause, Exception):
        _show_failure(con, settings, as_of)
        notify(settings, "run_failed", failure_details(run_id, failure, trigger))


def record_start_failure(
    settings: Settings, step: str, error: BaseException, trigger: str = "manual"
) -> None:
    """A run that failed before its flow could begin (Prefect unreachable): its `run_log` row,
    the red index and the notification, as for a run that failed inside."""
    run_id, started_at = new_run_id()
    failure = RunFailed(step, error, None)
    try:
        con = connect(settings.database, settings.memory_limit)
    except Exception:
        notify(settings, "run_failed", failure_details(run_id, failure, trigger))
        raise
    try:
        record_failed_run(con, settings, run_id, started_at, failure, trigger)
        _show_failure(con, settings, settings.now().date())
    finally:
        con.close()
    notify(settings, "run_failed", failure_details(run_id, failure, trigger))


def remove_leftovers(settings: Settings) -> None:
    """What killed runs left: half-built snapshots (and their .wal) and sites. Only one run holds
    the database, so every temporary file beside the outputs belongs to a run that is gone."""
    for output in (settings.analyst_database, settings.site, settings.public_site_dir):
        for leftover in [
            *output.parent.glob(f"{output.name}.tmp-*"),
            *output.parent.glob(f"{output.name}.old-*"),
        ]:
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
    Staging.discard(settings.staging)
