"""Nights cost what changed: a run renders the pages of the teams whose data it changed, and
links the others from the live site; a new day, new settings or a lost page render again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pandas as pd
import pytest
from sideline.dashboards import site as site_module
from sideline.flows import nightly

from .conftest import TODAY

HEADER = (
    "record_id,team_id,athlete_id,athlete_name,injury_date,activity,body_region,tissue,"
    "mechanism,return_date,notes\n"
)


def injury(record: str, team: str, note: str) -> str:
    what = "2026-09-06,match,thigh,muscle_contusion,direct_contact"
    return f"{record},{team},{team[:3]}-1,Ann,{what},,{note}\n"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The teams whose board was rendered (not linked), run after run."""
    teams: list[str] = []
    board_page = site_module.board_page

    def counting(ctx, team, rows):  # type: ignore[no-untyped-def]
        teams.append(team)
        return board_page(ctx, team, rows)

    monkeypatch.setattr(site_module, "board_page", counting)
    return teams


def test_a_night_renders_only_the_teams_it_changed(settings, put, rendered):
    put("injuries_1.csv", HEADER + injury("R1", "eagles", "first") + injury("R2", "rovers", "x"))
    nightly.run(settings, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]
    rovers = settings.site / "teams" / "rovers" / "board.html"
    rovers_before = rovers.read_text(encoding="utf-8")

    rendered.clear()
    put("injuries_2.csv", HEADER + injury("R1", "eagles", "corrected note"))
    nightly.run(settings, now=TODAY)
    assert rendered == ["eagles"]
    eagles = (settings.site / "teams" / "eagles" / "board.html").read_text(encoding="utf-8")
    assert "corrected note" in eagles
    assert rovers.read_text(encoding="utf-8") == rovers_before
    # the index still counts the team it did not render
    index = (settings.site / "index.html").read_text(encoding="utf-8")
    assert "teams/rovers/board.html" in index

    rendered.clear()
    nightly.run(settings, now=TODAY)  # nothing new
    assert rendered == []

    rendered.clear()
    nightly.run(settings, now=TODAY + timedelta(days=1))  # the boards are dated
    assert sorted(rendered) == ["eagles", "rovers"]


def test_a_lost_page_or_new_settings_render_again(settings, put, rendered, monkeypatch):
    put("injuries_1.csv", HEADER + injury("R1", "eagles", "a") + injury("R2", "rovers", "b"))
    nightly.run(settings, now=TODAY)
    (settings.site / "teams" / "rovers" / "surveillance.html").unlink()
    rendered.clear()
    nightly.run(settings, now=TODAY)
    assert rendered == ["rovers"]
    assert (settings.site / "teams" / "rovers" / "surveillance.html").is_file()

    rendered.clear()
    changed = dataclasses.replace(settings, open_injury_days=settings.open_injury_days + 1)
    nightly.run(changed, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]

    rendered.clear()
    (settings.site / "pages.json").write_text("not json", encoding="utf-8")
    nightly.run(changed, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]

    # an upgrade: any SQL, template or dashboard code that differs renders every page again
    rendered.clear()
    monkeypatch.setattr(site_module, "CODE_VERSION", "another release")
    nightly.run(changed, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]


def _missing_as_none(frame: pd.DataFrame) -> pd.DataFrame:
    values = frame.astype(object)
    return values.where(values.notna(), None)


def test_pages_queried_for_many_teams_at_once_are_each_teams_own(settings, monkeypatch):
    """The page statements run once for a batch of teams: each team's rows, and so its pages,
    are what they are when it is queried alone (the typical return is its own team's)."""
    from sideline.db import connect
    from sideline.generate import Plan, generate

    generate(settings.inbox, Plan(3, 12, 2, seed=3, end=TODAY.date() - timedelta(days=1)))
    nightly.run(settings, now=TODAY)
    con = connect(settings.database)
    try:
        found = con.execute("select distinct team_id from injuries order by 1").fetchall()
        teams = [t for (t,) in found]
        assert len(teams) == 3
        month = settings.season_start_month
        ctx = site_module.SiteContext(TODAY.date(), month, False, tuple(teams))
        together = site_module.team_rows(con, ctx, teams)
        for team in teams:
            (alone,) = site_module.team_rows(con, ctx, [team]).values()
            for name in site_module.PAGE_QUERIES:
                # a text column with a value reads missing ones as NaN, one without as None:
                # the pages show neither
                pd.testing.assert_frame_equal(
                    _missing_as_none(together[team][name]), _missing_as_none(alone[name])
                )
            assert not together[team]["board_squad"].empty
            assert not together[team]["surv_rates"].empty
            assert site_module.board_page(ctx, team, together[team]) == site_module.board_page(
                ctx, team, alone
            )
            surveillance = site_module.surveillance_page(ctx, team, together[team])
            assert surveillance == site_module.surveillance_page(ctx, team, alone)
        # teams differ, so a batch mixing their rows would show
        squads = {int(together[t]["board_squad"]["athletes"].sum()) for t in teams}
        rates = [together[t]["surv_rates"]["injuries"].tolist() for t in teams]
        assert len(squads) > 1 or rates[0] != rates[1]
    finally:
        con.close()


