"""`sideline status`: did last night run? The last runs, the next scheduled time, and a verdict
that monitoring scripts can read from the exit code: 0 when the latest run succeeded and the
night's run is not overdue, 1 otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from sideline.db import sql
from sideline.notify import notify
from sideline.schedule import next_run, previous_run
from sideline.settings import Settings

RUNS_SHOWN = 10


@dataclass(frozen=True)
class Status:
    runs: list[dict[str, object]]  # newest first
    due: datetime  # the latest scheduled time, local
    next_due: datetime
    problem: str | None  # why it is not healthy
    overdue: bool
    source: str  # which database the runs were read from

    @property
    def healthy(self) -> bool:
        return self.problem is None


def read_runs(settings: Settings) -> tuple[list[dict[str, object]], str]:
    """The newest runs, from the pipeline database, or from the analyst snapshot while a run
    holds the pipeline database (a failed run that is not yet published is then not seen)."""
    for path, label in (
        (settings.database, "pipeline database"),
        (settings.analyst_database, "analyst snapshot (a run holds the pipeline database)"),
    ):
        if not path.exists():
            continue
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.IOException:
            continue
        try:
            frame = con.execute(sql("status/runs"), [RUNS_SHOWN]).df()
        except duckdb.CatalogException:
            continue  # an analyst snapshot from before `trigger` and `step`
        finally:
            con.close()
        return frame.to_dict("records"), label
    return [], "no database yet"


def read_status(settings: Settings, now: datetime | None = None) -> Status:
    now = now or datetime.now(settings.tz)
    due = previous_run(settings.schedule, now)
    next_due = next_run(settings.schedule, now)
    runs, source = read_runs(settings)
    grace = timedelta(minutes=settings.run_timeout_minutes)
    latest_success = max(
        (_aware(r["started_at"]) for r in runs if r["status"] == "success"), default=None
    )
    overdue = now > due + grace and (latest_success is None or latest_success < due)
    problem = None
    if not runs:
        problem = "no run is recorded yet"
    elif runs[0]["status"] != "success":
        last = runs[0]
        started = _local(last["started_at"], settings)
        problem = (
            f"the last run ({last['trigger'] or 'manual'}, started {started}) {last['status']} "
            f"at the {last['step'] or '?'} step: {last['message']}"
        )
    elif overdue:
        problem = f"overdue: no successful run since the one due {due:%Y-%m-%d %H:%M %Z}"
    return Status(runs, due, next_due, problem, overdue, source)


def check_overdue(settings: Settings, told: set[str], now: datetime | None = None) -> None:
    """Notify once per scheduled time that passed without a successful run."""
    status = read_status(settings, now)
    key = status.due.isoformat()
    if status.overdue and key not in told:
        told.add(key)
        notify(
            settings,
            "run_overdue",
            {"due": key, "problem": status.problem, "next_due": status.next_due.isoformat()},
        )


def render(status: Status, settings: Settings) -> str:
    lines = [
        f"Sideline home: {settings.home.resolve()}",
        f"schedule: {settings.schedule!r} in {settings.timezone}; last due "
        f"{status.due:%Y-%m-%d %H:%M %Z}, next {status.next_due:%Y-%m-%d %H:%M %Z}",
        f"verdict: {'healthy' if status.healthy else 'NOT healthy: ' + str(status.problem)}",
        f"last runs (from the {status.source}):",
    ]
    for r in status.runs:
        step = f" at {r['step']}" if r["step"] else ""
        lines.append(
            f"  {_local(r['started_at'], settings)}  {r['trigger'] or 'manual':<9} "
            f"{r['status']}{step}: {r['files_in']} file(s), {r['rows_loaded']} rows loaded, "
            f"{r['rows_quarantined']} quarantined"
        )
    if not status.runs:
        lines.append("  (none)")
    return "\n".join(lines)


def _aware(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=datetime.now().astimezone().tzinfo)


def _local(value: object, settings: Settings) -> str:
    return f"{_aware(value).astimezone(settings.tz):%Y-%m-%d %H:%M %Z}"
