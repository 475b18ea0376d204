"""The read stage: formats, encodings, headers, table detection and files that cannot be read."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sideline.flows.read import detect_table, read_file

from sideline.catalogue import EXPOSURES

HEADER = "team_id,athlete_id,date,activity,minutes"


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_scenario_csv_keeps_quotes_commas_newlines_and_markup():
    staged = read_file(Path(__file__).parent / "scenarios" / "injuries_valid.csv")
    assert staged.table is not None and staged.table.name == "injuries"
    assert staged.failures == [] and staged.file_failure is None
    # rows are the lines where records begin: row 2's quoted newline puts row 3 on line 4
    assert list(staged.frame["__row"]) == [2, 4, 5]
    assert staged.frame.loc[0, "notes"] == 'Knee to thigh, "dead leg"\niced in flexion'
    assert staged.frame.loc[1, "notes"] == "<script>alert(1)</script>"
    assert staged.frame.loc[2, "athlete_name"] is None  # empty is missing, never ""


def test_header_names_match_case_spaces_and_dashes(tmp_path):
    path = write(
        tmp_path,
        "export.csv",
        " Team ID,Athlete-ID,DATE,Activity,Minutes\neagles,A1,2026-01-02,match,90\n",
    )
    staged = read_file(path)
    assert staged.table is EXPOSURES
    assert staged.frame.loc[0, ["team_id", "athlete_id", "minutes"]].tolist() == [
        "eagles",
        "A1",
        "90",
    ]


def test_extra_columns_are_kept_as_json(tmp_path):
    path = write(
        tmp_path,
        "x.csv",
        HEADER + ",Session Type,gps_load\neagles,A1,2026-01-02,training,60,drills,\n",
    )
    staged = read_file(path)
    assert json.loads(staged.frame.loc[0, "__extra"]) == {"session_type": "drills"}


def test_utf8_bom_semicolons_and_windows_1252(tmp_path):
    bom = write(
        tmp_path,
        "a.csv",
        b"\xef\xbb\xbf"
        + (HEADER.replace(",", ";") + "\r\neagles;A1;2026-01-02;match;60,5\r\n").encode(),
    )
    staged = read_file(bom)
    assert staged.delimiter == ";" and staged.frame.loc[0, "team_id"] == "eagles"
    text = (
        "record_id,team_id,athlete_id,athlete_name,injury_date,activity,body_region,tissue,"
        "mechanism\nR1,t,A1,Raúl Peña,2026-01-02,match,thigh,muscle_contusion,direct_contact\n"
    )
    cp = write(tmp_path, "b.csv", text.encode("cp1252"))
    assert read_file(cp).frame.loc[0, "athlete_name"] == "Raúl Peña"


def test_json_lines_and_a_broken_line(tmp_path):
    lines = [
        json.dumps(
            {
                "team_id": "eagles",
                "athlete_id": "A1",
                "date": "2026-01-02",
                "activity": "match",
                "minutes": 90,
            }
        ),
        "{not json",
        json.dumps(
            {
                "team_id": "eagles",
                "athlete_id": "A2",
                "date": "2026-01-02",
                "activity": "match",
                "minutes": 45.5,
            }
        ),
    ]
    staged = read_file(write(tmp_path, "exposures.jsonl", "\n".join(lines) + "\n"))
    assert staged.frame["minutes"].tolist() == ["90", "45.5"]
    assert [(f.row, f.rule) for f in staged.failures] == [(2, "json")]
    assert staged.rows_in == 3


def test_xlsx_first_sheet(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Team ID", "Athlete ID", "Date", "Activity", "Minutes"])
    sheet.append(["eagles", "A1", date(2026, 1, 2), "match", 90.0])
    book.create_sheet("ignored").append(["nothing"])
    path = tmp_path / "exposures.xlsx"
    book.save(path)
    staged = read_file(path)
    assert staged.frame.loc[0, ["date", "minutes"]].tolist() == ["2026-01-02", "90"]
    assert staged.frame.loc[0, "__row"] == 2


def test_row_with_wrong_field_count_is_a_row_failure(tmp_path):
    staged = read_file(
        write(
            tmp_path,
            "e.csv",
            HEADER + "\neagles,A1,2026-01-02,match,90,extra\neagles,A2,2026-01-02,match,90\n",
        )
    )
    assert [(f.row, f.rule) for f in staged.failures] == [(2, "field_count")]
    assert staged.failures[0].record == {
        "team_id": "eagles",
        "athlete_id": "A1",
        "date": "2026-01-02",
        "activity": "match",
        "minutes": "90",
        "__overflow": ["extra"],
    }
    assert staged.failures[0].raw_value is None  # fields not matched to columns show no cell
    assert len(staged.frame) == 1 and staged.rows_in == 2


@pytest.mark.parametrize(
    ("name", "data", "rule"),
    [
        ("injuries_empty.csv", b"", "empty_file"),
        ("blank.csv", b"\r\n\r\n", "empty_file"),
        ("scan.pdf", b"%PDF-1.4\x00\x01\x02", "binary_file"),
        ("utf16.csv", "team_id,athlete_id\n".encode("utf-16"), "binary_file"),
        ("exposures_header.csv", (HEADER + "\n").encode(), "header_only"),
        (
            "tabs.csv",
            HEADER.replace(",", "\t").encode() + b"\neagles\tA1\t2026-01-02\tmatch\t90\n",
            "unknown_table",
        ),
        ("roster.csv", b"player,shirt\nAna,12\n", "unknown_table"),
        ("exposures_x.csv", b"team_id,athlete_id,date\neagles,A1,2026-01-02\n", "missing_column"),
        ("dup.csv", b"team_id,Team ID,athlete_id,date,activity,minutes\n", "duplicate_header"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "xlsx"),
    ],
)
def test_unreadable_files_are_rejected_whole_with_a_reason(tmp_path, name, data, rule):
    staged = read_file(write(tmp_path, name, data))
    assert staged.file_failure is not None
    assert (staged.file_failure.file, staged.file_failure.row, staged.file_failure.rule) == (
        name,
        None,
        rule,
    )
    assert staged.file_failure.message


def test_table_from_name_prefix_or_columns():
    assert (
        detect_table(
            "imaging_2026.csv", ["record_id", "team_id", "athlete_id", "exam_date", "modality"]
        ).name
        == "imaging"
    )
    assert (
        detect_table("anything.csv", ["team_id", "athlete_id", "date", "activity", "minutes"]).name
        == "exposures"
    )
