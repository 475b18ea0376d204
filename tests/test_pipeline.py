"""The run as a whole, called as plain functions: nothing lost, re-runs idempotent, one
transaction, corrections with history, and an analyst snapshot without names."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from sideline.flows import load, nightly, pipeline

from sideline.generate import Plan, generate

from .conftest import TODAY, dump, rows

INJURY_HEADER = (
    "record_id,team_id,athlete_id,athlete_name,injury_date,activity,body_region,tissue,"
    "mechanism,return_date,notes\n"
)


def test_scenario_inbox_every_row_ends_loaded_or_quarantined(settings, put, run_once):
    put("injuries_valid.csv")
    put("exposures_valid.csv")
    put("imaging_valid.jsonl")
    put(
        "exposures_bad.csv",
        "team_id,athlete_id,date,activity,minutes\n"
        "eagles,EAG-001,2026-09-07,training,abc\neagles,EAG-001,2026-09-08,training,30\n",
    )
    put("empty.csv", b"")
    put("binary.bin", b"\x00\x01\x02\x03")
    summary = run_once()
    by_file = {
        f.file_name: (f.rows_in, f.rows_loaded, f.rows_quarantined, f.status) for f in summary.files
    }
    assert by_file == {
        "binary.bin": (0, 0, 0, "quarantined"),
        "empty.csv": (0, 0, 0, "quarantined"),
        "exposures_bad.csv": (2, 1, 1, "partial"),
        "exposures_valid.csv": (4, 4, 0, "loaded"),
        "imaging_valid.jsonl": (2, 2, 0, "loaded"),
        "injuries_valid.csv": (3, 3, 0, "loaded"),
    }
    assert rows(
        settings.database,
        "select status, files_in, rows_in, rows_loaded, rows_quarantined from run_log",
    ) == [("success", 6, 11, 10, 1)]
    assert rows(
        settings.analyst_database,
        "select file_name, rows_in, rows_loaded, rows_quarantined from file_ledger"
        " where rows_in <> rows_loaded + rows_quarantined or file_name = 'exposures_bad.csv'",
    ) == [("exposures_bad.csv", 2, 1, 1)]
    assert rows(
        settings.database,
        "select file, row_number, column_name, rule, raw_value from quarantine order by file",
    ) == [
        ("binary.bin", None, None, "binary_file", None),
        ("empty.csv", None, None, "empty_file", None),
        ("exposures_bad.csv", 2, "minutes", "type_number", "abc"),
    ]
    # a whole rejected file is kept beside the quarantine rows
    assert sorted(p.name.split("-", 1)[1] for p in settings.quarantine_dir.iterdir()) == [
        "binary.bin",
        "empty.csv",
    ]
    # an exam can follow up an injury loaded in the same run; extra columns are kept
    assert rows(
        settings.database,
        "select record_id, injury_record_id, extra from imaging_latest order by record_id",
    ) == [("US1", "R1", '{"probe": "linear 12 MHz"}'), ("XR1", None, None)]


def test_second_run_over_the_same_inbox_changes_nothing(settings, put, run_once):
    put("injuries_valid.csv")
    put("exposures_valid.csv")
    put("bad.csv", b"\x00")
    run_once()
    before = dump(settings.database)
    second = run_once()
    assert (second.rows_in, second.files) == (0, [])
    after = dump(settings.database)
    assert len(after.pop("run_log")) == len(before.pop("run_log")) + 1
    assert after == before


def test_same_content_under_a_new_name_adds_nothing(settings, put, run_once):
    put("injuries_valid.csv")
    run_once()
    before = dump(settings.database)
    put("injuries_copy.csv", (settings.inbox / "injuries_valid.csv").read_bytes())
    assert run_once().files == []
    after = dump(settings.database)
    after.pop("run_log"), before.pop("run_log")
    assert after == before


def test_a_re_sent_row_in_a_new_file_adds_no_version(settings, put, run_once):
    put(
        "injuries_a.csv",
        INJURY_HEADER + "R1,eagles,A1,Ana,2026-09-06,match,thigh,"
        "muscle_contusion,direct_contact,,\n",
    )
    run_once()
    put(
        "injuries_b.csv",
        INJURY_HEADER.replace("notes", "notes,shirt") + "r9,eagles,A1,Ana,"
        "2026-09-07,match,thigh,muscle_contusion,direct_contact,,,\n"
        "R1,eagles,A1,Ana,2026-09-06,Match,T,muscle_contusion,direct_contact,,,\n",
    )
    summary = run_once()
    assert summary.versions_written == {"injuries": 1}  # r9 only: R1 is the same record
    assert rows(
        settings.database, "select record_id, version from injuries_history order by record_id"
    ) == [("R1", 1), ("r9", 1)]


def test_correction_replaces_the_current_row_and_keeps_history(settings, put, run_once):
    put(
        "injuries_2026-09-07.csv",
        INJURY_HEADER + "R1,eagles,A1,Ana,2026-09-06,match,thigh,"
        "muscle_contusion,direct_contact,,first look\n",
    )
    run_once()
    put(
        "injuries_2026-09-30.csv",
        INJURY_HEADER + "R1,eagles,A1,Ana,2026-09-06,match,thigh,"
        "muscle_contusion,direct_contact,2026-09-20,returned\n",
    )
    run_once()
    assert rows(
        settings.database,
        "select version, return_date, notes, source_file from injuries_history order by version",
    ) == [
        (1, None, "first look", "injuries_2026-09-07.csv"),
        (2, date(2026, 9, 20), "returned", "injuries_2026-09-30.csv"),
    ]
    assert rows(
        settings.analyst_database, "select record_id, return_date, version from injuries"
    ) == [("R1", date(2026, 9, 20), 2)]


def test_two_versions_in_one_run_the_later_file_wins(settings, put, run_once):
    put(
        "injuries_1.csv",
        INJURY_HEADER + "R1,eagles,A1,,2026-09-06,match,thigh,"
        "muscle_contusion,direct_contact,,old\n",
    )
    put(
        "injuries_2.csv",
        INJURY_HEADER + "R1,eagles,A1,,2026-09-06,match,thigh,"
        "muscle_contusion,direct_contact,,new\n",
    )
    run_once()
    assert rows(settings.database, "select version, notes from injuries_history order by 1") == [
        (1, "old"),
        (2, "new"),
    ]
    assert rows(settings.database, "select notes from injuries_latest") == [("new",)]


def test_a_failure_inside_the_load_leaves_the_database_as_it_was(
    settings, put, run_once, monkeypatch
):
    put("injuries_valid.csv")
    run_once()
    before = dump(settings.database)
    snapshot = settings.analyst_database.read_bytes()
    put("exposures_valid.csv")
    put(
        "injuries_more.csv",
        INJURY_HEADER + "R7,eagles,A1,,2026-09-06,match,thigh,muscle_contusion,direct_contact,,\n",
    )
    real_insert = load.insert

    def failing_insert(con, statement, frame):
        real_insert(con, statement, frame)
        if statement == "load/run_log":  # everything else of the run is written by now
            raise OSError("disk full")

    monkeypatch.setattr(load, "insert", failing_insert)
    with pytest.raises(pipeline.RunFailed, match="disk full") as raised:
        run_once()
    assert raised.value.step == "load" and not raised.value.committed
    after = dump(settings.database)
    after.pop("run_log")
    before.pop("run_log")
    assert after == before
    failed_log = rows(
        settings.database, "select step, message from run_log where status = 'failed'"
    )
    assert len(failed_log) == 1 and failed_log[0][0] == "load"
    assert "nothing was written" in failed_log[0][1] and "disk full" in failed_log[0][1]
    assert settings.analyst_database.read_bytes() == snapshot
    monkeypatch.setattr(load, "insert", real_insert)
    summary = run_once()  # the next run completes and loads what the failed one could not
    assert (summary.status, summary.rows_loaded) == ("success", 5)


def test_a_statement_that_fails_inside_the_load_is_the_error_the_run_reports(
    settings, put, run_once, monkeypatch
):
    """DuckDB refuses every statement of a transaction after one failed, so a cleanup after
    the failure (dropping the `staged` view, unregistering a frame) fails too; the run must
    report the statement's own error, not "Current transaction is aborted" (a SIGTERM in the
    middle of the upsert was reported so, as a failed run instead of a cancelled one)."""
    put("injuries_valid.csv")
    run_once()
    before = dump(settings.database)
    put("exposures_valid.csv")
    real_sql_for = load.sql_for

    def failing_upsert(name, **identifiers):  # type: ignore[no-untyped-def]
        if name == "load/upsert" and identifiers.get("history") == "exposures_history":
            return "select error('the upsert failed here')"
        return real_sql_for(name, **identifiers)

    monkeypatch.setattr(load, "sql_for", failing_upsert)
    with pytest.raises(pipeline.RunFailed, match="the upsert failed here") as raised:
        run_once()
    assert raised.value.step == "load" and "aborted" not in str(raised.value)
    after = dump(settings.database)
    after.pop("run_log")
    before.pop("run_log")
    assert after == before


def test_analyst_snapshot_holds_no_names(settings, put, run_once):
    put("injuries_valid.csv")
    put(
        "injuries_bad.csv",
        INJURY_HEADER + "R9,eagles,A1,Zoë Secret,2099-01-01,match,thigh,"
        "muscle_contusion,direct_contact,,\n",
    )
    run_once()
    names = ("Ana Okafor", "Ben Müller", "Zoë Secret")
    assert (
        rows(
            settings.database,
            "select count(*) from quarantine where record::varchar like '%Zoë Secret%'",
        )[0][0]
        == 1
    ), "the pipeline database keeps the whole row"
    con = duckdb.connect(str(settings.analyst_database), read_only=True)
    tables = [
        r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()
    ]
    assert "injuries" in tables and "quarantine" in tables
    for table in tables:
        text = con.execute(f"select string_agg(t::varchar, '|') from \"{table}\" t").fetchone()[0]  # noqa: S608
        for name in names:
            assert name not in (text or ""), f"{name} leaked into analyst relation {table}"
        columns = [r[0] for r in con.execute(f'describe "{table}"').fetchall()]
        assert "athlete_name" not in columns


def test_a_reader_of_the_snapshot_keeps_a_whole_run_while_the_next_run_publishes(
    settings, put, run_once
):
    put("injuries_valid.csv")
    run_once()
    reader = duckdb.connect(str(settings.analyst_database), read_only=True)
    assert reader.execute("select count(*) from injuries").fetchone() == (3,)
    put(
        "injuries_more.csv",
        INJURY_HEADER + "R7,eagles,A1,,2026-09-06,match,thigh,muscle_contusion,direct_contact,,\n",
    )
    summary = run_once()  # not blocked by the open reader
    assert summary.status == "success"
    assert reader.execute("select count(*) from injuries").fetchone() == (3,)
    assert reader.execute("select count(*) from run_log").fetchone() == (1,)
    reader.close()
    assert rows(settings.analyst_database, "select count(*) from injuries") == [(4,)]


def test_generated_inbox_accounts_for_every_row(settings):
    generate(settings.inbox, Plan(teams=2, athletes=12, seasons=2, seed=3, end=date(2026, 11, 24)))
    summary = nightly.run(settings, now=TODAY)
    assert summary.rows_in > 3000
    assert summary.rows_quarantined > 0 and summary.rows_loaded > 0
    for f in summary.files:
        assert f.rows_in == f.rows_loaded + f.rows_quarantined
    per_file = dict(
        rows(
            settings.database,
            "select file, count(distinct row_number) from "
            "quarantine where row_number is not null group by file",
        )
    )
    assert per_file == {
        f.file_name: f.rows_quarantined for f in summary.files if f.rows_quarantined
    }
    tables = {f.table_name for f in summary.files}
    assert {"injuries", "exposures", "imaging", None} <= tables
    formats = {f.file_name.rsplit(".", 1)[1] for f in summary.files if f.table_name}
    assert formats == {"csv", "jsonl", "xlsx"}


def test_board_flags_an_expected_return_in_the_past(settings, put, run_once):
    put(
        "injuries_out.csv",
        INJURY_HEADER
        + "R1,eagles,A1,,2026-09-01,match,thigh,muscle_contusion,direct_contact,2026-09-08,\n"
        + "R2,eagles,A2,,2026-10-01,match,thigh,muscle_contusion,direct_contact,,\n"
        + "R3,eagles,A3,,2026-11-24,match,thigh,muscle_contusion,direct_contact,,\n",
    )
    run_once()
    board = (settings.site / "teams" / "eagles" / "board.html").read_text(encoding="utf-8")
    # A2 has been out 55 days where the team's closed thigh contusion took 7: flagged; A3 not
    assert board.count('data-flag="past-expected"') == 1
