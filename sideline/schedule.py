"""`sideline serve`: the `nightly` deployment served on a Prefect server with the team's cron
and time zone. Prefect schedules, runs, retries and records; Sideline supervises the local
server it starts (or uses the one PREFECT_API_URL names) and nothing else.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from cronsim import CronSim, CronSimError

from sideline.settings import Settings

DEPLOYMENT = "nightly"
STATUS_EVERY_SECONDS = 300.0  # how often serve checks the night was not missed


class ScheduleError(ValueError):
    """SIDELINE_SCHEDULE is not a cron expression."""


def next_run(cron: str, after: datetime) -> datetime:
    """The first time strictly after `after` (zone-aware) that `cron` names, in its zone."""
    try:
        return next(CronSim(cron, after))
    except CronSimError as exc:
        raise ScheduleError(f"SIDELINE_SCHEDULE {cron!r}: {exc}") from exc


def previous_run(cron: str, before: datetime) -> datetime:
    """The last time at or before `before` (zone-aware) that `cron` names."""
    try:
        # cronsim counts back from strictly before its start: a second later includes `before`
        return next(CronSim(cron, before + timedelta(seconds=1), reverse=True))
    except CronSimError as exc:
        raise ScheduleError(f"SIDELINE_SCHEDULE {cron!r}: {exc}") from exc


def serve(settings: Settings, announce: Callable[[str], object]) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM). The local server, when Sideline started it, is
    stopped with it; the schedule is left active (`pause_on_shutdown=False`), so a restarted
    serve needs no resuming."""
    from sideline import prefect_env
    from sideline.server import start_unless_named

    prefect_env.apply(settings)
    # the runner's subprocesses must find the same home from any working directory
    os.environ["SIDELINE_HOME"] = str(settings.home.resolve())
    # a run started by hand (the UI's "Run", run_deployment) begins within 2 s, not 10;
    # scheduled runs are fetched ahead and start on time either way
    os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "2")
    server = start_unless_named(settings, announce, watch=True)
    stop = threading.Event()
    threading.Thread(
        target=_watch_overdue, args=(settings, stop), daemon=True, name="sideline-overdue"
    ).start()
    try:
        _serve_deployment(settings, announce)
    finally:
        stop.set()
        if server is not None:
            server.stop()


def _serve_deployment(settings: Settings, announce: Callable[[str], object]) -> None:
    from prefect import serve as prefect_serve
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    from sideline.flows.nightly import nightly

    deployment = nightly.to_deployment(
        name=DEPLOYMENT,
        schedules=[Cron(settings.schedule, timezone=settings.timezone)],
        parameters={"trigger": "scheduled"},
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="Sideline's nightly run: inbox, validation, DuckDB, models, dashboards.",
    )
    announce(
        f"serving the deployment nightly/{DEPLOYMENT}: cron {settings.schedule!r} in "
        f"{settings.timezone}; Ctrl-C stops"
    )
    # one run at a time: the database takes one writer, and a late run must not overlap the next
    prefect_serve(deployment, pause_on_shutdown=False, limit=1, print_starting_message=False)


def _watch_overdue(settings: Settings, stop: threading.Event) -> None:
    """Tell SIDELINE_NOTIFY once when the night's run is overdue (the server or the machine may
    have been down at the scheduled time)."""
    from sideline.status import check_overdue

    told: set[str] = set()
    while not stop.wait(STATUS_EVERY_SECONDS):
        check_overdue(settings, told)