def test_an_incremental_model_refreshes_the_teams_a_run_loaded_as_a_whole_build_would():
    from datetime import date
    from pathlib import Path

    from sideline.flows.model import build_models, model_parameters

    from sideline.settings import Settings

    from .models import build

    day = {"activity": "training", "minutes": 60}
    con = build(
        exposures=[
            {"athlete_id": "A1", "date": date(2026, 9, 1), **day},
            {"athlete_id": "A2", "date": date(2026, 9, 1), **day},
            {"team_id": "rovers", "athlete_id": "R1", "date": date(2026, 9, 1), **day},
        ],
        run_id="run-1",
    )
    # run 2: one eagles session corrected, one added; rovers untouched
    build(
        exposures=[
            {"athlete_id": "A1", "date": date(2026, 9, 1), "activity": "training", "minutes": 75},
            {"athlete_id": "A1", "date": date(2026, 9, 2), **day},
        ],
        run_id="run-2",
        con=con,
    )
    query = (
        "select team_id, athlete_id, date, minutes, hours, season from stg_exposures order by all"
    )
    refreshed = con.execute(query).fetchall()
    assert [r[:4] for r in refreshed] == [
        ("eagles", "A1", date(2026, 9, 1), 75),
        ("eagles", "A1", date(2026, 9, 2), 60),
        ("eagles", "A2", date(2026, 9, 1), 60),
        ("rovers", "R1", date(2026, 9, 1), 60),
    ]
    marts = [
        "select * from int_exposure_months order by all",
        "select * from exposure_hours order by all",
        "select * from injury_rates order by all",
        "select * from injury_prevalence order by all",
    ]
    after_refresh = [con.execute(q).fetchall() for q in marts]
    assert after_refresh[0][0][:6] == (
        "eagles",
        "A1",
        "2026/2027",
        "training",
        date(2026, 9, 1),
        135,
    )
    settings = Settings(home=Path("unused"), timezone="UTC")
    values = model_parameters(settings, date(2026, 11, 25))
    built = build_models(con, values, "run-2")
    # refreshing again changes nothing: stg_exposures gives the rows it holds, so the models
    # built from it are left as they are
    assert {
        "1_staging/stg_exposures.sql (teams)",
        "2_intermediate/int_exposure_months.sql (unchanged)",
        "3_marts/exposure_hours.sql (unchanged)",
    } <= set(built)
    assert con.execute(query).fetchall() == refreshed
    built = build_models(con, values)  # whole, no run given
    assert "2_intermediate/int_exposure_months.sql" in built
    assert con.execute(query).fetchall() == refreshed
    assert [con.execute(q).fetchall() for q in marts] == after_refresh
    # the season rule changed: built whole, though a run is given
    later = {**values, "season_start_month": 10}
    assert "1_staging/stg_exposures.sql" in build_models(con, later, "run-2")
    con.execute("delete from model_state where model = 'stg_exposures'")
    built = build_models(con, later, "run-2")
    assert "2_intermediate/int_exposure_months.sql" in built  # its source was built whole
    for relation in ("stg_exposures", "int_exposure_months", "exposure_hours"):
        seasons = con.execute(f"select distinct season from {relation}").fetchall()  # noqa: S608
        assert seasons == [("2025/2026",)]


