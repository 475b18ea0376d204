"""Subsequent-injury classification (SURVEILLANCE.md; Fuller et al. 2007)."""

from __future__ import annotations

from datetime import date, time

from .models import build, table

D = date.fromisoformat

QUERY = """
select record_id, subsequent_class, previous_record_id, index_record_id, days_to_recurrence
from injuries order by injury_date, record_id
"""


def hamstring(record: str, day: str, back: str | None, **extra: object) -> dict[str, object]:
    return {
        "record_id": record,
        "injury_date": D(day),
        "return_date": D(back) if back else None,
        "body_region": "thigh",
        "tissue": "muscle_injury",
        "side": "left",
        **extra,
    }


def test_fuller_rugby_example_same_hamstring_three_weeks_after_return():
    con = build([hamstring("H1", "2026-01-10", "2026-02-01"), hamstring("H2", "2026-02-22", None)])
    assert table(con, QUERY) == [
        ("H1", "index", None, None, None),
        ("H2", "early_recurrence", "H1", "H1", 21),
    ]


def test_exacerbation_late_and_delayed_recurrence_and_chain_index():
    con = build(
        [
            hamstring("H1", "2024-01-10", "2024-01-31"),
            hamstring("H2", "2024-01-20", "2024-02-10"),  # before H1's return
            hamstring("H3", "2024-06-10", "2024-06-30"),  # 4 months after H2's return
            hamstring("H4", "2025-09-01", "2025-09-10"),  # 14 months after H3's return
        ]
    )
    assert table(con, QUERY) == [
        ("H1", "index", None, None, None),
        ("H2", "exacerbation", "H1", "H1", None),
        ("H3", "late_recurrence", "H2", "H1", 121),
        ("H4", "delayed_recurrence", "H3", "H1", 428),
    ]


def test_boundaries_return_day_and_two_months():
    con = build(
        [
            hamstring("A", "2026-01-01", "2026-01-10"),
            hamstring("B", "2026-01-10", "2026-01-20"),  # on A's return day: after return
            hamstring("C", "2026-03-20", "2026-03-25"),  # exactly 2 months after B's return
            hamstring("D", "2026-05-26", None),  # 2 months and a day after C's return
        ]
    )
    assert [r[:2] for r in table(con, QUERY)] == [
        ("A", "index"),
        ("B", "early_recurrence"),
        ("C", "early_recurrence"),
        ("D", "late_recurrence"),
    ]


def test_local_new_other_side_other_athlete_and_same_event():
    con = build(
        [
            hamstring("H1", "2026-01-10", "2026-02-01"),
            hamstring("R1", "2026-03-01", "2026-03-05", side="right"),  # other thigh: not same
            hamstring("C1", "2026-04-01", "2026-04-05", tissue="muscle_contusion"),
            {
                "record_id": "K1",
                "injury_date": D("2026-05-01"),
                "body_region": "knee",
                "tissue": "ligament",
            },
            hamstring("X1", "2026-05-02", None, athlete_id="B2"),  # another athlete's first
            # two diagnoses of one event: neither is earlier than the other
            {
                "record_id": "E1",
                "athlete_id": "B3",
                "injury_date": D("2026-06-01"),
                "injury_time": time(15, 0),
                "body_region": "ankle",
                "tissue": "ligament",
            },
            {
                "record_id": "E2",
                "athlete_id": "B3",
                "injury_date": D("2026-06-01"),
                "injury_time": time(15, 0),
                "body_region": "ankle",
                "tissue": "fracture",
            },
        ]
    )
    assert [r[:3] for r in table(con, QUERY)] == [
        ("H1", "index", None),
        ("R1", "new", None),
        ("C1", "local", None),  # left thigh again, other tissue
        ("K1", "new", None),
        ("X1", "index", None),
        ("E1", "index", None),
        ("E2", "index", None),
    ]


def test_unknown_region_or_tissue_never_makes_a_recurrence():
    con = build(
        [
            {
                "record_id": "U1",
                "injury_date": D("2026-01-01"),
                "return_date": D("2026-01-05"),
                "body_region": "unknown",
                "tissue": "unknown",
            },
            {
                "record_id": "U2",
                "injury_date": D("2026-01-20"),
                "body_region": "unknown",
                "tissue": "unknown",
            },
        ]
    )
    assert [r[:2] for r in table(con, QUERY)] == [("U1", "index"), ("U2", "new")]
