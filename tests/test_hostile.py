"""Hostile input (issue 8): no file stops the night, no row is lost, no name leaks.

Each test drops files a new user or an attacker would (tests/hostile.py) and checks the run
goes on, every row ends loaded or quarantined with its reason, and names stay in the pipeline
database. The last test drops all of them at once beside good files.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import duckdb
import pytest
from sideline.flows import nightly, pipeline, read, records

from sideline.cli import main
from sideline.exits import EXIT_NOT_PUBLISHED, EXIT_ROWS_FAILED, EXIT_USAGE
from sideline.settings import Settings, SettingsError, unknown_variables

from . import hostile
from .conftest import SCENARIOS, TODAY, dump, rows


def drop(settings: Settings, *files: hostile.Hostile) -> None:
    for f in files:
        (settings.inbox / f.name).write_bytes(f.content)


def ledger(settings: Settings) -> dict[str, tuple[object, ...]]:
    found = rows(
        settings.database,
        "select file_name, status, rows_in, rows_loaded, rows_quarantined, reason from file_ledger",
    )
    return {r[0]: r[1:] for r in found}  # type: ignore[misc]


def quarantined(settings: Settings, file: str) -> list[tuple[object, ...]]:
    return rows(
        settings.database,
        "select row_number, column_name, rule from quarantine where file = ? "
        "order by row_number nulls first, column_name, rule",
        [file],
    )


def name_words(names: list[str]) -> set[str]:
    return {w.lower() for n in names for w in re.split(r"[^\w]+", n) if len(w) >= 3}


def leaks_in_text(text: str, names: list[str]) -> set[str]:
    """Words of the names that stand as words in the text (`zed` in `normalized` is none)."""
    words = set(re.findall(r"\w+", html.unescape(text).lower()))
    return name_words(names) & words


def analyst_leaks(path: Path, names: list[str]) -> dict[str, set[str]]:
    """Name words found in any text cell of any relation of a DuckDB file."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        leaks = {}
        tables = con.execute("select table_name from information_schema.tables").fetchall()
        for (table,) in tables:
            text = con.execute(
                f"select string_agg(t::varchar, '|') from \"{table}\" t"  # noqa: S608
            ).fetchone()
            found = leaks_in_text(text[0] or "", names) if text else set()
            if found:
                leaks[table] = found
        return leaks
    finally:
        con.close()


# ---- 1. names on error paths ------------------------------------------------------------------


def test_names_on_error_paths_stay_in_the_pipeline_database(settings):
    files = [
        hostile.field_count(),
        hostile.jsonl_broken(),
        hostile.headerless(),
        hostile.unquoted_comma(),
        hostile.extra_columns(),
        hostile.name_in_notes(),
    ]
    drop(settings, *files)
    nightly.run(settings, now=TODAY)
    names = [n for f in files for n in f.names]
    assert analyst_leaks(settings.analyst_database, names) == {}
    # nothing is lost: the pipeline database keeps the rows as read, names and all
    kept = rows(settings.database, "select string_agg(record::varchar, '|') from quarantine")
    assert "Yolanda Fennimore" in kept[0][0] and "Walter Extracol" in kept[0][0]
    assert "Commasplit" in kept[0][0] and "Jasmine Cutline" in kept[0][0]
    # the messages say what is wrong without quoting the file
    reason = ledger(settings)["export_noheader.csv"][-1]
    assert str(reason).startswith("unknown_table:") and "rupert" not in str(reason).lower()
    assert quarantined(settings, "injuries_fieldcount.csv") == [(3, None, "field_count")]
    assert quarantined(settings, "injuries_comma.csv") == [(2, None, "field_count")]
    assert quarantined(settings, "injuries_broken.jsonl") == [(2, None, "json"), (3, None, "json")]


