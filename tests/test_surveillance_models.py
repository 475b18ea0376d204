"""Each remaining surveillance model built from a few scenario rows, asserted row by row."""

from __future__ import annotations

from datetime import date, time

import pytest

from .models import build, table

D = date.fromisoformat


def test_events_count_once_with_the_most_severe_diagnosis():
    con = build(
        [
            {
                "record_id": "E1",
                "injury_date": D("2026-09-06"),
                "injury_time": time(15),
                "return_date": D("2026-09-10"),
                "body_region": "knee",
                "tissue": "ligament",
            },
            {
                "record_id": "E2",
                "injury_date": D("2026-09-06"),
                "injury_time": time(15),
                "return_date": D("2026-09-30"),
                "body_region": "knee",
                "tissue": "cartilage",
            },
            {
                "record_id": "T1",
                "athlete_id": "A2",
                "injury_date": D("2026-09-06"),
                "activity": "training",
                "return_date": D("2026-09-09"),
            },
        ],
        [
            {"date": D("2026-09-05"), "activity": "training", "minutes": 600},
            {"date": D("2026-09-06"), "activity": "match", "minutes": 1200},
        ],
    )
    assert table(
        con,
        """
        select team_id, season, injuries, exposure_hours, incidence_per_1000h, days_lost,
               burden_per_1000h, match_incidence_per_1000h, training_incidence_per_1000h,
               reinjury_share
        from injury_rates where team_id = 'eagles' and season = '2026/2027'""",
    ) == [
        (
            "eagles",
            "2026/2027",
            2,
            30.0,
            2 / 30 * 1000,
            23 + 2,
            25 / 30 * 1000,
            1 / 20 * 1000,
            1 / 10 * 1000,
            0.0,
        ),
    ]
    rates = "select team_id, all_teams, season, injuries from injury_rates order by all"
    assert table(con, rates) == [
        ("eagles", False, "2026/2027", 2),
        ("eagles", False, "all", 2),
        (None, True, "2026/2027", 2),
        (None, True, "all", 2),
    ]


def test_rates_by_category_use_diagnoses_and_activity_hours():
    con = build(
        [
            {
                "record_id": "K1",
                "injury_date": D("2026-09-06"),
                "return_date": D("2026-09-10"),
                "body_region": "knee",
                "tissue": "ligament",
            },
            {
                "record_id": "K2",
                "athlete_id": "A2",
                "injury_date": D("2026-09-07"),
                "return_date": D("2026-09-08"),
                "activity": "training",
                "body_region": "knee",
                "tissue": "ligament",
            },
        ],
        [
            {"date": D("2026-09-06"), "activity": "match", "minutes": 600},
            {"date": D("2026-09-07"), "activity": "training", "minutes": 1200},
        ],
    )
    got = table(
        con,
        """
        select dimension, category, injuries, days_lost, exposure_hours, incidence_per_1000h
        from injury_rates_by_category where team_id = 'eagles' and season = 'all'
        order by dimension, category""",
    )
    assert got == [
        ("activity", "match", 1, 3, 10.0, 100.0),
        ("activity", "training", 1, 0, 20.0, 50.0),
        ("body_region", "knee", 2, 3, 30.0, 2 / 30 * 1000),
        ("mechanism", "non_contact", 2, 3, 30.0, 2 / 30 * 1000),
        ("tissue", "ligament", 2, 3, 30.0, 2 / 30 * 1000),
    ]


def test_period_prevalence_by_month_and_season():
    con = build(
        [{"record_id": "I1", "injury_date": D("2026-08-25"), "return_date": D("2026-09-10")}],
        [
            {"athlete_id": "A1", "date": D("2026-08-01"), "minutes": 60},
            {"athlete_id": "A2", "date": D("2026-08-01"), "minutes": 60},
            {"athlete_id": "A3", "date": D("2026-10-01"), "minutes": 60},
            {"athlete_id": "A4", "date": D("2026-10-02"), "minutes": 60},
        ],
    )
    assert table(
        con,
        """
        select period, period_label, period_start, period_end, athletes, injured_athletes,
               prevalence
        from injury_prevalence order by period, period_start""",
    ) == [
        ("month", "2026-08", D("2026-08-01"), D("2026-08-31"), 4, 1, 0.25),
        ("month", "2026-10", D("2026-10-01"), D("2026-10-31"), 4, 0, 0.0),
        ("season", "2026/2027", D("2026-08-01"), D("2026-10-31"), 4, 1, 0.25),
    ]


