"""Every rule of the suites, each shown by a scenario file of a few rows (tests/scenarios/rules).

Each case lists exactly the (row, column, rule) failures the file must give and the rows that
must load; a rule that stops firing, or fires where it should not, fails the test.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from sideline.flows.read import Staged, read_file
from sideline.flows.stage import Staging
from sideline.flows.validate import Validated, validate_files

from sideline.catalogue import TABLES
from sideline.db import migrate
from sideline.settings import Settings

from .conftest import TODAY

RULES = Path(__file__).parent / "scenarios" / "rules"

CASES = {
    "injuries_required.csv": (
        [2],
        {
            (3, "athlete_id", "required"),
            *(
                (4, c, "required")
                for c in (
                    "team_id",
                    "injury_date",
                    "activity",
                    "body_region",
                    "tissue",
                    "mechanism",
                )
            ),
        },
    ),
    "injuries_types.csv": (
        [],
        {
            (2, "injury_date", "type_date"),
            (2, "injury_time", "type_time"),
            (2, "time_loss_start", "type_date"),
            (2, "first_treatment_at", "type_timestamp"),
            (2, "knee_flexion_deg", "type_integer"),
            (2, "knee_effusion", "type_boolean"),
            (3, "injury_date", "type_date"),  # 30 February
            (3, "knee_flexion_deg", "type_integer"),  # 45.5 is not whole
        },
    ),
    "injuries_enums.csv": (
        [3, 4],  # case, spaces, dashes, region letters and `unknown` are all accepted
        {
            (2, c, "enum")
            for c in ("activity", "body_region", "side", "tissue", "mechanism", "contusion_grade")
        },
    ),
    "injuries_flexion_range.csv": (
        [4, 5],  # 0 and 160 are the bounds
        {(2, "knee_flexion_deg", "range"), (3, "knee_flexion_deg", "range")},
    ),
    "injuries_future.csv": (
        [4],
        {
            (2, "injury_date", "not_future"),
            (3, "return_date", "not_future"),
            (3, "first_treatment_at", "not_future"),
        },
    ),
    "injuries_order.csv": (
        [5],  # same-day time loss, return and a treatment time on the incident day are fine
        {
            (2, "time_loss_start", "order"),
            (2, "return_date", "order"),  # before injury_date and before time_loss_start
            (3, "return_date", "order"),
            (4, "first_treatment_at", "order"),  # 14:59, incident at 15:00
        },
    ),
    "injuries_duplicate_keys.csv": (
        [4, 5],  # record ids are case-sensitive
        {(2, "team_id+record_id", "unique_key"), (3, "team_id+record_id", "unique_key")},
    ),
    "injuries_dayfirst.csv": ([2], set()),
    "injuries_ambiguous_dates.csv": (
        [],
        {(2, "injury_date", "type_date"), (2, "return_date", "type_date")},
    ),
    "exposures_rules.csv": (
        [],
        {
            (2, "minutes", "range"),
            (3, "minutes", "range"),
            (4, "minutes", "type_number"),
            (5, "activity", "enum"),
            (6, None, "field_count"),  # 1,440 in a comma file is two fields
            (7, "minutes", "required"),
        },
    ),
    "exposures_period.csv": (
        [2, 5],  # a season total over its days; one session at the 1440 bound
        {(3, "minutes", "range"), (4, "period_end", "order")},
    ),
    "exposures_decimal_comma.csv": ([2], {(3, "minutes", "type_number")}),
    "imaging_rules.csv": (
        [2],
        {
            (3, "injury_record_id", "references_injury"),
            (4, "injury_record_id", "references_injury"),  # R1 is eagles', not rovers'
            (5, "modality", "enum"),
            (5, "echogenicity", "enum"),
            (5, "calcification", "enum"),
            (5, "lesion_layer", "enum"),
            (5, "lesion_size_mm", "range"),
        },
    ),
}


@pytest.fixture(scope="module")
def database() -> duckdb.DuckDBPyConnection:
    """A schema with one stored injury, eagles R1, for imaging rows to refer to."""
    con = duckdb.connect()
    migrate(con)
    con.execute(
        "insert into injuries_history (record_key, version, row_hash, run_id, source_file,"
        " source_row, loaded_at, record_id, team_id, athlete_id, injury_date, activity,"
        " body_region, tissue, mechanism) values ('eagles\x1fR1', 1, 0, 'r', 'f', 2, now(),"
        " 'R1', 'eagles', 'A1', '2026-09-06', 'match', 'thigh', 'muscle_contusion',"
        " 'direct_contact')"
    )
    assert con.execute("select team_id, record_id from injuries_latest").fetchall() == [
        ("eagles", "R1")
    ]
    return con


def check(
    staged: list[Staged], con: duckdb.DuckDBPyConnection, now: datetime, folder: Path
) -> tuple[Validated, list[int]]:
    """Stage and validate files as a run does; the failures, and the rows (by row number) that
    would load."""
    settings = Settings(home=folder, timezone="UTC")
    staging = Staging(con)
    try:
        for s in staged:
            staging.append(s, settings.tz)
        staging.finish(settings.tz)
        result = validate_files(staged, staging, con, now)
        loading = [
            row
            for name in TABLES
            for (row,) in con.execute(
                f"select __row from staging.{name} where __id not in "  # noqa: S608
                "(select __id from staging.failed where table_name = ?)",
                [name],
            ).fetchall()
        ]
    finally:
        staging.remove()
    return result, sorted(loading)


def test_every_scenario_file_is_covered():
    assert sorted(p.name for p in RULES.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_scenario(name: str, database: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    loaded_rows, expected = CASES[name]
    staged = read_file(RULES / name)
    assert staged.file_failure is None
    result, loading = check([staged], database, TODAY, tmp_path)
    got = {(f.row, f.column, f.rule) for f in result.failures}
    assert got == expected
    assert loading == loaded_rows
    for f in result.failures:  # every failure names file, row, rule and says why
        assert f.file == name and f.row is not None and f.message
        assert f.record is not None, "the whole row is kept with its failure"


def test_dates_are_judged_against_the_teams_today(tmp_path: Path) -> None:
    staged = read_file(RULES / "injuries_future.csv")
    con = duckdb.connect()
    migrate(con)
    later, _ = check([staged], con, datetime(2027, 1, 1), tmp_path)
    assert later.failures == []


def test_ambiguous_date_message_says_what_to_do(
    database: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    staged = read_file(RULES / "injuries_ambiguous_dates.csv")
    result, _ = check([staged], database, TODAY, tmp_path)
    assert all("YYYY-MM-DD" in f.message for f in result.failures)
