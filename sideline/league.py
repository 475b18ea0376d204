"""`sideline league`: run every team of a league (`$SIDELINE_HOME/teams/<name>/`) as its own flow
run on Prefect work-pool workers, then build the league analyst database (flows/league.py).

On one machine it starts (or uses, with PREFECT_API_URL) a Prefect server, registers the
process work pool and the `nightly/team` deployment, starts `--workers` `prefect worker`
processes, runs the `league` flow and stops what it started. Across machines, run
`prefect worker start --pool sideline-league --type process` on each, with the same
PREFECT_API_URL and the league folder on shared storage at the same path (README, "A league").
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

from sideline import prefect_env
from sideline.settings import Settings

WORKER_POLL_SECONDS = "2"  # a worker asks for runs this often (Prefect's default is 10)


def start_worker(settings: Settings, pool: str, number: int) -> subprocess.Popen[bytes]:
    log = settings.prefect_home / f"worker-{number}.log"
    env = {**os.environ, "PREFECT_WORKER_QUERY_SECONDS": WORKER_POLL_SECONDS}
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool"]
    command += [pool, "--type", "process", "--limit", "1", "--name", f"sideline-{number}"]
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def run_league(
    settings: Settings, workers: int, announce: Callable[[str], object]
) -> dict[str, str]:
    """Each team's final state after one league run."""
    from sideline.server import start_unless_named

    prefect_env.apply(settings)
    server = start_unless_named(settings, announce)
    # Prefect is imported only now, so it sees the server's address
    from sideline.flows.league import POOL, league, register, team_homes

    announce(f"{len(team_homes(settings.home))} team(s) under {settings.home / 'teams'}")
    try:
        register()
        started = [start_worker(settings, POOL, n) for n in range(1, workers + 1)]
        announce(f"{workers} worker(s) on the process pool; logs in {settings.prefect_home}")
        try:
            return league(str(settings.home))
        finally:
            for process in started:
                process.terminate()
            for process in started:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    finally:
        if server is not None:
            server.stop()
