"""Benchmark: a team's nightly run under `sideline serve` against `sideline run`, and against a
trivial 3-task flow served on the same Prefect server. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/nightly.py [--teams 3 --athletes 32 --seasons 3]

On one local Prefect server (started like `serve` starts it), it serves the `nightly`
deployment (with a schedule that never fires, so only the benchmark triggers runs) and the
trivial flow, then times from "run the deployment" to "completed", as Prefect records it and as
the wall clock sees it: a full first run of a demo-sized inbox, then nightly increments (a new
one-day exposure file). `sideline run` is timed on the same increments as a process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def increment(inbox: Path, day: int) -> None:
    """One night's new file: a training session for 30 athletes of the first team."""
    when = date.today() - timedelta(days=1)
    rows = [f"eagles,EAG-{i:03d},{when.isoformat()},training,{60 + day}" for i in range(1, 31)]
    (inbox / f"exposures_eagles_night_{day:02d}.csv").write_text(
        "team_id,athlete_id,date,activity,minutes,session_id\n"
        + "\n".join(f"{r},bench{day}" for r in rows)
        + "\n",
        encoding="utf-8",
    )


def run_deployment_timed(name: str) -> tuple[float, float, float]:
    """Wall seconds from the request to the completed state; from the run's expected start to
    its end as Prefect records them (the runner's poll and the process start included); and
    Prefect's own run time of the flow."""
    from prefect.deployments import run_deployment

    start = time.perf_counter()
    flow_run = run_deployment(name, timeout=900, poll_interval=0.25)
    wall = time.perf_counter() - start
    assert flow_run.state is not None and flow_run.state.is_completed(), flow_run.state
    assert flow_run.end_time is not None and flow_run.expected_start_time is not None
    recorded = (flow_run.end_time - flow_run.expected_start_time).total_seconds()
    return wall, recorded, flow_run.total_run_time.total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=3)
    parser.add_argument("--athletes", type=int, default=32)
    parser.add_argument("--seasons", type=int, default=3)
    parser.add_argument("--nights", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="sideline-bench-"))
    home = work / "home"
    port = free_port()
    env = {
        **os.environ,
        "SIDELINE_HOME": str(home),
        "SIDELINE_SCHEDULE": "0 3 1 1 *",  # never during the benchmark
        "SIDELINE_PREFECT_PORT": str(port),
        "PREFECT_HOME": str(home / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    os.environ.update(env)
    sideline = [sys.executable, "-m", "sideline"]
    subprocess.run([*sideline, "init", str(home)], check=True, capture_output=True, env=env)
    subprocess.run(
        [
            *sideline,
            "generate",
            str(home / "inbox"),
            "--teams",
            str(args.teams),
            "--athletes",
            str(args.athletes),
            "--seasons",
            str(args.seasons),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    from sideline.server import LocalServer
    from sideline.settings import Settings

    server = LocalServer(Settings.from_env(env), lambda m: None)
    started = time.perf_counter()
    server.start()
    print(f"local Prefect server healthy after {time.perf_counter() - started:.1f} s")
    api = {**env, "PREFECT_API_URL": server.api_url}
    os.environ["PREFECT_API_URL"] = server.api_url
    served = [
        subprocess.Popen(
            [*sideline, "serve"],
            env=api,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, str(HERE / "trivial_flow.py")],
            env=api,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        ),
    ]
    try:
        time.sleep(8)  # both runners register their deployments
        print(f"{'what':<48} {'wall s':>8} {'due-end s':>12} {'flow s':>8}")

        def show(label: str, figures: tuple[float, float, float]) -> None:
            print(f"{label:<48} {figures[0]:8.2f} {figures[1]:12.2f} {figures[2]:8.2f}")

        run_deployment_timed("trivial/trivial")  # the first run warms the server
        show("trivial 3-task flow, served", run_deployment_timed("trivial/trivial"))
        show("nightly under serve: full first run", run_deployment_timed("nightly/nightly"))
        for night in range(1, args.nights + 1):
            increment(home / "inbox", night)
            show(f"nightly under serve: increment {night}", run_deployment_timed("nightly/nightly"))
        plain = {k: v for k, v in env.items() if k != "PREFECT_API_URL"}
        for night in range(args.nights + 1, 2 * args.nights + 1):
            increment(home / "inbox", night)
            start = time.perf_counter()
            subprocess.run(
                [*sideline, "run", "--quiet"], env=plain, check=True, capture_output=True
            )
            wall = time.perf_counter() - start
            label = f"sideline run (temporary API): increment {night}"
            print(f"{label:<48} {wall:8.2f}")
        for night in range(2 * args.nights + 1, 2 * args.nights + 2):
            increment(home / "inbox", night)
            start = time.perf_counter()
            subprocess.run([*sideline, "run", "--quiet"], env=api, check=True, capture_output=True)
            wall = time.perf_counter() - start
            print(f"{f'sideline run on the server: increment {night}':<48} {wall:8.2f}")
    finally:
        for process in served:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=60)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