def test_an_incremental_model_reads_per_team_relations_and_global_tables_only():
    from sideline.flows.model import ModelParseError, team_sources

    def declared(select: str) -> str:
        return "create or replace table m as\n-- incremental: by team_id\n" + select

    assert team_sources(declared("select * from exposures_latest")) == {"exposures_latest"}
    assert team_sources("create or replace table m as select * from a") is None
    joined = declared("select * from injuries_latest join ref_tissue using (tissue)")
    assert team_sources(joined) == {"injuries_latest"}
    assert team_sources(declared("select * from a, b"), frozenset({"a", "b"})) == {"a", "b"}
    with pytest.raises(ModelParseError, match="injury_rates"):
        team_sources(declared("select * from exposures_latest, injury_rates"))
    with pytest.raises(ModelParseError, match="no per-team relation"):
        team_sources(declared("select * from ref_tissue"))


EXPOSURES = "team_id,athlete_id,date,activity,minutes\n"
SNAPSHOT_ROWS = (
    "select team_id, athlete_id, date, period_end, session_id, activity, minutes, season "
    "from exposures order by all"
)


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """For each snapshot published: the teams whose exposures were copied in again, or None
    when it was built whole."""
    from sideline.flows import publish

    seen: list[list[str] | None] = []
    fill = publish._fill

    def recording(con, analyst, values, changed, *rest):  # type: ignore[no-untyped-def]
        seen.append(None if changed is None else list(changed))
        return fill(con, analyst, values, changed, *rest)

    monkeypatch.setattr(publish, "_fill", recording)
    return seen


def pipeline_rows(settings) -> list[tuple]:  # type: ignore[no-untyped-def]
    from .conftest import rows

    return rows(settings.database, SNAPSHOT_ROWS.replace("from exposures", "from stg_exposures"))


def test_the_snapshot_copies_in_the_exposures_of_changed_teams_only(settings, put, patched):
    from .conftest import rows

    put(
        "exposures_1.csv",
        EXPOSURES + "eagles,E1,2026-09-01,training,60\nrovers,R1,2026-09-01,training,60\n",
    )
    nightly.run(settings, now=TODAY)
    put(
        "exposures_2.csv",
        EXPOSURES + "eagles,E1,2026-09-01,training,75\neagles,E2,2026-09-02,match,90\n",
    )
    nightly.run(settings, now=TODAY)
    nightly.run(settings, now=TODAY)  # nothing new
    assert patched == [None, ["eagles"], []]
    assert rows(settings.analyst_database, SNAPSHOT_ROWS) == pipeline_rows(settings)
    assert [r[:2] + r[6:7] for r in rows(settings.analyst_database, SNAPSHOT_ROWS)] == [
        ("eagles", "E1", 75),
        ("eagles", "E2", 90),
        ("rovers", "R1", 60),
    ]
    # every relation and column still has its comment after a patch
    missing = rows(
        settings.analyst_database,
        "select table_name, column_name from duckdb_columns() "
        "where not internal and schema_name = 'main' and comment is null",
    )
    assert missing == []
    commented = (
        "select count(*) from duckdb_columns() where table_name = 'exposures' and comment <> ''"
    )
    assert rows(settings.analyst_database, commented) == [(8,)]


def test_a_snapshot_that_failed_to_publish_is_caught_up_by_the_next_run(
    settings, put, patched, monkeypatch
):
    from sideline.flows import pipeline, publish

    from .conftest import rows

    put(
        "exposures_1.csv",
        EXPOSURES + "eagles,E1,2026-09-01,training,60\nrovers,R1,2026-09-01,training,60\n",
    )
    nightly.run(settings, now=TODAY)
    put("exposures_2.csv", EXPOSURES + "rovers,R1,2026-09-01,training,30\n")
    replace = publish.os.replace

    def full_disk(source, target):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish.os, "replace", full_disk)
    with pytest.raises(pipeline.RunFailed):
        nightly.run(settings, now=TODAY)  # rovers loaded, not published
    monkeypatch.setattr(publish.os, "replace", replace)
    put("exposures_3.csv", EXPOSURES + "eagles,E1,2026-09-01,training,45\n")
    nightly.run(settings, now=TODAY)
    assert patched[-1] == ["eagles", "rovers"]
    assert rows(settings.analyst_database, SNAPSHOT_ROWS) == pipeline_rows(settings)

    # a setting of the snapshot changed: built whole
    nightly.run(dataclasses.replace(settings, analyst_free_text=True), now=TODAY)
    assert patched[-1] is None
    assert rows(settings.analyst_database, SNAPSHOT_ROWS) == pipeline_rows(settings)


