"""Environment Prefect and Great Expectations must see before they are imported.

Offline by default: no analytics, no telemetry, Prefect's home (and its temporary API database)
kept under the Sideline home, and a startup timeout long enough for a fresh machine.
"""

from __future__ import annotations

import os

from sideline.settings import Settings


def offline_environment(settings: Settings) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(settings.prefect_home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }


def apply(settings: Settings) -> None:
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.update(offline_environment(settings))
    # Prefect's per-task INFO lines drown the run summary; PREFECT_LOGGING_LEVEL still wins
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
