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
from sideline.flows import nightly

from sideline.generate import Plan, generate

from .conftest import TODAY, dump

pytestmark = pytest.mark.slow

KILL_AT = "load: writing exposures"  # printed inside the run's transaction, after injuries


def test_sigkill_during_load_changes_nothing(settings, put):
    put("injuries_valid.csv")
    nightly.run(settings, now=TODAY)
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

    summary = nightly.run(settings, now=TODAY)
    assert summary.status == "success"
    assert summary.rows_in > 30000
    assert summary.rows_in == summary.rows_loaded + summary.rows_quarantined
    after = dump(settings.database)
    assert len(after["exposures_history"]) > len(before["exposures_history"])


READER = """
import sys, time, duckdb
path, seconds = sys.argv[1], float(sys.argv[2])
end = time.monotonic() + seconds
while time.monotonic() < end:
    con = duckdb.connect(path, read_only=True)
    run, = con.execute("select run_id from snapshot_info").fetchone()
    n_inj, = con.execute("select count(*) from injuries").fetchone()
    n_exp, = con.execute("select count(*) from exposures").fetchone()
    con.close()
    print(run, n_inj, n_exp, flush=True)
"""

# DuckDB shares one database instance per path inside a process, so the connection held open
# through the run lives in a process of its own.
HOLDER = """
import sys, duckdb
held = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
sys.stdin.readline()
print(*held.execute("select count(*) from injuries").fetchone(), flush=True)
"""


def test_readers_in_other_processes_see_whole_runs_only(settings, put):
    put("injuries_valid.csv")
    first = nightly.run(settings, now=TODAY)
    generate(settings.inbox, Plan(teams=3, athletes=30, seasons=2, seed=5, end=date(2026, 11, 24)))
    path = str(settings.analyst_database)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "open\n"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, path, "20"], stdout=subprocess.PIPE, text=True
    )
    second = nightly.run(settings, now=TODAY)  # not blocked by either reader
    held, _ = holder.communicate("done\n", timeout=60)
    out, _ = reader.communicate(timeout=120)
    assert (holder.returncode, reader.returncode) == (0, 0)
    assert held.strip() == "3", "a connection opened before the run keeps reading the old run"
    snapshot = dump(settings.analyst_database)
    after = (second.run_id, str(len(snapshot["injuries"])), str(len(snapshot["exposures"])))
    states = {tuple(line.split()) for line in out.splitlines()}
    assert states <= {(first.run_id, "3", "0"), after}, "a reader saw part of a run"
    assert after in states