def test_scoring_looks_at_the_teams_a_run_loaded_unless_the_others_are_out_of_date():
    from datetime import date

    from sideline.flows.score import score_contusions

    from .models import build
    from .test_risk_pipeline import contusion

    con = build(
        [
            contusion("C1", "2026-09-06"),
            contusion("C2", "2026-09-06", team_id="rovers", athlete_id="R1"),
        ],
        run_id="run-1",
    )
    scored = "select team_id, record_id, scored_run_id from mo_score order by all"
    assert [r[:3] for r in con.execute(scored).fetchall()] == [
        ("eagles", "C1", "run-1"),
        ("rovers", "C2", "run-1"),
    ]
    # a stale hash on rovers shows whether run 2 looks at rovers at all: it must not
    con.execute("update mo_score set inputs_hash = 'stale' where team_id = 'rovers'")
    build([contusion("C1", "2026-09-06", knee_flexion_deg=60)], run_id="run-2", con=con)
    assert [r[:3] for r in con.execute(scored).fetchall()] == [
        ("eagles", "C1", "run-2"),
        ("rovers", "C2", "run-1"),
    ]
    # a score of another team lost: every team is looked at, and it is scored again
    con.execute("delete from mo_score where team_id = 'rovers'")
    assert score_contusions(con, "run-3", date(2026, 11, 25)).rescored == 1
    assert [r[:3] for r in con.execute(scored).fetchall()] == [
        ("eagles", "C1", "run-2"),
        ("rovers", "C2", "run-3"),
    ]
    # a score of another model version: every team is scored again
    con.execute("update mo_score set model_version = 'mo-v1-old', inputs_hash = 'x'")
    assert score_contusions(con, "run-4", date(2026, 11, 25)).rescored == 2
    assert con.execute("select count(*) from mo_risk").fetchone() == (2,)


def test_a_night_that_refreshes_one_team_leaves_every_model_as_a_whole_build_would(
    settings, tmp_path, monkeypatch
):
    """A league's first night, then one team's current season (injuries, exposures, imaging
    and corrections) on the same day: the models refreshed by team equal a whole build."""
    import shutil

    from sideline.flows.model import build_models, model_parameters
    from sideline.flows.score import write_team_versions

    from sideline.db import connect, execute, model_relations, sql
    from sideline.generate import Plan, generate
    from sideline.mo_params import number

    export = tmp_path / "export"
    files = generate(export, Plan(3, 12, 2, seed=3, end=TODAY.date() - timedelta(days=1)))
    later = [
        f
        for f in files
        if f.name.startswith(
            ("injuries_rovers_2026", "exposures_rovers_2026", "imaging_rovers_2026")
        )
    ]
    assert len(later) == 4  # injuries, exposures, imaging and the corrections
    for f in files:
        if f not in later:
            shutil.copy(f, settings.inbox / f.name)
    nightly.run(settings, now=TODAY)

    builds: list[list[str]] = []
    build = nightly.build_models

    def recording(con, values, run_id=None):  # type: ignore[no-untyped-def]
        builds.append(build(con, values, run_id))
        return builds[-1]

    monkeypatch.setattr(nightly, "build_models", recording)
    from sideline.flows import model as model_module

    refreshed_relations: list[str] = []
    refresh = model_module.Builder._refresh

    def refreshing(self, relation, *args):  # type: ignore[no-untyped-def]
        refreshed_relations.append(relation)
        return refresh(self, relation, *args)

    monkeypatch.setattr(model_module.Builder, "_refresh", refreshing)
    for f in later:
        shutil.copy(f, settings.inbox / f.name)
    nightly.run(settings, now=TODAY)
    refreshed = [name for name in builds[0] if name.endswith("(teams)")]
    assert len(refreshed) == 15, builds[0]  # every per-team model

    con = connect(settings.database)
    try:
        relations = sorted(model_relations() | {"mo_risk", "team_versions"})
        by_team = {r: con.execute(f"select * from {r} order by all").fetchall() for r in relations}  # noqa: S608
        con.begin()
        build_models(con, model_parameters(settings, TODAY.date()))
        values = {"as_of": TODAY.date(), "missed_shown": number("missed_shown_days")}
        execute(con, sql("score/mo_risk"), values)
        write_team_versions(con, whole=True)
        whole = {r: con.execute(f"select * from {r} order by all").fetchall() for r in relations}  # noqa: S608
        con.rollback()
    finally:
        con.close()
    for relation in relations:
        assert by_team[relation] == whole[relation], relation
    assert any(row[0] == "rovers" for row in by_team["injuries"])
    assert "mo_risk" in refreshed_relations and len(by_team["mo_risk"]) > 0