def test_osiics_code_fills_unknown_region_and_tissue_and_unknown_codes_are_reported():
    con = build(
        [
            {
                "record_id": "Q",
                "injury_date": D("2026-09-06"),
                "return_date": D("2026-09-20"),
                "body_region": "unknown",
                "tissue": "unknown",
                "osiics_code": "thq",
            },
            {
                "record_id": "K",
                "injury_date": D("2026-09-07"),
                "return_date": D("2026-09-20"),
                "body_region": "knee",
                "tissue": "ligament",
                "osiics_code": "KLX",
            },
            {
                "record_id": "Z",
                "injury_date": D("2026-09-08"),
                "return_date": D("2026-09-20"),
                "body_region": "unknown",
                "tissue": "unknown",
                "osiics_code": "ZZZ",
            },
        ],
        [{"date": D("2026-09-01"), "period_end": D("2026-09-30"), "minutes": 6000}],
    )
    assert table(
        con, "select record_id, body_region, tissue, is_filled_from_code from injuries order by 1"
    ) == [
        ("K", "knee", "ligament", False),
        ("Q", "thigh", "muscle_contusion", True),
        ("Z", "unknown", "unknown", False),  # never guessed
    ]
    assert table(
        con,
        "select record_id, detail from data_completeness where check_name = "
        "'osiics_code_unknown' order by 1",
    ) == [
        ("K", "OSIICS code KLX is not in the reference tables"),
        ("Z", "OSIICS code ZZZ is not in the reference tables"),
    ]


def test_data_completeness_findings():
    con = build(
        [
            {
                "record_id": "NOEXP",
                "athlete_id": "GHOST",
                "injury_date": D("2026-09-06"),
                "return_date": D("2026-09-08"),
            },
            {
                "record_id": "OUTSIDE",
                "injury_date": D("2026-03-01"),
                "return_date": D("2026-03-02"),
            },
            {"record_id": "OPEN", "injury_date": D("2026-09-10")},
            {
                "record_id": "MO",
                "injury_date": D("2026-09-12"),
                "return_date": D("2026-09-20"),
                "tissue": "muscle_contusion",
                "sport": "soccer",
                "knee_effusion": False,
                "contusion_grade": "unknown",
            },
        ],
        [{"date": D("2026-09-01"), "period_end": D("2026-09-30"), "minutes": 6000}],
        as_of=D("2026-12-20"),
    )
    assert table(
        con,
        "select record_id, check_name, detail from data_completeness order by record_id, detail",
    ) == [
        (
            "MO",
            "risk_field_missing",
            "knee flexion within 7 days (or a contusion grade) not recorded",
        ),
        ("MO", "risk_field_missing", "time of first treatment not recorded"),
        ("NOEXP", "injury_without_exposure", "the athlete has no exposure rows"),
        ("OPEN", "return_date_missing", "no return date 101 days after the injury"),
        (
            "OUTSIDE",
            "injury_outside_exposure_period",
            "injury on 2026-03-01, exposures from 2026-09-01 to 2026-09-30",
        ),
    ]


@pytest.mark.parametrize("name", ["ioc_body_region", "ioc_tissue"])
def test_reference_tables_match_the_catalogue(name):
    from sideline.catalogue import BODY_REGION, BODY_REGION_LETTERS, TISSUE

    con = build()
    if name == "ioc_body_region":
        got = table(con, "select body_region, osiics from ref_body_region")
        assert [r[0] for r in got] == list(BODY_REGION)
        assert {r[1]: r[0] for r in got} == BODY_REGION_LETTERS
    else:
        assert [r[0] for r in table(con, "select tissue from ref_tissue")] == list(TISSUE)


def test_model_dependencies_come_from_duckdbs_parser():
    from sideline.flows.model import in_dependency_order, sources

    # every form a model can read a relation in, which a regular expression misses
    assert sources(
        "-- from nowhere\n"
        "create or replace table x as\n"
        "with a as (select * from t1), b as (select * from a)\n"
        "select * from b, t2 join t3 using (k)\n"
        "where k in (select k from t4) and exists (select 1 from t5)\n"
        "union all select * from t6"
    ) == {"t1", "t2", "t3", "t4", "t5", "t6"}
    models = [
        ("3_marts/m.sql", "create or replace table m as select * from a, b"),
        ("1_staging/b.sql", "create or replace table b as select 1 as k"),
        ("1_staging/a.sql", "create or replace table a as select * from b"),
    ]
    assert [p for p, _ in in_dependency_order(models)] == [
        "1_staging/b.sql",
        "1_staging/a.sql",
        "3_marts/m.sql",
    ]


def test_statements_parsed_ahead_are_not_parsed_again():
    from sideline.flows.model import ModelParseError, parse_ahead, sources

    good = "select * from parsed_ahead_a join parsed_ahead_b using (k)"
    bad = "select * from (parsed ahead"
    parse_ahead([bad, good]).join()  # one that fails leaves the rest parsed, and no error
    before = sources.cache_info()
    assert sources(good) == {"parsed_ahead_a", "parsed_ahead_b"}
    assert sources.cache_info().hits == before.hits + 1
    with pytest.raises(ModelParseError):  # asked for, it fails where it is used
        sources(bad)
