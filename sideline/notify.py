"""Alerts: `SIDELINE_NOTIFY` names a command that receives a run's summary as JSON on stdin.

It is called when a run fails, when the nightly run is overdue, and when a contusion newly
reaches a high tier. The JSON carries ids, counts and paths, never an athlete's name (a chat
webhook is outside the medical record). The command is run without a shell, with a time limit;
when it fails, the run does not: stderr says so.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from sideline.settings import Settings

TIMEOUT_SECONDS = 60


def notify(settings: Settings, event: str, details: dict[str, Any]) -> bool:
    """Send one event; True when the command took it (exit 0)."""
    if not settings.notify:
        return False
    message = {
        "event": event,  # run_failed | run_overdue | new_high_risk
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "home": str(settings.home.resolve()),
        "dashboards": str((settings.site / "index.html").resolve()),
        **details,
    }
    try:
        done = subprocess.run(
            shlex.split(settings.notify),
            input=json.dumps(message, default=str, indent=1),
            text=True,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        sys.stderr.write(f"sideline: SIDELINE_NOTIFY could not be run: {exc}\n")
        return False
    if done.returncode != 0:
        sys.stderr.write(
            f"sideline: SIDELINE_NOTIFY exited {done.returncode}: {done.stderr.strip()[:500]}\n"
        )
    return done.returncode == 0
