"""Running the nightly flow from the command line: the checks made before Prefect starts, the
signals that cancel a run, and the one line (or summary) each outcome prints.

Expected conditions (no home, a busy database, a cancelled run) print one line and no
traceback; Prefect's own console is kept for `serve`, where an operator reads it.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from sideline.exits import (
    EXIT_BUSY,
    EXIT_INTERRUPTED,
    EXIT_NOT_PUBLISHED,
    EXIT_OK,
    EXIT_RUN_FAILED,
    EXIT_TERMINATED,
    EXIT_USAGE,
)
from sideline.settings import Settings

if TYPE_CHECKING:
    from sideline.flows.pipeline import RunFailed, RunSummary


class Progress:
    """Stage lines on stderr with elapsed seconds, so long work shows it is moving; while a
    slow step gives no news (Prefect starting), a line every few seconds says it still runs."""

    def __init__(self, quiet: bool = False, every: float = 5.0) -> None:
        self.quiet = quiet
        self.every = every
        self.started = time.monotonic()
        self._waiting: threading.Event | None = None

    def __call__(self, message: str) -> None:
        self._stop_waiting()
        self._write(message)

    def waiting(self, message: str) -> None:
        """Say `message` now and again every few seconds until the next progress line."""
        self(message)
        if self.quiet:
            return
        done = threading.Event()
        self._waiting = done

        def tick() -> None:
            while not done.wait(self.every):
                self._write(f"{message}: still going")

        threading.Thread(target=tick, daemon=True, name="sideline-progress").start()

    def done(self) -> None:
        """No more news is coming (the run ended, or failed before its first stage)."""
        self._stop_waiting()

    def _stop_waiting(self) -> None:
        if self._waiting is not None:
            self._waiting.set()
            self._waiting = None

    def _write(self, message: str) -> None:
        if self.quiet:
            return
        try:
            # written, not print()ed: Prefect's log_prints would turn a print into a log record
            sys.stderr.write(f"[{time.monotonic() - self.started:6.1f}s] {message}\n")
            sys.stderr.flush()
        except OSError:
            # the reader went away (`sideline run 2>&1 | head`, a closed terminal): progress is
            # news, not the run, so the run goes on without it
            self.quiet = True


class RunCancelled(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived during a run: it unwinds like Ctrl-C, so every transaction
    rolls back, and the command exits 130 or 143."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return EXIT_TERMINATED if self.signum == signal.SIGTERM else EXIT_INTERRUPTED


@contextmanager
def cancel_on_signals() -> Iterator[None]:
    def handler(signum: int, _frame: FrameType | None) -> None:
        raise RunCancelled(signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def home_problem(settings: Settings, *, create: bool = False) -> str | None:
    """Why the Sideline home cannot take a run, found before Prefect is started for it. Only
    `demo` and `init` create a home (`create`): a run started in the wrong folder refuses
    instead of reporting success over an empty new home."""
    home = settings.home.resolve()
    if not create and not settings.inbox.is_dir():
        return (
            f"no Sideline home at {home} (it has no inbox/ folder): set SIDELINE_HOME to the "
            "folder that holds inbox/, or create one with `sideline init DIR`"
        )
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=home):
            pass
    except OSError as exc:
        return f"the Sideline home {home} is not writable ({exc.strerror}); set SIDELINE_HOME"
    return None


def database_busy(settings: Settings) -> str | None:
    """Whether another run holds the pipeline database, asked before Prefect starts."""
    import duckdb

    if not settings.database.exists():
        return None
    try:
        duckdb.connect(str(settings.database)).close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return f"{settings.database.resolve()} is held by another Sideline run; wait for it"
    return None


def quiet_prefect_console() -> None:
    """Sideline prints its own lines for a manual run; Prefect's console would repeat every
    failure as a traceback. Logs still reach a Prefect server when one is used."""
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "CRITICAL")


def run_flow(
    settings: Settings,
    progress: Progress,
    *,
    create_home: bool = False,
    summary_printer: Callable[[RunSummary], None] | None = None,
) -> tuple[int, RunSummary | None]:
    """One manual run of the `nightly` flow, as `sideline run` and `sideline demo` make it."""
    from sideline import prefect_env

    show = summary_printer or print_summary
    problem = home_problem(settings, create=create_home)
    if problem:
        print(f"sideline run: {problem}", file=sys.stderr)
        return EXIT_USAGE, None
    busy = database_busy(settings)
    if busy:
        print(f"sideline run: {busy}", file=sys.stderr)
        return EXIT_BUSY, None
    prefect_env.apply(settings)
    quiet_prefect_console()
    where = os.environ.get("PREFECT_API_URL") or "temporary local API, offline"
    with cancel_on_signals():
        try:
            return _run(settings, progress, where, show)
        finally:
            progress.done()


def _run(
    settings: Settings, progress: Progress, where: str, show: Callable[[RunSummary], None]
) -> tuple[int, RunSummary | None]:
    import duckdb

    from sideline.db import DatabaseBusy
    from sideline.flows.pipeline import RunFailed

    progress.waiting(f"starting Prefect ({where})")
    try:
        from sideline.flows.nightly import nightly

        summary = nightly(settings, progress=progress)
    except RunCancelled as exc:
        print(
            f"sideline run: cancelled by {exc}; the database is as it was before the run",
            file=sys.stderr,
        )
        return exc.exit_code, None
    except DatabaseBusy as exc:
        print(f"sideline run: {exc}", file=sys.stderr)
        return EXIT_BUSY, None
    except RunFailed as exc:
        return _failed(exc, show)
    except Exception as exc:
        # the run could not start: Prefect unreachable, or a damaged database file
        step = "database" if isinstance(exc, duckdb.Error) else "prefect"
        _record_outside_failure(settings, step, exc)
        print(
            f"sideline run: the run could not start: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_RUN_FAILED, None
    show(summary)
    return EXIT_OK, summary


def _failed(exc: RunFailed, show: Callable[[RunSummary], None]) -> tuple[int, RunSummary | None]:
    if exc.committed and exc.summary is not None:
        show(exc.summary)
        print(
            "sideline run: the rows above are loaded and committed, but publishing failed: "
            f"{exc}. The analyst database and the dashboards still show the previous run; the "
            "next run publishes this one.",
            file=sys.stderr,
        )
        return EXIT_NOT_PUBLISHED, exc.summary
    print(
        f"sideline run: the run failed at the {exc.step} step, and the database is as it was "
        f"before it: {exc}",
        file=sys.stderr,
    )
    return EXIT_RUN_FAILED, None


def _record_outside_failure(settings: Settings, step: str, error: BaseException) -> None:
    """A run that failed before the flow could begin still leaves its `run_log` row, the index
    turns red, and the notify command hears of it; when even the database cannot be opened,
    stderr is all there is."""
    from sideline.flows.pipeline import record_start_failure

    try:
        record_start_failure(settings, step, error)
    except Exception as exc:
        print(f"sideline run: the failure could not be recorded: {exc}", file=sys.stderr)


def print_summary(summary: RunSummary) -> None:
    from sideline.cli import command_name

    files_rejected = sum(
        1 for f in summary.files if f.table_name is None and f.status != "duplicate"
    )
    print(
        f"run {summary.run_id}: {len(summary.files)} new file(s), {summary.rows_in} rows in: "
        f"{summary.rows_loaded} loaded, {summary.rows_quarantined} quarantined; "
        f"{files_rejected} file(s) quarantined whole"
    )
    if summary.files:
        width = max(len(f.file_name) for f in summary.files)
        print(f"  {'file':<{width}}  {'table':<9} {'in':>7} {'loaded':>7} {'quar.':>6}  status")
        for f in summary.files:
            reason = f" ({f.reason})" if f.reason else ""
            print(
                f"  {f.file_name:<{width}}  {f.table_name or '-':<9} {f.rows_in:>7} "
                f"{f.rows_loaded:>7} {f.rows_quarantined:>6}  {f.status}{reason}"
            )
    if summary.analyst_database:
        print(f"analyst database: {summary.analyst_database.resolve()}")
    if summary.site_index:
        print(f"dashboards: {summary.site_index.resolve()}")
    hint = f"select * from quarantine where run_id = '{summary.run_id}'"  # noqa: S608 - printed
    # double quotes: the run id is letters, digits and dashes, and the SQL has single quotes
    print(f'quarantine: {command_name()} query "{hint}"')
