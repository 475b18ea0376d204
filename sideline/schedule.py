"""`sideline serve`: run the nightly flow at the times of a cron expression in the team's time
zone, until stopped.

Prefect's own `serve` needs a standing Prefect server to schedule runs (its temporary local
API refuses), which would be a service to keep alive beside Sideline; this loop needs none and
runs each night's flow exactly as `sideline run` does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

# the longest single wait, so a changed clock (suspend, NTP step) is noticed within a minute
LONGEST_WAIT = timedelta(seconds=60)


class ScheduleError(ValueError):
    """SIDELINE_SCHEDULE is not a cron expression."""


def next_run(cron: str, after: datetime) -> datetime:
    """The first time strictly after `after` (zone-aware) that `cron` names, in its zone."""
    try:
        return next(CronSim(cron, after))
    except CronSimError as exc:
        raise ScheduleError(f"SIDELINE_SCHEDULE {cron!r}: {exc}") from exc


def serve_forever(
    cron: str,
    timezone: str,
    run_once: Callable[[], object],
    *,
    now: Callable[[ZoneInfo], datetime] = datetime.now,
    wait: Callable[[float], object],
    keep_going: Callable[[], bool] = lambda: True,
    announce: Callable[[str], object] = print,
) -> int:
    """Wait for each scheduled time and run; returns how many runs were made."""
    zone = ZoneInfo(timezone)
    runs = 0
    due = next_run(cron, now(zone))
    announce(f"next run at {due.isoformat()}")
    while keep_going():
        left = (due - now(zone)).total_seconds()
        if left > 0:
            wait(min(left, LONGEST_WAIT.total_seconds()))
            continue
        run_once()
        runs += 1
        due = next_run(cron, now(zone))
        announce(f"next run at {due.isoformat()}")
    return runs