def test_discovery_hashes_a_file_once_and_again_when_it_is_rewritten(settings, put, monkeypatch):
    import os

    from sideline.flows import discover as discover_module

    from sideline.db import connect

    put("injuries_1.csv", HEADER + injury("R1", "eagles", "first"))
    nightly.run(settings, now=TODAY)
    reads: list[str] = []
    read_bytes = discover_module.read_bytes

    def counting(path):  # type: ignore[no-untyped-def]
        reads.append(path.name)
        return read_bytes(path)

    monkeypatch.setattr(discover_module, "read_bytes", counting)
    con = connect(settings.database)
    try:
        assert discover_module.discover(settings.inbox, con) == []
        assert reads == []  # listed, not read
        # rewritten in place with the same size and modification time: the change time moves
        path = settings.inbox / "injuries_1.csv"
        info = os.stat(path)
        path.write_text(HEADER + injury("R1", "eagles", "other"), encoding="utf-8")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
        assert os.stat(path).st_size == info.st_size
        found = discover_module.discover(settings.inbox, con)
        assert reads == ["injuries_1.csv"] and [f.path.name for f in found] == ["injuries_1.csv"]
        reads.clear()
        discover_module.discover(settings.inbox, con)
        assert reads == []  # remembered again, under its new inode state
        # the memo is written by difference: a file added and one removed leave it what a
        # whole listing would record, and nothing is read again
        put("injuries_2.csv", HEADER + injury("R2", "eagles", "second"))
        put("injuries_3.csv", HEADER + injury("R3", "eagles", "third"))
        discover_module.discover(settings.inbox, con)
        (settings.inbox / "injuries_2.csv").unlink()
        reads.clear()
        discover_module.discover(settings.inbox, con)
        assert reads == []
        memo = con.execute("select name, size_bytes, inode from inbox_seen order by 1").fetchall()
        assert memo == [
            (p.name, p.stat().st_size, p.stat().st_ino) for p in sorted(settings.inbox.iterdir())
        ]
    finally:
        con.close()


def test_a_run_that_writes_a_key_twice_stops_before_it_commits(settings, put, monkeypatch):
    """Exposure history has no index to refuse a duplicate key (DuckDB keeps indexes in memory;
    at league scale the run's part passed any limit): each run checks its own rows instead."""
    from sideline.flows import load, pipeline

    from sideline.db import sql_for as real_sql_for

    from .conftest import dump

    put("exposures_1.csv", EXPOSURES + "eagles,E1,2026-09-01,training,60\n")
    nightly.run(settings, now=TODAY)
    before = dump(settings.database)

    def doubled(name: str, **identifiers: str) -> str:
        statement = real_sql_for(name, **identifiers)
        if name == "load/upsert":  # a broken upsert: every new row written twice
            statement = statement.replace(
                "select * from final", "select * from final union all select * from final"
            )
        return statement

    monkeypatch.setattr(load, "sql_for", doubled)
    put("exposures_2.csv", EXPOSURES + "eagles,E1,2026-09-01,training,75\n")
    with pytest.raises(pipeline.RunFailed, match="under a key twice"):
        nightly.run(settings, now=TODAY)
    after = dump(settings.database)
    after.pop("run_log"), before.pop("run_log")
    assert after == before


