"""The league: many teams, each its own Sideline home under `<league>/teams/<name>/` (its own inbox
and DuckDB files: the team's partition), run as their own `nightly` flow runs on Prefect
work-pool workers, and read together by a league analyst database.

Prefect is the distributed engine: a process work pool (`sideline-league`), the deployment
`nightly/team` on it, `run_deployment` per team, and `prefect worker` processes that take the runs
(on this machine, or on others that share the league folder and the one Prefect server). A team
whose run fails does not stop the others; the league run reports each team's final state.

After the fan-out each team's analyst relations are written as Parquet under
`<league>/partitions/<relation>/partition=<team>/`, and `<league>/league.duckdb` holds one view per
relation over all partitions (`read_parquet` with Hive partitioning), replaced atomically.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path
from uuid import UUID

import duckdb
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

POOL = "sideline-league"
TEAM_DEPLOYMENT = "team"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
RELATION = re.compile(r"^[a-z_][a-z0-9_]*$")
POLL_SECONDS = 2.0


def team_homes(league: Path) -> list[Path]:
    """Each team's home: the folders of `<league>/teams` (never a link), in name order."""
    root = league / "teams"
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and NAME.match(p.name)
    )


def league_database(root: Path) -> Path:
    """The league analyst database: views over every team's partitions."""
    return root / "league.duckdb"


def register(pool: str = POOL) -> None:
    """The process work pool and the deployment `nightly/team` on it (idempotent). Workers run
    it from the installed package (a module-path entrypoint), so every worker machine needs
    Sideline installed and the league folder at the same path."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.deployments.runner import EntrypointType
    from prefect.exceptions import ObjectNotFound

    from .nightly import nightly

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
    deployment = nightly.to_deployment(
        name=TEAM_DEPLOYMENT,
        parameters={"trigger": "league"},
        entrypoint_type=EntrypointType.MODULE_PATH,
        description="One team's nightly run in a league, taken by a `sideline-league` worker.",
    )
    deployment.apply(work_pool_name=pool)


@flow(name="league", log_prints=True, persist_result=False)
def league(league_home: str, wait_minutes: float = 120) -> dict[str, str]:
    """Every team's nightly run, fanned out to the work pool's workers; then the league view.
    Returns each team's final state (COMPLETED, FAILED, ...)."""
    from prefect.deployments import run_deployment

    root = Path(league_home).resolve()
    teams = team_homes(root)
    runs = {
        home.name: run_deployment(
            f"nightly/{TEAM_DEPLOYMENT}",
            parameters={"home": str(home), "trigger": "league"},
            flow_run_name=f"team-{home.name}",
            timeout=0,  # start them all; the workers take them as they can
        )
        for home in teams
    }
    states = wait_for_runs({name: run.id for name, run in runs.items()}, wait_minutes * 60)
    for name, state in states.items():
        print(f"team {name}: {state}")
    view = build_league_view(root, teams)
    print(f"league analyst database: {view}")
    return states


def wait_for_runs(runs: dict[str, UUID], seconds: float) -> dict[str, str]:
    """Each run's final state type, polling the server; a run not final in time is reported
    with the state it is in."""
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + seconds
    states = dict.fromkeys(runs, "UNKNOWN")
    waiting = dict(runs)
    with get_client(sync_client=True) as client:
        while waiting:
            for name, run_id in list(waiting.items()):
                state = client.read_flow_run(run_id).state
                if state is not None:
                    states[name] = state.type.value
                    if state.is_final():
                        del waiting[name]
            if not waiting or time.monotonic() > deadline:
                break
            time.sleep(POLL_SECONDS)
    return states


@task(name="league-view", cache_policy=NO_CACHE, persist_result=False)
def build_league_view(root: Path, teams: list[Path]) -> Path:
    """Each team's analyst relations as Parquet partitions, and the league database's views
    over them (a team without a snapshot yet is left out)."""
    partitions = root / "partitions"
    relations: set[str] = set()
    for home in teams:
        snapshot = home / "analyst.duckdb"
        if snapshot.exists():
            relations |= export_partition(snapshot, partitions, home.name)
    target = league_database(root)
    building = target.with_name(f"{target.name}.tmp-{uuid.uuid4().hex[:8]}")
    con = duckdb.connect(str(building))
    try:
        for relation in sorted(relations):
            files = str(partitions / relation / "*" / "*.parquet")
            # a view cannot hold a bound parameter: the path is this league's own folder and the
            # name a checked relation name from a snapshot's catalogue
            con.execute(
                f"create view {relation} as select * from read_parquet("  # noqa: S608
                f"'{_literal(files)}', hive_partitioning = true, union_by_name = true)"
            )
    finally:
        con.close()
    os.replace(building, target)
    return target


def export_partition(snapshot: Path, partitions: Path, team: str) -> set[str]:
    """Write one team's analyst relations under `partitions`, replacing its earlier ones and
    removing those of relations its snapshot no longer has."""
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'main' and table_catalog = current_database()"
            ).fetchall()
        ]
        written = set()
        for name in names:
            if not RELATION.match(name):
                continue
            folder = partitions / name / f"partition={team}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            con.execute(
                f"copy (select * from {name}) to '{_literal(str(folder / 'data.parquet'))}' "  # noqa: S608
                "(format parquet)"
            )
            written.add(name)
        # a relation this snapshot no longer has must not keep the team's old rows in the
        # league view
        for stale in partitions.glob(f"*/partition={team}"):
            if stale.parent.name not in written:
                shutil.rmtree(stale, ignore_errors=True)
        return written
    finally:
        con.close()


def _literal(text: str) -> str:
    """A path as a SQL string literal's body."""
    return text.replace("'", "''")
