"""A league: each team in its own home (its partition), run as its own flow run on Prefect
work-pool workers, and one analyst database reading every partition."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sideline.flows import league, nightly

from sideline.settings import Settings

from .conftest import SCENARIOS, TODAY, rows
from .test_unattended import free_port


def team(root: Path, name: str, *scenarios: str) -> Path:
    """A team home under the league with scenario files whose team is renamed to `name`."""
    inbox = root / "teams" / name / "inbox"
    inbox.mkdir(parents=True)
    for scenario in scenarios:
        text = (SCENARIOS / scenario).read_text(encoding="utf-8")
        (inbox / scenario).write_text(text.replace("eagles", name), encoding="utf-8")
    return inbox.parent


def test_the_league_database_reads_every_teams_partition(tmp_path: Path):
    homes = [
        team(tmp_path, "falcons", "injuries_valid.csv", "exposures_valid.csv"),
        team(tmp_path, "hawks", "injuries_valid.csv"),
    ]
    (tmp_path / "teams" / "not a team!").mkdir()  # a folder whose name is no partition name
    assert league.team_homes(tmp_path) == homes
    for home in homes:
        nightly.run(Settings(home=home, timezone="UTC"), now=TODAY)
    view = league.build_league_view.fn(tmp_path, homes)
    assert rows(
        view, "select partition, team_id, count(*) from injuries group by all order by 1"
    ) == [("falcons", "falcons", 3), ("hawks", "hawks", 3)]
    # a later run replaces a team's partition instead of adding to it
    view = league.build_league_view.fn(tmp_path, homes)
    assert rows(view, "select count(*) from injuries") == [(6,)]
    names = {r[0] for r in rows(view, "select column_name from information_schema.columns")}
    assert "athlete_name" not in names, "the league view holds what analysts may see, no names"


def test_a_relation_a_snapshot_dropped_leaves_the_teams_partitions(tmp_path: Path):
    home = team(tmp_path, "falcons", "injuries_valid.csv")
    nightly.run(Settings(home=home, timezone="UTC"), now=TODAY)
    partitions = tmp_path / "partitions"
    stale = partitions / "a_relation_of_an_older_version" / "partition=falcons"
    stale.mkdir(parents=True)
    (stale / "data.parquet").write_bytes(b"old")
    other = partitions / "a_relation_of_an_older_version" / "partition=hawks"
    other.mkdir(parents=True)
    written = league.export_partition(Settings(home=home).analyst_database, partitions, "falcons")
    assert "injuries" in written
    assert not stale.exists(), "the team's stale partition is removed"
    assert other.exists(), "another team's partition is not this export's to remove"


@pytest.mark.slow
def test_sideline_league_fans_teams_out_to_two_workers(tmp_path: Path):
    for name in ("falcons", "hawks", "kites"):
        team(tmp_path, name, "injuries_valid.csv", "exposures_valid.csv")
    env = {
        **os.environ,
        "SIDELINE_HOME": str(tmp_path),
        "SIDELINE_TIMEZONE": "UTC",
        "SIDELINE_PREFECT_PORT": str(free_port()),
        "HOME": str(tmp_path),
    }
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "sideline", "league", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[:3] == [
        "falcons: COMPLETED",
        "hawks: COMPLETED",
        "kites: COMPLETED",
    ]
    assert rows(
        tmp_path / "league.duckdb", "select partition, count(*) from injuries group by 1 order by 1"
    ) == [("falcons", 3), ("hawks", 3), ("kites", 3)]
    # each team's run was a flow run of the deployment, taken by a worker of the pool
    logs = " ".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "prefect").glob("worker-*.log")
    )
    assert "Worker 'sideline-1' started" in logs and "Worker 'sideline-2' started" in logs
