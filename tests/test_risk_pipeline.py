"""Risk factors derived from stored data, mo_risk rows, reminder status and re-scoring."""

from __future__ import annotations

from datetime import date, datetime, time

from .models import build, table

D = date.fromisoformat


def contusion(record: str, day: str, **extra: object) -> dict[str, object]:
    return {
        "record_id": record,
        "injury_date": D(day),
        "injury_time": time(15, 0),
        "body_region": "thigh",
        "tissue": "muscle_contusion",
        "mechanism": "direct_contact",
        "side": "left",
        "sport": "soccer",
        "knee_flexion_deg": 130,
        "knee_effusion": False,
        "first_treatment_at": datetime.fromisoformat(f"{day} 15:10"),
        **extra,
    }


RISK = """select record_id, reinjury, tier, score, incomplete from mo_risk order by record_id"""


def test_only_thigh_muscle_contusions_are_scored():
    con = build(
        [
            contusion("C1", "2026-09-06"),
            {
                "record_id": "HAM",
                "injury_date": D("2026-09-07"),
                "body_region": "thigh",
                "tissue": "muscle_injury",
            },
            {
                "record_id": "SHIN",
                "injury_date": D("2026-09-08"),
                "body_region": "lower_leg",
                "tissue": "muscle_contusion",
            },
            {  # an illness recorded by mistake in the injury export: never scored
                "record_id": "FLU",
                "injury_date": D("2026-09-10"),
                "body_region": "region_unspecified",
                "tissue": "non_specific",
                "mechanism": "unknown",
                "notes": "influenza",
            },
            {
                "record_id": "MO",
                "injury_date": D("2026-09-09"),
                "body_region": "thigh",
                "tissue": "unknown",
                "osiics_code": "THM",
            },
        ]
    )
    assert [r[0] for r in table(con, RISK)] == ["C1", "MO"]
    assert table(con, "select tier from mo_risk where record_id = 'MO'") == [("diagnosed_mo",)]


def test_reinjury_same_thigh_other_thigh_and_unrecorded_side():
    con = build(
        [
            contusion("L1", "2026-01-10", return_date=D("2026-02-01")),
            contusion("L2", "2026-01-20"),  # before L1's return: exacerbation
            contusion("R1", "2026-03-01", side="right"),  # the other thigh: not a re-injury
            contusion("L3", "2026-06-01"),  # within 12 months of L1's return: recurrence
            contusion("N1", "2026-07-01", side=None),  # side not recorded: unknown
        ]
    )
    assert table(con, RISK) == [
        ("L1", "absent", "low", 0, False),
        ("L2", "present", "moderate", 3, False),
        ("L3", "present", "moderate", 3, False),  # L2 is still open: exacerbation of it
        ("N1", "unknown", "low", 0, True),
        ("R1", "absent", "low", 0, False),
    ]


def test_delayed_treatment_from_stored_times():
    con = build(
        [
            contusion("ON72", "2026-09-06", first_treatment_at=datetime(2026, 9, 9, 15, 0)),
            contusion("OVER72", "2026-09-06", first_treatment_at=datetime(2026, 9, 9, 15, 1)),
            contusion(
                "NOTIME",
                "2026-09-06",
                injury_time=None,
                first_treatment_at=datetime(2026, 9, 9, 23, 59),
            ),
        ]
    )
    assert table(con, "select record_id, delayed_treatment from mo_risk order by 1") == [
        ("NOTIME", "absent"),
        ("ON72", "absent"),
        ("OVER72", "present"),
    ]


def test_mo_risk_row_reasons_and_reminder_status():
    con = build(
        [
            contusion(
                "C1",
                "2026-11-20",
                knee_flexion_deg=None,
                sport="american_football",
                knee_effusion=None,
            )
        ],
        as_of=D("2026-11-25"),
    )
    row = table(
        con,
        """
        select team_id, record_id, athlete_id, deep_contusion, reinjury, delayed_treatment,
               knee_effusion, collision_sport, incomplete, score, tier, tier_max,
               atypical_imaging, days_since_incident, missing_fields
        from mo_risk""",
    )
    assert row == [
        (
            "eagles",
            "C1",
            "A1",
            "unknown",
            "absent",
            "absent",
            "unknown",
            "present",
            True,
            1,
            "low",
            "high",
            False,
            5,
            ["knee_flexion_deg (active flexion at 12-48 h) or contusion_grade", "knee_effusion"],
        )
    ]
    reminders = {
        r[0]: r[1:]
        for r in table(
            con,
            """
        select r.rule, r.due_from, r.due_by, r.status
        from (select unnest(reminders) as r from mo_risk)""",
        )
    }
    assert reminders == {
        "acute_care": (D("2026-11-20"), D("2026-11-21"), "elapsed"),
        "measure_flexion": (D("2026-11-21"), D("2026-11-22"), "overdue"),
        "record_missing": (D("2026-11-20"), D("2026-11-22"), "overdue"),
    }


def test_rescored_only_when_inputs_change_and_imaging_rescores():
    con = build(
        [contusion("C1", "2026-09-06"), contusion("C2", "2026-09-06", athlete_id="A2")],
        run_id="run-1",
    )
    assert table(con, "select record_id, tier, scored_run_id from mo_risk order by 1") == [
        ("C1", "low", "run-1"),
        ("C2", "low", "run-1"),
    ]
    # a later run with a new ultrasound of C1 re-scores C1 only
    build(
        imaging=[
            {
                "record_id": "US1",
                "injury_record_id": "C1",
                "exam_date": D("2026-09-22"),
                "echogenicity": "hypoechoic",
                "calcification": "peripheral",
                "lesion_layer": "intramuscular",
            }
        ],
        run_id="run-2",
        con=con,
    )
    assert table(con, "select record_id, tier, scored_run_id from mo_risk order by 1") == [
        ("C1", "suspected_mo", "run-2"),
        ("C2", "low", "run-1"),
    ]


def test_a_correction_that_removes_a_factor_lowers_the_score():
    con = build([contusion("C1", "2026-09-06", knee_effusion=True)], run_id="run-1")
    assert table(con, "select knee_effusion, score from mo_risk") == [("present", 1)]
    build([contusion("C1", "2026-09-06", knee_effusion=False)], run_id="run-2", con=con)
    assert table(con, "select knee_effusion, score, scored_run_id from mo_risk") == [
        ("absent", 0, "run-2")
    ]


def test_analyst_types_and_mo_risk_columns():
    con = build([contusion("C1", "2026-11-20", osiics_code="THQ")])
    types = dict(con.execute("select column_name, column_type from (describe injuries)").fetchall())
    assert types["days_lost"] == "INTEGER"
    rates = dict(
        con.execute("select column_name, column_type from (describe injury_rates)").fetchall()
    )
    assert rates["days_lost"] == "BIGINT"
    assert con.execute("select side, osiics_code from mo_risk").fetchall() == [("left", "THQ")]
