"""Unattended nights (issue 9): every failure leaves a `run_log` row with its step, turns the
index red, makes `sideline status` exit non-zero and calls SIDELINE_NOTIFY; a signal cancels a
run cleanly; a run started where there is no home refuses; `serve` keeps Prefect's schedule on a
supervised local server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sideline.flows import nightly, pipeline

from sideline.cli import main
from sideline.exits import EXIT_INTERRUPTED, EXIT_ROWS_FAILED, EXIT_TERMINATED, EXIT_USAGE
from sideline.generate import Plan, generate
from sideline.settings import Settings
from sideline.status import read_status

from .conftest import TODAY, dump, rows

NOTIFY_SCRIPT = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_text(sys.stdin.read())"

HIGH_RISK = (
    "record_id,team_id,athlete_id,athlete_name,injury_date,activity,sport,body_region,side,"
    "tissue,mechanism,knee_flexion_deg\n"
    "R1,eagles,A1,Ana Okafor,2026-11-20,match,rugby_union,thigh,left,muscle_contusion,"
    "direct_contact,30\n"
)


@pytest.fixture
def notified(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """SIDELINE_NOTIFY pointed at a script that writes what it receives to a file."""
    out = tmp_path / "notified.json"
    script = tmp_path / "notify.py"
    script.write_text(NOTIFY_SCRIPT, encoding="utf-8")
    monkeypatch.setenv("SIDELINE_NOTIFY", f"{sys.executable} {script} {out}")
    return out


STEPS = {
    "discover": "discover",
    "read": "read_files",
    "validate": "validate_files",
    "load": "load_run",
    "publish": "publish_snapshot",
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_failure_at_each_step_is_recorded_shown_and_sent(
    settings, put, notified, monkeypatch, capsys, step
):
    put("injuries_valid.csv")
    nightly.run(settings, now=TODAY)
    before = dump(settings.database)
    put("exposures_valid.csv")

    def broken(*args: object, **kwargs: object) -> object:
        raise OSError(f"the {step} step broke")

    for module in (nightly, pipeline):  # where the sequence finds each stage
        if hasattr(module, STEPS[step]):
            monkeypatch.setattr(module, STEPS[step], broken)
    alerted = Settings.from_env()
    with pytest.raises(pipeline.RunFailed) as raised:
        nightly.run(alerted, now=TODAY)
    assert raised.value.step == step
    status, logged_step, message = rows(
        settings.database,
        "select status, step, message from run_log order by started_at desc limit 1",
    )[0]
    assert (status, logged_step) == ("failed", step) and f"the {step} step broke" in str(message)
    if step != "publish":  # nothing else changed
        after = dump(settings.database)
        after.pop("run_log")
        before.pop("run_log", None)
        assert after == before
    index = (settings.site / "index.html").read_text(encoding="utf-8")
    assert 'class="warn" id="last-run"' in index and f"at the {step} step" in index
    capsys.readouterr()
    assert main(["status"]) == EXIT_ROWS_FAILED
    assert "NOT healthy" in capsys.readouterr().out
    sent = json.loads(notified.read_text(encoding="utf-8"))
    assert sent["event"] == "run_failed" and sent["step"] == step
    assert f"the {step} step broke" in sent["error"]


def test_failing_to_reach_prefect_is_a_failed_run_too(settings, put, notified):
    put("injuries_valid.csv")
    port = free_port()  # closed again: nothing answers there
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    done = subprocess.run(
        [sys.executable, "-m", "sideline", "run", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "Failed to reach API" in done.stderr
    assert rows(settings.database, "select status, step from run_log") == [("failed", "prefect")]
    assert json.loads(notified.read_text(encoding="utf-8"))["step"] == "prefect"
    assert 'data-status="failed"' in (settings.site / "index.html").read_text(encoding="utf-8")


def test_a_contusion_newly_at_high_risk_is_sent_once(settings, put, notified):
    put("injuries_high.csv", HIGH_RISK)
    summary = nightly.run(Settings.from_env(), now=TODAY)
    assert [c["tier"] for c in summary.new_high_risk] == ["high"]
    sent = json.loads(notified.read_text(encoding="utf-8"))
    assert sent["event"] == "new_high_risk"
    assert sent["new_high_risk"] == [
        {"team_id": "eagles", "record_id": "R1", "athlete_id": "A1", "tier": "high"}
    ]
    assert "Ana" not in notified.read_text(encoding="utf-8")  # ids only, never names
    notified.unlink()
    again = nightly.run(Settings.from_env(), now=TODAY)
    assert again.new_high_risk == [] and not notified.exists()


def test_status_says_when_the_night_was_missed(settings, put, monkeypatch):
    monkeypatch.setenv("SIDELINE_SCHEDULE", "0 2 * * *")
    s = Settings.from_env()
    zone = ZoneInfo("UTC")
    assert read_status(s, datetime(2026, 11, 25, 12, tzinfo=zone)).problem == (
        "no run is recorded yet"
    )
    put("injuries_valid.csv")
    nightly.run(s, now=TODAY)  # started now (the clock of the machine)
    ran = rows(s.database, "select started_at from run_log")[0][0]
    after_run = ran.astimezone(zone)
    assert read_status(s, after_run).healthy
    two_days_later = after_run.replace(hour=12) + (after_run - after_run).__class__(days=2)
    late = read_status(s, two_days_later)
    assert late.overdue and late.problem is not None and late.problem.startswith("overdue")


def test_a_run_where_there_is_no_home_refuses(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SIDELINE_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--quiet"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "no Sideline home at" in err and str(tmp_path / "sideline-home") in err
    assert "sideline init" in err
    assert not (tmp_path / "sideline-home").exists()
    assert main(["init", str(tmp_path / "team")]) == 0
    assert (tmp_path / "team" / "inbox").is_dir()


def test_a_busy_database_is_one_line(settings, put, capsys):
    import duckdb

    put("injuries_valid.csv")
    nightly.run(settings, now=TODAY)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(settings.database)],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        capsys.readouterr()
        assert main(["run", "--quiet"]) == 3
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "held by another Sideline run" in err[0]
    finally:
        holder.communicate("\n", timeout=30)
    duckdb.connect(str(settings.database)).close()


HOLD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("held", flush=True)
sys.stdin.readline()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "signum, code", [(signal.SIGINT, EXIT_INTERRUPTED), (signal.SIGTERM, EXIT_TERMINATED)]
)
def test_a_signal_cancels_the_run_and_changes_nothing(settings, put, signum, code):
    put("injuries_valid.csv")
    nightly.run(settings, now=TODAY)
    before = dump(settings.database)
    generate(settings.inbox, Plan(teams=3, athletes=30, seasons=2, seed=5, end=TODAY.date()))
    child = subprocess.Popen(
        [sys.executable, "-m", "sideline", "run"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
        start_new_session=True,
    )
    assert child.stderr is not None
    lines = []
    deadline = time.monotonic() + 300
    for line in child.stderr:
        lines.append(line)
        if "load: writing exposures" in line:
            child.send_signal(signum)
            break
        assert time.monotonic() < deadline, "the run never reached the load"
    _out, err = child.communicate(timeout=120)
    assert child.returncode == code, "".join(lines[-5:]) + err
    said = [line for line in err.splitlines() if line.strip()]
    assert said == [
        f"sideline run: cancelled by {signal.Signals(signum).name}; the database is as it was "
        "before the run"
    ], err
    after = dump(settings.database)
    cancelled = [r for r in after.pop("run_log") if "cancelled" in r]
    before.pop("run_log")
    assert after == before and len(cancelled) == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_the_schedule_on_a_supervised_server(settings, put, monkeypatch):
    """Two scheduled runs, with the Prefect server killed between them: both are recorded in
    run_log and in Prefect, with their artifacts."""
    put("injuries_valid.csv")
    port = free_port()
    env = {
        **os.environ,
        "SIDELINE_SCHEDULE": "* * * * *",
        "SIDELINE_PREFECT_PORT": str(port),
    }
    env.pop("PREFECT_API_URL", None)
    serve = subprocess.Popen(
        [sys.executable, "-m", "sideline", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        first = _wait_for_runs(settings, 1, timeout=200)
        pid = int((settings.prefect_home / "server.pid").read_text(encoding="utf-8"))
        os.kill(pid, signal.SIGKILL)
        second = _wait_for_runs(settings, 2, timeout=200)
        assert first[0][1] == "success" and second[0][1] == "success"
        assert {r[2] for r in second} == {"scheduled"}
        flow_runs, artifacts = _prefect_records(f"http://127.0.0.1:{port}/api")
        assert flow_runs >= 2 and {"nightly-summary", "injury-rates"} <= artifacts
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            _, err = serve.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            _, err = serve.communicate()
    assert "the Prefect server died" in err and "restarting it" in err, err[-2000:]
    assert not (settings.prefect_home / "server.pid").exists(), "serve stops its server"


def _wait_for_runs(settings: Settings, count: int, timeout: float) -> list[tuple[object, ...]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if settings.database.exists():
            try:
                found = rows(
                    settings.database,
                    "select run_id, status, trigger from run_log order by started_at desc",
                )
            except Exception:  # a run holds the database right now
                found = []
            if len(found) >= count:
                return found
        time.sleep(2)
    raise AssertionError(f"fewer than {count} scheduled runs in {timeout:.0f} s")


def _prefect_records(api_url: str) -> tuple[int, set[str]]:
    code = (
        "import asyncio, json\n"
        "from prefect.client.orchestration import get_client\n"
        "from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, "
        "FlowRunFilterStateType\n"
        "from prefect.client.schemas.objects import StateType\n"
        "async def main():\n"
        "    async with get_client() as c:\n"
        "        done = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType("
        "any_=[StateType.COMPLETED])))\n"
        "        runs = await c.read_flow_runs(flow_run_filter=done)\n"
        "        arts = await c.read_artifacts()\n"
        "        print(json.dumps([len(runs), sorted({a.key for a in arts if a.key})]))\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PREFECT_API_URL": api_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    count, keys = json.loads(out.strip().splitlines()[-1])
    return int(count), set(keys)


def test_status_notify_tells_of_a_missed_night_once(settings, notified):
    from sideline.status import check_overdue

    s = Settings.from_env()  # 02:00 every night, 120 minutes' grace
    told: set[str] = set()
    morning = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("UTC"))
    check_overdue(s, told, morning)
    sent = json.loads(notified.read_text(encoding="utf-8"))
    assert sent["event"] == "run_overdue" and sent["due"].startswith("2026-11-25T02:00")
    notified.unlink()
    check_overdue(s, told, morning.replace(hour=10))  # the same missed night: told once
    assert not notified.exists()
    check_overdue(s, set(), morning.replace(hour=3))  # within the grace: not yet overdue
    assert not notified.exists()


def test_progress_stops_ticking_when_the_run_ends(capsys):
    from sideline.runner import Progress

    progress = Progress(every=0.05)
    progress.waiting("starting Prefect")
    time.sleep(0.2)
    progress.done()
    time.sleep(0.05)
    said = capsys.readouterr().err
    time.sleep(0.2)
    assert "still going" in said and capsys.readouterr().err == ""