def test_raw_values_of_structured_columns_still_reach_analysts(settings):
    drop(settings, hostile.extra_columns())
    nightly.run(settings, now=TODAY)
    assert rows(
        settings.analyst_database,
        "select row_number, column_name, rule, raw_value, message from quarantine",
    ) == [(2, "injury_date", "type_date", "not-a-date", "injury_date is not a valid date")]
    columns = [r[0] for r in rows(settings.analyst_database, "describe quarantine")]
    assert "record" not in columns
    assert rows(
        settings.analyst_database, "select file, row_number, rule from quarantine_last_run"
    ) == [("injuries_extra.csv", 2, "type_date")]


def test_a_raw_value_holding_a_known_name_is_blanked_whatever_its_column(settings):
    text = hostile.csv_text(
        hostile.INJURY_COLUMNS,
        [
            hostile.injury("H-K1", "HAWK-50", "Kasimir Knownname"),
            [
                *hostile.injury("H-K2", "HAWK-51", "")[:4],
                "Knownname",
                *hostile.injury("", "", "")[5:],
            ],
        ],
    )
    drop(settings, hostile.Hostile("injuries_known.csv", text.encode()))
    nightly.run(settings, now=TODAY)
    assert rows(
        settings.analyst_database, "select column_name, rule, raw_value from quarantine"
    ) == [("injury_date", "type_date", None)]


def test_free_text_reaches_analysts_only_when_the_team_opts_in(settings, monkeypatch):
    drop(settings, hostile.name_in_notes())
    nightly.run(settings, now=TODAY)
    columns = [r[0] for r in rows(settings.analyst_database, "describe injuries")]
    assert "notes" not in columns and "athlete_name" not in columns
    assert "impression" not in [r[0] for r in rows(settings.analyst_database, "describe imaging")]
    monkeypatch.setenv("SIDELINE_ANALYST_FREE_TEXT", "true")
    opted = Settings.from_env()
    nightly.run(opted, now=TODAY)
    assert rows(opted.analyst_database, "select notes from injuries") == [
        ("Zed Quokkason hit by knee",)
    ]