def test_every_duckdb_of_a_run_holds_to_the_memory_limit(settings, put, monkeypatch):
    """SIDELINE_MEMORY_LIMIT bounds every DuckDB database a run opens: the pipeline database,
    and in its instance the staging database and Great Expectations' connections to it
    (tests/test_stage.py shows what GX sees). Bounded memory at league scale: 10M exposure
    rows ran within 1.6 GiB at 1GB (benchmarks/run.py)."""
    import duckdb

    from sideline.settings import Settings, SettingsError

    assert Settings.from_env({"SIDELINE_MEMORY_LIMIT": "750MB"}).memory_limit == "750MB"
    with pytest.raises(SettingsError, match="SIDELINE_MEMORY_LIMIT"):
        Settings.from_env({"SIDELINE_MEMORY_LIMIT": "lots"})

    opened: list[tuple[str, object]] = []
    real_connect = duckdb.connect

    def connect(database=":memory:", *args, config=None, **kwargs):  # type: ignore[no-untyped-def]
        opened.append((str(database), (config or {}).get("memory_limit")))
        return real_connect(database, *args, config=config or {}, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)
    put("exposures_1.csv", EXPOSURES + "eagles,E1,2026-09-01,training,60\n")
    nightly.run(dataclasses.replace(settings, memory_limit="750MB"), now=TODAY)
    # files: the pipeline database (the analyst snapshot is attached to it); in memory, only
    # the SQL parser and duckdb-engine's probes, which hold no rows
    files = [(db, limit) for db, limit in opened if db != ":memory:"]
    assert files and all(limit == "750MB" for _, limit in files), opened


def test_a_change_of_a_global_table_builds_every_incremental_model_whole(monkeypatch):
    """A risk-model parameter is read whole by int_mo_inputs for every team: changing it must
    not leave the untouched teams' rows as they were."""
    from datetime import date
    from pathlib import Path

    from sideline.flows.model import build_models, model_parameters

    from sideline import mo_params
    from sideline.settings import Settings

    from .models import build
    from .test_risk_pipeline import contusion, with_parameter

    con = build([contusion("C1", "2026-09-06")], run_id="run-1")
    values = model_parameters(Settings(home=Path("unused"), timezone="UTC"), date(2026, 11, 25))
    refreshed = build_models(con, values, "run-1")
    assert "2_intermediate/int_mo_inputs.sql (unchanged)" in refreshed  # as run 1 built it
    monkeypatch.setattr(mo_params, "PARAMETERS", with_parameter("open_prior_days", 90))
    built = build_models(con, values, "run-1")
    assert "2_intermediate/int_mo_inputs.sql" in built
    assert not any(name.endswith("(teams)") for name in built)


def held(con, relations):  # type: ignore[no-untyped-def]
    return {r: con.execute(f"select * from {r} order by all").fetchall() for r in relations}  # noqa: S608


def test_a_night_of_exposures_leaves_the_injury_models_as_they_are():
    """A refresh none of whose sources changed for the touched teams is left out (its select
    would give the rows it holds), and what the models hold then equals a whole build."""
    from datetime import date
    from pathlib import Path

    from sideline.flows.model import build_models, model_parameters

    from sideline.db import model_relations
    from sideline.settings import Settings

    from .models import add, build
    from .test_risk_pipeline import contusion

    day = {"activity": "training", "minutes": 60}
    con = build(
        [contusion("C1", "2026-09-06"), {"record_id": "I2", "injury_date": date(2026, 9, 20)}],
        [
            {"athlete_id": "A1", "date": date(2026, 9, 1), **day},
            {"team_id": "rovers", "athlete_id": "R1", "date": date(2026, 9, 1), **day},
        ],
        run_id="run-1",
    )
    values = model_parameters(Settings(home=Path("unused"), timezone="UTC"), date(2026, 11, 25))
    extra = {"athlete_id": "A1", "date": date(2026, 9, 2), **day}
    add(con, exposures=[extra], run_id="run-2")
    built = build_models(con, values, "run-2")
    for name in ("1_staging/stg_injuries", "2_intermediate/int_mo_inputs", "3_marts/injuries"):
        assert f"{name}.sql (unchanged)" in built, built
    assert "1_staging/stg_exposures.sql (teams)" in built
    refreshed = held(con, model_relations())
    assert refreshed["stg_exposures"][1][:3] == ("eagles", "A1", date(2026, 9, 2))
    build_models(con, values)  # whole
    whole = held(con, model_relations())
    assert refreshed == whole
    # an injury of the same team on the next run refreshes the injury models again
    add(con, [{"record_id": "I3", "injury_date": date(2026, 10, 1)}], run_id="run-3")
    built = build_models(con, values, "run-3")
    assert (
        "3_marts/injuries.sql (teams)" in built
        and "1_staging/stg_exposures.sql (unchanged)" in built
    )


