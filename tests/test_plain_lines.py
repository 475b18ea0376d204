"""Plain CSV files (ASCII, no quote character) are split and trimmed in the staging database,
not by the csv module. For every file, plain or not, staging it that way must give exactly the
rows, failures and rejections of the csv reader's path: the same text, parse, row numbers and
format, whatever the file holds."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from sideline.flows.read import Staged, read_file
from sideline.flows.stage import LINES_AT_ONCE, Staging

from sideline.catalogue import TABLES
from sideline.generate import Plan, generate

from .conftest import SCENARIOS, TODAY

TZ = ZoneInfo("Europe/London")
EXPOSURES = "team_id,athlete_id,date,activity,minutes,period_end,session_id"
INJURIES = (
    "record_id,team_id,athlete_id,injury_date,injury_time,activity,body_region,tissue,"
    "mechanism,first_treatment_at,knee_flexion_deg,knee_effusion,return_date"
)

# plain files: each is split in SQL, and must read as the csv module reads it
PLAIN: dict[str, bytes] = {
    "exposures_blank_lines.csv": (
        f"\n\n{EXPOSURES}\n"
        "eagles,A1,2026-01-02,training,60,,S1\n"
        "\n"
        ",,,,,,\n"  # only delimiters: no record
        " , \t ,\x0b,,,,\n"  # only delimiters and whitespace: no record
        "eagles,A2,2026-01-02,match,90,,S2\n"
        "\n"
    ).encode(),
    "exposures_widths.csv": (
        f"{EXPOSURES}\r\n"
        "eagles,A1,2026-01-02,training,60,,S1\r\n"
        "eagles,A1,2026-01-03,training\r\n"  # too few fields
        "eagles,A1,2026-01-04,training,60,,S3,extra,more\r\n"  # too many
        "eagles,A1,2026-01-05,training,61,,S4"  # no line break at the end
    ).encode(),
    "exposures_spaces.csv": (
        b" Team ID ,Athlete-ID,DATE,Activity,Minutes,period end,session_id\n"
        b"  eagles ,\tA1\x1f,2026-01-02 , Training ,\x0c60\x1c,,\x1eS1 \n"
        b"eagles,A\x01B,2026-01-03,Match,abc, ,  \n"  # a control character in an id
        b"eagles, ,2026-13-03,rest,-1,2026-01-01,S3\n"
    ),
    "exposures_semicolons.csv": (
        b"team_id;athlete_id;date;activity;minutes;period_end;session_id\n"
        b"eagles;A1;25/12/2025;training;45,5;;S1\n"  # day first: 25 cannot be a month
        b"eagles;A1;03/01/2026;period;300;09/01/2026;\n"
        b"eagles;A1;2026-01-10;match;1e2;;S3\n"
    ),
    "exposures_ambiguous.csv": (
        f"{EXPOSURES}\n"
        "eagles,A1,03/04/2026,training,60,,S1\n"  # no day above 12: ambiguous, so it fails
        "eagles,A1,2026-04-03,training,60.25,2026-04-09,S2\n"
    ).encode(),
    "injuries_plain.csv": (
        f"{INJURIES}\n"
        "R1,eagles,A1,2026-01-02,14:30,match,thigh,muscle,contact,2026-01-02T15:00:00+01:00,95,"
        "yes,\n"
        "R2,eagles,A2,2026-01-03,,Training,THIGH,Muscle,Contact,2026-01-03 09:15,,unknown,"
        "2026-01-20\n"
        "R3,eagles,A3,2026-01-04,25:99,x,t,bone,non-contact,2026-01-04Z,12.5,maybe,2026-01-01\n"
    ).encode(),
}

# files the csv module must read (quotes, non-ASCII, lone carriage returns, extra columns)
NOT_PLAIN: dict[str, bytes] = {
    "exposures_quoted.csv": (f'{EXPOSURES}\n"eagles","A1",2026-01-02,training,"60",,S1\n').encode(),
    "exposures_cp1252.csv": f"{EXPOSURES}\neagles,Ra\xfal,2026-01-02,training,60,,S1\n".encode(
        "cp1252"
    ),
    "exposures_cr.csv": f"{EXPOSURES}\reagles,A1,2026-01-02,training,60,,S1\r".encode(),
    "exposures_extra.csv": (
        f"{EXPOSURES},gps_load\neagles,A1,2026-01-02,training,60,,S1,412\n"
    ).encode(),
}

REJECTED: dict[str, bytes] = {
    "exposures_header_only.csv": f"\n{EXPOSURES}\n\n,,,\n".encode(),
    "exposures_blank.csv": b"\n ,, \n",
    "exposures_duplicate_header.csv": b"team_id,team_id,date\neagles,eagles,2026-01-02\n",
    "notes.csv": b"a,b\n1,2\n",
}


def stage(paths: list[Path], folder: Path, *, lines: bool) -> tuple[list[Staged], dict]:
    """Each file read and staged one way; the staged relations, without the run's ids."""
    staging = Staging(duckdb.connect())
    staged = []
    for path in paths:
        s = read_file(path, lines=lines)
        staged.append(s)
        staging.append(s, TZ)
    staging.finish(TZ)
    con = staging.cursor()
    try:
        relations = {
            name: con.execute(
                f"select * exclude (__id) from {name} order by __file, __row"  # noqa: S608
            ).fetchall()
            for name in TABLES
        }
    finally:
        con.close()
    staging.remove()
    return staged, relations