def test_export_and_public_site_carry_no_names(settings, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SIDELINE_PUBLIC_SITE", "true")
    public = Settings.from_env()
    files = [hostile.field_count(), hostile.extra_columns(), hostile.name_in_notes()]
    drop(public, *files)
    nightly.run(public, now=TODAY)
    names = [n for f in files for n in f.names]
    quality = (public.public_site_dir / "quality.html").read_text(encoding="utf-8")
    assert "field_count" in quality and leaks_in_text(quality, names) == set()
    assert main(["export", str(tmp_path / "out")]) == 0
    for path in (tmp_path / "out").rglob("*"):
        if path.suffix == ".parquet":
            con = duckdb.connect()
            text = con.execute(
                "select string_agg(t::varchar, '|') from read_parquet(?) t", [str(path)]
            ).fetchone()
            con.close()
            assert leaks_in_text(text[0] or "", names) == set(), path.name
        elif path.is_file():
            assert leaks_in_text(path.read_text(encoding="utf-8"), names) == set(), path.name
    export = (tmp_path / "out" / "injurytools_injuries.csv").read_text(encoding="utf-8")
    assert "thigh muscle contusion" in export  # injury comes from region and tissue


# ---- 2. one file never stops the night --------------------------------------------------------


def test_the_same_download_twice_in_one_run(settings, put):
    put("injuries_valid.csv")
    (settings.inbox / "injuries_valid (1).csv").write_bytes(
        (SCENARIOS / "injuries_valid.csv").read_bytes()
    )
    summary = nightly.run(settings, now=TODAY)
    assert summary.rows_loaded == 3
    found = ledger(settings)
    # "x (1).csv" sorts first, so it is read, and the other is its duplicate
    assert found["injuries_valid (1).csv"][:2] == ("loaded", 3)
    assert found["injuries_valid.csv"][0] == "duplicate"
    assert "same content as injuries_valid (1).csv" in str(found["injuries_valid.csv"][-1])


@pytest.mark.parametrize(
    "make, table, rules",
    [
        (hostile.long_note, "injuries", []),
        (hostile.cut_inside_quotes, "injuries", [(3, None, "unterminated_quote")]),
        (hostile.deep_json, "exposures", [(2, None, "json"), (3, "minutes", "type_number")]),
    ],
)
def test_a_damaged_file_quarantines_its_bad_rows_and_loads_the_rest(
    settings, put, make, table, rules
):
    f = make()
    drop(settings, f)
    put("exposures_valid.csv")
    summary = nightly.run(settings, now=TODAY)
    entry = next(e for e in summary.files if e.file_name == f.name)
    assert (entry.table_name, entry.rows_loaded) == (table, f.good_rows)
    assert entry.rows_in == entry.rows_loaded + entry.rows_quarantined
    assert quarantined(settings, f.name) == rules


def test_a_long_note_loads_whole(settings):
    drop(settings, hostile.long_note())
    nightly.run(settings, now=TODAY)
    # 20,000 x "thigh hit. ", less the trailing space every cell loses
    assert rows(settings.database, "select length(notes) from injuries_latest") == [(219_999,)]


def test_files_that_cannot_be_read_are_quarantined_and_the_run_goes_on(settings, put, monkeypatch):
    drop(settings, hostile.xlsx_cut())
    secret = settings.inbox / "injuries_secret.csv"
    secret.write_text("x", encoding="utf-8")
    put("exposures_valid.csv")
    if os.geteuid() == 0:  # root reads any file: make the read fail as it does for others
        real = read.read_bytes

        def denied(path: Path) -> bytes:
            if path.name == secret.name:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr("sideline.flows.discover.read_bytes", denied)
    else:
        secret.chmod(0)
    summary = nightly.run(settings, now=TODAY)
    found = ledger(settings)
    assert found["exposures_valid.csv"][:3] == ("loaded", summary.rows_loaded, summary.rows_loaded)
    assert found["injuries_cut.xlsx"][0] == "quarantined"
    assert "cannot be read to its end" in str(found["injuries_cut.xlsx"][-1])
    assert found["injuries_secret.csv"][0] == "quarantined"
    assert "Permission denied" in str(found["injuries_secret.csv"][-1])
    again = nightly.run(settings, now=TODAY)  # reported once, not every night
    assert again.files == []


# ---- 3. XLSX ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, rules",
    [
        (hostile.xlsx_dimension_lie, []),
        (hostile.xlsx_formula, [(3, "minutes", "formula_without_value")]),
        (hostile.xlsx_styled_cell, []),
    ],
)
def test_xlsx_rows_are_all_read(settings, make, rules):
    f = make()
    drop(settings, f)
    summary = nightly.run(settings, now=TODAY)
    (entry,) = summary.files
    assert entry.rows_loaded == f.good_rows and entry.rows_in == f.good_rows + len(rules)
    assert quarantined(settings, f.name) == rules


def test_an_xlsx_bomb_is_refused_before_it_takes_the_memory(tmp_path, monkeypatch):
    path = tmp_path / "exposures_big.xlsx"
    path.write_bytes(hostile.workbook(hostile.exposure_rows(1, 50)))
    monkeypatch.setattr(records, "XLSX_MAX_UNCOMPRESSED", 4096)
    failure = read.read_file(path).file_failure
    assert failure is not None and failure.rule == "xlsx_too_large"
    monkeypatch.setattr(records, "XLSX_MAX_UNCOMPRESSED", 256 * 2**20)
    monkeypatch.setattr(records, "XLSX_MAX_ROWS", 20)
    failure = read.read_file(path).file_failure
    assert failure is not None and failure.rule == "xlsx_too_large" and "20 rows" in failure.message


# ---- 4-7. keys, team `all`, row numbers, links ------------------------------------------------