def test_a_refresh_writes_only_the_rows_that_differ_and_leaves_the_whole_build_s_rows():
    """sql/model/replace_rows.sql: the touched team's rows become the fresh ones as a
    multiset (a duplicate row dropped or added, a NULL compared equal), the rows that did not
    change are not written again, and other teams are not looked at."""
    import duckdb
    from sideline.flows.model import TOUCHED

    from sideline.db import fill, sql_for

    con = duckdb.connect()
    con.execute(
        "create table stg_exposures as select * from (values "
        "('eagles', 'A1', 60.0, null), ('eagles', 'A1', 60.0, null), ('eagles', 'A2', 30.0, 's1'),"
        "('eagles', 'A3', 45.0, null), ('rovers', 'R1', 60.0, null), ('rovers', 'R1', 60.0, null)"
        ") as v(team_id, athlete_id, minutes, session_id)"
    )
    con.execute("create temp table touched_teams as select 'eagles' as team_id")
    con.execute(
        "create temp table touched_fresh as select * from (values "
        "('eagles', 'A1', 60.0, null), ('eagles', 'A2', 30.0, 's1'), ('eagles', 'A2', 30.0, 's1'),"
        "('eagles', 'A3', 45.0, null), ('eagles', 'A4', 10.0, null)"
        ") as v(team_id, athlete_id, minutes, session_id)"
    )
    unchanged = con.execute(
        "select rowid from stg_exposures where athlete_id = 'A3' or team_id = 'rovers' order by 1"
    ).fetchall()
    for step in ("model/changed_rows", "model/replace_rows"):
        con.execute(fill(sql_for(step, catalog="main", relation="stg_exposures"), scope=TOUCHED))
    assert con.execute("select * from stg_exposures order by all").fetchall() == [
        ("eagles", "A1", 60.0, None),
        ("eagles", "A2", 30.0, "s1"),
        ("eagles", "A2", 30.0, "s1"),
        ("eagles", "A3", 45.0, None),
        ("eagles", "A4", 10.0, None),
        ("rovers", "R1", 60.0, None),
        ("rovers", "R1", 60.0, None),
    ]
    # the rows equal before and after keep their place: they were not deleted and written again
    assert (
        con.execute(
            "select rowid from stg_exposures where athlete_id = 'A3' or team_id = 'rovers' "
            "order by 1"
        ).fetchall()
        == unchanged
    )
    # the fresh rows stay for the caller (flows/model.py:replace_rows drops them or keeps them
    # as the copy later models read); the rows that differ are gone
    assert con.execute(
        "select table_name from duckdb_tables() "
        "where table_name in ('touched_fresh', 'touched_changed')"
    ).fetchall() == [("touched_fresh",)]