def summary(s: Staged) -> tuple[object, ...]:
    return (s.file, s.sha256, s.table, s.rows, s.rows_in, s.failures, s.file_failure)


def same_either_way(paths: list[Path], folder: Path) -> list[Staged]:
    by_lines, split_in_sql = stage(paths, folder, lines=True)
    by_csv, read_by_csv = stage(paths, folder, lines=False)
    assert [summary(s) for s in by_lines] == [summary(s) for s in by_csv]
    for name in TABLES:
        assert split_in_sql[name] == read_by_csv[name], name
    return by_lines


def write_all(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def test_plain_files_split_in_sql_read_as_the_csv_module_reads_them(tmp_path, monkeypatch):
    paths = write_all(tmp_path / "inbox", PLAIN)
    for path in paths:
        staged = read_file(path, lines=True)
        assert staged.lines is not None and staged.frame.empty, path.name
    staged = same_either_way(paths, tmp_path)
    by_name = {s.file: s for s in staged}
    assert by_name["exposures_blank_lines.csv"].rows == 2
    assert [(f.row, f.rule) for f in by_name["exposures_widths.csv"].failures] == [
        (3, "field_count"),
        (4, "field_count"),
    ]
    assert by_name["exposures_widths.csv"].failures[1].record["__overflow"] == ["extra", "more"]
    # a batch that fills up is split before the run's end: the same rows either way
    monkeypatch.setattr("sideline.flows.stage.LINES_AT_ONCE", 3)
    assert LINES_AT_ONCE > 3
    same_either_way(paths, tmp_path)


def test_files_that_are_not_plain_go_through_the_csv_module(tmp_path):
    paths = write_all(tmp_path / "inbox", NOT_PLAIN)
    for path in paths:
        assert read_file(path, lines=True).lines is None, path.name
    same_either_way(paths, tmp_path)


def test_rejected_files_are_rejected_alike(tmp_path):
    paths = write_all(tmp_path / "inbox", REJECTED)
    staged = same_either_way(paths, tmp_path)
    assert [s.file_failure.rule for s in staged if s.file_failure] == [
        "header_only",
        "empty_file",
        "duplicate_header",
        "unknown_table",
    ]


def test_the_scenarios_and_a_generated_inbox_stage_alike(tmp_path):
    scenarios = sorted(p for p in SCENARIOS.rglob("*") if p.is_file())
    inbox = tmp_path / "generated"
    # a fixed day: what the generator writes (and so which files are plain) follows its end
    generate(inbox, Plan(2, 6, 2, seed=3, end=TODAY.date()))
    generated = sorted(p for p in inbox.iterdir() if p.is_file())
    staged = same_either_way(scenarios + generated, tmp_path)
    # the bulk of a league's rows, team exposure exports (no free text), take the plain path
    exports = [p for p in generated if p.name.startswith("exposures_") and "_20" in p.name]
    assert exports
    assert all(read_file(p, lines=True).lines is not None for p in exports)
    assert sum(s.rows for s in staged) > 1000


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_delimiter_inside_whitespace_only_lines_is_no_record(tmp_path, delimiter):
    header = EXPOSURES.replace(",", delimiter)
    body = delimiter.join(["eagles", "A1", "2026-01-02", "training", "60", "", "S1"])
    text = f"{header}\n{delimiter * 6}\n \t{delimiter}\n{body}\n"
    paths = write_all(tmp_path / "inbox", {"exposures_x.csv": text.encode()})
    (staged,) = same_either_way(paths, tmp_path)
    assert staged.rows == 1 and staged.failures == []