def test_ids_with_control_characters_cannot_merge_two_records(settings):
    drop(settings, hostile.key_collision())
    nightly.run(settings, now=TODAY)
    assert quarantined(settings, "injuries_keys.jsonl") == [
        (1, "record_id", "control_character"),
        (2, "team_id", "control_character"),
    ]


def test_a_team_called_all_is_not_the_across_teams_row(settings, put):
    put("injuries_valid.csv")
    drop(settings, hostile.team_all())
    nightly.run(settings, now=TODAY)
    found = rows(
        settings.analyst_database,
        "select team_id, all_teams, injuries from injury_rates where season = 'all' order by all",
    )
    assert found == [("all", False, 1), ("eagles", False, 3), (None, True, 4)]


def test_row_numbers_are_the_lines_an_editor_shows(settings):
    drop(settings, hostile.blank_lines())
    nightly.run(settings, now=TODAY)
    assert quarantined(settings, "exposures_blank.csv") == [(6, "minutes", "type_number")]


def test_a_symlink_is_quarantined_and_never_followed(settings, put):
    (settings.inbox / "injuries_link.csv").symlink_to("/etc/passwd")
    put("injuries_valid.csv")
    summary = nightly.run(settings, now=TODAY)
    assert summary.rows_loaded == 3
    assert ledger(settings)["injuries_link.csv"][0] == "quarantined"
    assert quarantined(settings, "injuries_link.csv") == [(None, None, "symlink")]
    copies = list(settings.quarantine_dir.glob("*")) if settings.quarantine_dir.exists() else []
    assert not any("root:" in p.read_text(errors="replace") for p in copies)


# ---- 8. telling the truth when publishing fails -----------------------------------------------


def test_a_publish_failure_after_the_commit_is_reported_as_loaded_not_published(
    settings, put, capsys
):
    put("injuries_valid.csv")
    settings.analyst_database.mkdir(parents=True)  # a folder where the snapshot goes
    (settings.home / "analyst.duckdb.tmp-999999").write_bytes(b"left by a killed run")
    (settings.home / "site.tmp-999999").mkdir()
    with pytest.raises(pipeline.RunFailed) as raised:
        nightly.run(settings, now=TODAY)
    assert raised.value.step == "publish" and raised.value.committed
    status, step, loaded, message = rows(
        settings.database, "select status, step, rows_loaded, message from run_log"
    )[0]
    assert (status, step, loaded) == ("failed", "publish", 3)
    assert "loaded and committed" in str(message) and "next run publishes" in str(message)
    assert not (settings.home / "analyst.duckdb.tmp-999999").exists()
    assert not (settings.home / "site.tmp-999999").exists()
    settings.analyst_database.rmdir()
    summary = nightly.run(settings, now=TODAY)  # nothing new, and it publishes
    assert summary.files == [] and settings.analyst_database.is_file()
    assert rows(settings.analyst_database, "select count(*) from injuries") == [(3,)]


def test_the_cli_says_loaded_not_published(settings, put, capsys, monkeypatch):
    put("injuries_valid.csv")
    settings.analyst_database.mkdir(parents=True)
    monkeypatch.setattr("sideline.flows.nightly.nightly", _plain_run, raising=False)
    assert main(["run", "--quiet"]) == EXIT_NOT_PUBLISHED
    err = capsys.readouterr().err
    assert "loaded and committed, but publishing failed" in err
    assert "the next run publishes" in err and "as it was before" not in err


def _plain_run(settings: Settings, progress: object = None) -> pipeline.RunSummary:
    return nightly.run(settings, now=TODAY)