def test_a_snapshot_patched_after_a_night_equals_one_built_whole(
    settings, tmp_path, patched, monkeypatch
):
    """A league's first night, then one team's current season and corrections on the same
    day: the snapshot made by writing only the rows that differ holds what a whole build of
    it holds, relation by relation."""
    import shutil

    from sideline.flows import publish

    from sideline.generate import Plan, generate

    from .conftest import rows

    files = generate(
        tmp_path / "export", Plan(3, 12, 2, seed=3, end=TODAY.date() - timedelta(days=1))
    )
    later = [
        f
        for f in files
        if f.name.startswith(
            ("injuries_rovers_2026", "exposures_rovers_2026", "imaging_rovers_2026")
        )
    ]
    for f in files:
        if f not in later:
            shutil.copy(f, settings.inbox / f.name)
    nightly.run(settings, now=TODAY)
    for f in later:
        shutil.copy(f, settings.inbox / f.name)
    nightly.run(settings, now=TODAY)
    assert patched == [None, ["rovers"]]
    assert ("rovers",) in rows(settings.analyst_database, "select distinct team_id from imaging")
    assert_equals_whole_build(settings, publish)
    injuries = rows(settings.analyst_database, "select team_id from injuries")
    assert ("rovers",) in injuries

    # the same day, a corrected export of rovers' exposures only: the relations read from what
    # did not change (injuries, imaging, risk, prevention) are not looked at
    looked_at: list[str] = []
    replace = publish._replace

    def replacing(con, statement, *rest, **kw):  # type: ignore[no-untyped-def]
        looked_at.append(publish.relation_of(statement))
        return replace(con, statement, *rest, **kw)

    monkeypatch.setattr(publish, "_replace", replacing)
    (exposures,) = [f for f in later if f.name.startswith("exposures_") and "correct" not in f.name]
    header, *body = exposures.read_text(encoding="utf-8").splitlines()
    delimiter = ";" if header.count(";") > header.count(",") else ","
    minutes = header.split(delimiter).index("minutes")
    fields = next(
        row for line in reversed(body) if (row := line.split(delimiter))[minutes].isdigit()
    )
    fields[minutes] = str(int(fields[minutes]) + 5)
    corrected = "\n".join([header, delimiter.join(fields)]) + "\n"
    (settings.inbox / f"{exposures.stem}_corrected.csv").write_text(corrected, encoding="utf-8")
    nightly.run(settings, now=TODAY)
    assert patched[-1] == ["rovers"]
    assert "exposures" in looked_at
    assert not {"injuries", "imaging", "mo_risk", "mo_prevention"} & set(looked_at), looked_at
    monkeypatch.setattr(publish, "_replace", replace)
    assert_equals_whole_build(settings, publish)

    # the next day, nothing new: no team's data changed, but every model that counts to the
    # day was built whole, and so is each relation read from one (days lost, reminders)
    nightly.run(settings, now=TODAY + timedelta(days=1))
    assert patched[-1] == []
    assert_equals_whole_build(settings, publish)
    # another setting of the models: the same
    other = dataclasses.replace(settings, open_injury_days=settings.open_injury_days + 30)
    nightly.run(other, now=TODAY + timedelta(days=1))
    assert patched[-1] == []
    assert_equals_whole_build(other, publish)
    # a global table changed (a new release's risk model parameters): the patch leaves the
    # copies of global tables as they are, so the snapshot is built whole
    from sideline.flows import model

    real_rows = model.parameter_rows

    def revised() -> list[tuple[str, str, str, str, str, str]]:
        first, *others = real_rows()
        return [(*first[:4], first[4] + " (revised)", first[5]), *others]

    monkeypatch.setattr(model, "parameter_rows", revised)
    nightly.run(other, now=TODAY + timedelta(days=1))
    assert patched[-1] is None
    assert_equals_whole_build(other, publish)
    assert rows(
        other.analyst_database,
        "select count(*) from mo_parameters where evidence like '% (revised)'",
    ) == [(1,)]


def assert_equals_whole_build(settings, publish):  # type: ignore[no-untyped-def]
    """The live snapshot holds what a whole build of it now holds, relation by relation."""
    from sideline.db import analyst_relations, connect, sql

    from .conftest import dump

    by_difference = dump(settings.analyst_database)
    con = connect(settings.database)
    try:
        con.execute(sql("publish/state_clear"))
        publish.publish_snapshot(con, settings)
    finally:
        con.close()
    whole = dump(settings.analyst_database)
    assert set(whole) >= analyst_relations() - {"snapshot_info"}
    for relation in sorted(set(whole) | set(by_difference)):
        if relation != "snapshot_info":  # the time it was published
            assert by_difference[relation] == whole[relation], relation


def test_the_live_snapshot_is_copied_during_the_run_and_nothing_is_left(settings, put, tmp_path):
    from sideline.flows.publish import EarlyCopy

    folder = tmp_path / "copies"
    folder.mkdir()
    live = folder / "analyst.duckdb"
    assert not EarlyCopy(live).take(folder / "patched")  # no live snapshot yet
    live.write_bytes(b"snapshot bytes")
    early = EarlyCopy(live)
    assert early.take(folder / "patched")
    assert (folder / "patched").read_bytes() == b"snapshot bytes"
    assert not early.take(folder / "again")  # taken once
    unused = EarlyCopy(live)
    unused.discard()
    assert sorted(p.name for p in folder.iterdir()) == ["analyst.duckdb", "patched"]

    put("exposures_1.csv", EXPOSURES + "eagles,E1,2026-09-01,training,60\n")
    nightly.run(settings, now=TODAY)
    put("exposures_2.csv", EXPOSURES + "eagles,E1,2026-09-01,training,75\n")
    nightly.run(settings, now=TODAY)  # patched from the copy made during the run
    nightly.run(settings, now=TODAY + timedelta(days=1))
    home = settings.analyst_database.parent
    assert not list(home.glob(f"{settings.analyst_database.name}.*"))
