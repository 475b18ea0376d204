"""SIGKILL in the middle of loading: the database and the analyst snapshot stay exactly as
they were, and the next run completes normally. Runs the real `sideline run` (Prefect flow)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from sideline.flows import pipeline

from sideline.generate import Plan, generate

from .conftest import TODAY, dump

pytestmark = pytest.mark.slow

KILL_AT = "load: writing exposures"  # printed inside the run's transaction, after injuries


def test_sigkill_during_load_changes_nothing(settings, put):
    put("injuries_valid.csv")
    pipeline.run(settings, now=TODAY)
    before = dump(settings.database)
    snapshot = settings.analyst_database.read_bytes()

    generate(settings.inbox, Plan(teams=4, athletes=40, seasons=2, seed=11, end=date(2026, 11, 24)))
    child = subprocess.Popen(
        [sys.executable, "-m", "sideline", "run"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=os.environ.copy(),
        start_new_session=True,  # Prefect's temporary server dies with the group
    )
    seen: list[str] = []
    deadline = time.monotonic() + 600
    assert child.stderr is not None
    for line in child.stderr:
        seen.append(line)
        if KILL_AT in line:
            os.killpg(child.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "the run never reached the load"
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "".join(seen[-20:])

    assert dump(settings.database) == before
    assert settings.analyst_database.read_bytes() == snapshot

    summary = pipeline.run(settings, now=TODAY)
    assert summary.status == "success"
    assert summary.rows_in > 30000
    assert summary.rows_in == summary.rows_loaded + summary.rows_quarantined
    after = dump(settings.database)
    assert len(after["exposures_history"]) > len(before["exposures_history"])
