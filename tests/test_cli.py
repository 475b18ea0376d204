"""The command line: help for every command, exit codes, read-only queries, seeded generation,
and the demo and a second run through the real Prefect flow."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sideline.flows import nightly

from sideline.cli import build_parser, main
from sideline.exits import EXIT_ROWS_FAILED, EXIT_USAGE

from .conftest import SCENARIOS, TODAY


def test_every_command_has_help_text():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {c.dest: c.help for c in sub._choices_actions}
    assert set(helps) == {
        "demo",
        "run",
        "check",
        "query",
        "generate",
        "export",
        "serve",
        "league",
        "status",
        "init",
    }
    assert all(helps.values())
    for name, command in sub.choices.items():
        for action in command._actions:
            if action.dest != "help":
                assert action.help, f"{name} --{action.dest} has no help text"


def test_check_passes_good_files_and_names_every_failing_row(settings, capsys):
    assert (
        main(
            ["check", str(SCENARIOS / "injuries_valid.csv"), str(SCENARIOS / "exposures_valid.csv")]
        )
        == 0
    )
    capsys.readouterr()
    bad = SCENARIOS / "rules" / "exposures_rules.csv"
    assert main(["check", str(bad), str(SCENARIOS / "nonexistent.csv")]) == EXIT_ROWS_FAILED
    out = capsys.readouterr()
    # check runs on the team's own files, so it shows the value; stored messages never do
    assert "exposures_rules.csv:2: minutes: range: minutes is outside 0-1440 (value '1441')" in (
        out.out
    )
    assert "exposures_rules.csv:6: -: field_count:" in out.out
    assert "nonexistent.csv: -: missing_file: no such file" in out.out
    assert "6 rows: 6 failing rows, 1 file(s) rejected whole" in out.err
    assert not settings.database.exists(), "check writes nothing"


def test_query_formats_and_read_only(settings, put, capsys):
    put("injuries_valid.csv")
    nightly.run(settings, now=TODAY)
    capsys.readouterr()
    assert (
        main(
            ["query", "select record_id, body_region from injuries order by 1", "--format", "json"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == [
        {"record_id": "R1", "body_region": "thigh"},
        {"record_id": "R2", "body_region": "knee"},
        {"record_id": "R3", "body_region": "hip_groin"},
    ]
    dated = "select injury_date, days_lost, event_id from injuries order by record_id limit 1"
    assert main(["query", dated, "--format", "json"]) == 0
    (first,) = json.loads(capsys.readouterr().out)
    assert first["injury_date"] == "2026-09-06" and isinstance(first["days_lost"], int)
    assert "\x1f" not in first["event_id"] and json.loads(first["event_id"])[0] == "eagles"
    assert main(["query", "select record_id from injuries order by 1", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["record_id", "R1", "R2", "R3"]
    assert main(["query", "select count(*) as n from injuries"]) == 0
    assert capsys.readouterr().out.split() == ["n", "3"]
    assert main(["query", "delete from injuries"]) == EXIT_USAGE
    assert "read-only" in capsys.readouterr().err.lower()
    # the pipeline database (with names) cannot be reached from an analyst query
    assert main(["query", f"attach '{settings.database}' as p"]) == EXIT_USAGE
    assert main(["query", "select * from read_csv('/etc/passwd')"]) == EXIT_USAGE


def test_generate_is_seeded(tmp_path, capsys):
    args = ["--teams", "2", "--athletes", "5", "--seasons", "1", "--end", "2026-06-30"]
    assert main(["generate", str(tmp_path / "a"), *args, "--seed", "4"]) == 0
    assert main(["generate", str(tmp_path / "b"), *args, "--seed", "4"]) == 0
    assert main(["generate", str(tmp_path / "c"), *args, "--seed", "5"]) == 0

    def contents(d: Path) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.suffix != ".xlsx"}

    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    assert contents(tmp_path / "a") != contents(tmp_path / "c")
    assert main(["generate", str(tmp_path / "d"), "--teams", "0"]) == EXIT_USAGE


def test_bad_settings_are_a_usage_error(monkeypatch, capsys):
    monkeypatch.setenv("SIDELINE_DAY_COUNT", "weeks")
    assert main(["run"]) == EXIT_USAGE
    assert "SIDELINE_DAY_COUNT" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_then_run_again_through_prefect(settings):
    env = os.environ.copy()
    demo = subprocess.run(
        [sys.executable, "-m", "sideline", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    head = re.search(
        r"(\d+) new file\(s\), (\d+) rows in: (\d+) loaded, (\d+) quarantined", demo.stdout
    )
    assert head, demo.stdout
    files, rows_in, loaded, quarantined = map(int, head.groups())
    assert files > 20 and rows_in == loaded + quarantined and quarantined > 0
    file_table = demo.stdout.split("analyst database:")[0]
    for line in file_table.splitlines():  # per file: in = loaded + quarantined
        cells = line.split()
        if line.startswith("  ") and cells[1] in ("injuries", "exposures", "imaging", "-"):
            assert int(cells[2]) == int(cells[3]) + int(cells[4]), line
    assert f"analyst database: {settings.analyst_database.resolve()}" in demo.stdout
    assert (settings.prefect_home / "prefect.db").exists(), "Prefect's home is under ours"
    assert "injuries per 1000 h" in demo.stdout
    assert re.search(r"high or above \(incl. suspected/diagnosed MO\): \d+ of \d+", demo.stdout)

    again = subprocess.run(
        [sys.executable, "-m", "sideline", "run", "--strict"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 new file(s), 0 rows in: 0 loaded, 0 quarantined" in again.stdout


def test_a_closed_progress_stream_does_not_stop_the_run(settings, put, monkeypatch):
    """`sideline run 2>&1 | head`: once the reader has gone, progress lines are dropped and the
    night goes on to its end."""
    from sideline.runner import Progress

    class Gone:
        def write(self, _: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stderr", Gone())
    progress = Progress()
    header = "team_id,athlete_id,date,activity,minutes\n"
    put("exposures_1.csv", header + "eagles,A1,2026-09-01,match,90\n")
    summary = nightly.run(settings, progress=progress, now=TODAY)
    assert summary.rows_loaded == 1 and progress.quiet
