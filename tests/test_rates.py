"""Rates against published numbers: NCAA football (formula) and injurytools' Liverpool example
(the real records, loaded through the inbox and computed by the pipeline)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest
from sideline.flows import nightly

from sideline.settings import Settings

from .conftest import INJURYTOOLS, TODAY, rows
from .models import build, table


def test_ncaa_football_incidence_and_ci():
    # 10301 injuries over 993399 athlete-exposures: 10.37 per 1000 (95% CI 10.17-10.57).
    # One exposure row of 993399 units stands for the athlete-exposures.
    start = date(2014, 8, 1)
    injuries = [
        {
            "record_id": f"I{i}",
            "athlete_id": f"A{i % 5000}",
            "injury_date": start + timedelta(i // 5000),
            "return_date": start + timedelta(i // 5000 + 2),
        }
        for i in range(10301)
    ]
    exposures = [{"date": start, "period_end": date(2019, 5, 31), "minutes": 993399 * 60}]
    con = build(injuries, exposures)
    got = table(
        con,
        "select injuries, incidence_per_1000h, incidence_ci_low, incidence_ci_high"
        " from injury_rates "
        "where all_teams and season = 'all'",
    )[0]
    assert got[0] == 10301
    assert [round(x, 2) for x in got[1:]] == [10.37, 10.17, 10.57]


def liverpool_inbox(settings: Settings) -> None:
    """injurytools' raw_df_injuries / raw_df_exposures written as inbox files of the contract."""
    with open(INJURYTOOLS / "raw_df_injuries.csv", newline="") as f:
        injuries = list(csv.DictReader(f))
    with open(INJURYTOOLS / "raw_df_exposures.csv", newline="") as f:
        exposures = list(csv.DictReader(f))
    with open(settings.inbox / "injuries_liverpool.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "record_id",
                "team_id",
                "athlete_id",
                "injury_date",
                "return_date",
                "activity",
                "body_region",
                "tissue",
                "mechanism",
                "notes",
                "injury_type",
                "injury_severity",
            ]
        )
        for i, r in enumerate(injuries, start=1):
            out.writerow(
                [
                    f"LFC-{i}",
                    "liverpool",
                    r["player_name"],
                    r["from"],
                    r["until"],
                    "unknown",
                    "unknown",
                    "unknown",
                    "unknown",
                    r["injury"],
                    r["injury_type"],
                    r["injury_severity"],
                ]
            )
    with open(settings.inbox / "exposures_liverpool.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["team_id", "athlete_id", "date", "period_end", "activity", "minutes"])
        for r in exposures:
            year = int(r["year"])
            out.writerow(
                [
                    "liverpool",
                    r["player_name"],
                    f"{year}-07-01",
                    f"{year + 1}-06-30",
                    "match",
                    r["minutes_played"],
                ]
            )


@pytest.fixture
def liverpool(settings, monkeypatch) -> Settings:
    monkeypatch.setenv("SIDELINE_DAY_COUNT", "calendar")
    calendar = Settings.from_env()
    liverpool_inbox(calendar)
    summary = nightly.run(calendar, now=TODAY)
    assert (summary.rows_in, summary.rows_quarantined) == (82 + 42, 0)
    return calendar


def test_injurytools_liverpool_overall(liverpool):
    got = rows(
        liverpool.analyst_database,
        """
        select injuries, days_lost, exposure_hours * 60, incidence_per_1000h, incidence_ci_low,
               incidence_ci_high, burden_per_1000h,
               burden_ci_low, burden_ci_high, day_count
        from injury_rates where team_id = 'liverpool' and season = 'all'""",
    )[0]
    injuries, days, minutes, inc, inc_lo, inc_hi, burden, bur_lo, bur_hi, day_count = got
    assert (injuries, days, round(minutes), day_count) == (82, 2049, 74690, "calendar")
    assert (round(inc, 2), round(burden, 1)) == (65.87, 1646.0)
    # injurytools reports per 100 player-matches (90 min): 9.88 (7.74-12.02) and
    # 246.9 (236.21-257.59); per 1000 h that is the same interval scaled by 1000 / 150
    per_100_matches = [round(x * 150 / 1000, 2) for x in (inc, inc_lo, inc_hi)]
    assert per_100_matches == [9.88, 7.74, 12.02]
    assert [round(x * 150 / 1000, 2) for x in (burden, bur_lo, bur_hi)] == [246.9, 236.21, 257.59]


def test_injurytools_liverpool_per_season_adds_up(liverpool):
    seasons = rows(
        liverpool.analyst_database,
        "select season, injuries, days_lost from "
        "injury_rates where team_id = 'liverpool' and season <> 'all' order by 1",
    )
    assert [s for s, _, _ in seasons] == ["2017/2018", "2018/2019"]
    assert sum(n for _, n, _ in seasons) == 82 and sum(d for *_, d in seasons) == 2049


def test_injurytools_export_round_trips_the_real_records(liverpool, tmp_path):
    from sideline.cli import main

    assert main(["export", str(tmp_path / "out")]) == 0
    with open(tmp_path / "out" / "injurytools_injuries.csv", newline="") as f:
        injuries = list(csv.DictReader(f))
    with open(INJURYTOOLS / "raw_df_injuries.csv", newline="") as f:
        source = list(csv.DictReader(f))
    assert len(injuries) == 82
    assert sorted(
        (r["person_id"], r["date_injured"], r["date_recovered"]) for r in injuries
    ) == sorted((r["player_name"], r["from"], r["until"]) for r in source)
    with open(tmp_path / "out" / "injurytools_exposures.csv", newline="") as f:
        exposures = list(csv.DictReader(f))
    assert sum(float(r["time_expo"]) for r in exposures) == 74690
    parquet = {p.stem for p in (tmp_path / "out" / "parquet").iterdir()}
    assert {"injuries", "exposures", "injury_rates", "quarantine", "run_log"} <= parquet


def test_prevalence_spans_the_exposure_periods(liverpool):
    """injurytools' exposures are one row per player per season (July to June): the season's
    prevalence covers the whole season, and counts every player injured at any time in it."""
    with open(INJURYTOOLS / "raw_df_injuries.csv", newline="") as f:
        injuries = list(csv.DictReader(f))
    with open(INJURYTOOLS / "raw_df_exposures.csv", newline="") as f:
        exposures = list(csv.DictReader(f))
    found = rows(
        liverpool.analyst_database,
        "select period_label, period_start, period_end, athletes, injured_athletes "
        "from injury_prevalence where period = 'season' order by period_start",
    )
    expected = []
    for year in (2017, 2018):
        start, end = date(year, 7, 1), date(year + 1, 6, 30)
        cohort = {r["player_name"] for r in exposures if int(r["year"]) == year}
        injured = {
            r["player_name"]
            for r in injuries
            if r["player_name"] in cohort
            and date.fromisoformat(r["from"]) <= end
            and date.fromisoformat(r["until"]) >= start
        }
        expected.append((f"{year}/{year + 1}", start, end, len(cohort), len(injured)))
    assert found == expected
    months = rows(
        liverpool.analyst_database,
        "select count(*) from injury_prevalence where period = 'month'",
    )
    assert months == [(24,)]