def test_a_damaged_database_file_reports_the_read_error(settings, put, capsys, monkeypatch):
    put("injuries_valid.csv")
    nightly.run(settings, now=TODAY)
    data = settings.database.read_bytes()
    settings.database.write_bytes(data[: len(data) // 2])
    put("exposures_valid.csv")
    monkeypatch.setattr("sideline.flows.nightly.nightly", _plain_run, raising=False)
    assert main(["run", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Could not read" in err or "IO Error" in err, err


def test_an_unusable_home_fails_at_once(settings, monkeypatch, capsys):
    import errno
    import tempfile

    def read_only(*args: object, **kwargs: object) -> object:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    assert main(["run", "--quiet"]) == EXIT_USAGE
    assert "is not writable (Read-only file system)" in capsys.readouterr().err


# ---- 9. deterministic builds ------------------------------------------------------------------


def test_two_clean_builds_of_one_inbox_give_identical_relations(tmp_path, monkeypatch):
    from sideline.generate import Plan, generate

    inbox = tmp_path / "inbox"
    generate(inbox, Plan(teams=2, athletes=24, seasons=2, seed=11, end=TODAY.date()))
    dumps = []
    for build in ("a", "b"):
        monkeypatch.setenv("SIDELINE_HOME", str(tmp_path / build))
        s = Settings.from_env()
        s.inbox.mkdir(parents=True)
        for f in inbox.iterdir():
            (s.inbox / f.name).write_bytes(f.read_bytes())
        nightly.run(s, now=TODAY)
        dumps.append(_stable(dump(s.analyst_database)))
    assert dumps[0].keys() == dumps[1].keys()
    for name in dumps[0]:
        assert dumps[0][name] == dumps[1][name], f"{name} differs between two builds"


def _stable(tables: dict[str, list[tuple[object, ...]]]) -> dict[str, list[str]]:
    """Rows with the run's own id and clock times masked: those differ by design."""
    run_id = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")
    clock = re.compile(
        r"datetime\.datetime\(20\d\d, \d+, \d+, \d+, \d+, \d+, \d+(, tzinfo=[^)]*\))?\)"
    )
    return {
        name: sorted(clock.sub("T", run_id.sub("R", repr(r))) for r in found)
        for name, found in tables.items()
        if name not in ("run_log", "snapshot_info", "file_ledger")
    }


# ---- 10. two sessions of one day --------------------------------------------------------------


def test_two_a_day_sessions_both_load_and_a_later_file_replaces_them(settings):
    drop(settings, hostile.two_a_day())
    nightly.run(settings, now=TODAY)
    day = "select minutes from exposures where athlete_id = 'HAWK-40' order by minutes"
    assert rows(settings.analyst_database, day) == [(60.0,), (75.0,)]
    nightly.run(settings, now=TODAY)  # re-run: nothing changes
    assert rows(settings.analyst_database, day) == [(60.0,), (75.0,)]
    (settings.inbox / "exposures_twoaday_fixed.csv").write_text(
        "team_id,athlete_id,date,activity,minutes\nhawks,HAWK-40,2026-09-08,training,90\n",
        encoding="utf-8",
    )
    nightly.run(settings, now=TODAY)
    assert rows(settings.analyst_database, day) == [(90.0,)]
    assert rows(settings.database, "select count(*) from exposures_history") == [(3,)]


def test_a_repeated_session_id_is_a_duplicate(settings):
    text = (
        "team_id,athlete_id,date,activity,minutes,session_id\n"
        "hawks,HAWK-41,2026-09-08,training,60,am\nhawks,HAWK-41,2026-09-08,training,50,am\n"
        "hawks,HAWK-41,2026-09-08,training,40,pm\n"
    )
    (settings.inbox / "exposures_sessions.csv").write_text(text, encoding="utf-8")
    nightly.run(settings, now=TODAY)
    rule = ("team_id+athlete_id+date+activity+session_id",)
    assert quarantined(settings, "exposures_sessions.csv") == [
        (2, *rule, "unique_key"),
        (3, *rule, "unique_key"),
    ]
    assert rows(settings.analyst_database, "select session_id, minutes from exposures") == [
        ("pm", 40.0)
    ]


# ---- 12. command line -------------------------------------------------------------------------


def test_usage_errors_exit_64(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["no-such-command"])
    assert raised.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as raised:
        main(["query"])
    assert raised.value.code == EXIT_USAGE


def test_check_takes_a_folder(settings, capsys):
    assert main(["check", str(SCENARIOS / "rules")]) == EXIT_ROWS_FAILED
    err = capsys.readouterr().err
    files = [p for p in (SCENARIOS / "rules").iterdir() if p.is_file()]
    assert f"checked {len(files)} file(s)" in err


def test_misspelt_settings_warn_and_bad_values_are_refused(monkeypatch):
    env = {"SIDELINE_HOME": "x", "SIDELINE_DAYCOUNT": "calendar"}
    (warning,) = unknown_variables(env)
    assert "SIDELINE_DAYCOUNT" in warning and "SIDELINE_DAY_COUNT" in warning
    with pytest.raises(SettingsError, match="SIDELINE_OPEN_INJURY_DAYS"):
        Settings.from_env({"SIDELINE_OPEN_INJURY_DAYS": "-3"})


def test_hints_give_a_command_that_works_as_printed(monkeypatch, tmp_path):
    from sideline.cli import command_name

    script = tmp_path / "venv" / "bin" / "sideline"
    script.parent.mkdir(parents=True)
    script.write_text("", encoding="utf-8")
    monkeypatch.setattr("sys.argv", [str(script)])
    monkeypatch.setenv("PATH", "/usr/bin")
    assert command_name() == str(script.resolve())
    monkeypatch.setattr("sys.argv", ["-c"])
    assert command_name().endswith("-m sideline")


# ---- all of it at once ------------------------------------------------------------------------


def test_a_hostile_inbox_beside_good_files(settings, put, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SIDELINE_PUBLIC_SITE", "true")
    s = Settings.from_env()
    files = hostile.every_file()
    drop(s, *files)
    (s.inbox / "injuries_fieldcount (1).csv").write_bytes(files[0].content)
    files[0] = hostile.Hostile(files[0].name, files[0].content, files[0].names, 0)  # a twin
    (s.inbox / "injuries_link.csv").symlink_to("/etc/passwd")
    put("injuries_valid.csv")
    put("exposures_valid.csv")
    put("imaging_valid.jsonl")
    monkeypatch.setattr("sideline.flows.nightly.nightly", _plain_run, raising=False)
    assert main(["run", "--strict", "--quiet"]) == EXIT_ROWS_FAILED
    found = ledger(s)
    for name, (_status, rows_in, loaded, quarantined_rows, _reason) in found.items():
        assert rows_in == loaded + quarantined_rows, name
    for f in files:
        assert found[f.name][2] == f.good_rows, f.name
    # the browser's second download sorts first, so it was read and the original is its twin
    assert found["injuries_fieldcount (1).csv"][:3] == ("partial", 2, 1)
    assert found["injuries_valid.csv"][:3] == ("loaded", 3, 3)
    assert found["exposures_valid.csv"][0] == "loaded"
    assert found["imaging_valid.jsonl"][0] == "loaded"
    assert main(["export", str(tmp_path / "out")]) == 0
    names = [n for f in files for n in f.names]
    assert analyst_leaks(s.analyst_database, names) == {}
    for path in (tmp_path / "out").rglob("*.parquet"):
        con = duckdb.connect()
        text = con.execute("select string_agg(t::varchar, '|') from read_parquet(?) t", [str(path)])
        assert leaks_in_text(text.fetchone()[0] or "", names) == set(), path.name
        con.close()
    for path in (tmp_path / "out").glob("*.csv"):
        assert leaks_in_text(path.read_text(encoding="utf-8"), names) == set(), path.name
    for page in s.public_site_dir.rglob("*.html"):
        assert leaks_in_text(page.read_text(encoding="utf-8"), names) == set(), page.name
    assert rows(s.database, "select count(*) from quarantine where record is not null")[0][0] > 0
