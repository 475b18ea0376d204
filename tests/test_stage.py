"""Rows stream through the staging database: a file's text is released once staged, rows are
written in bounded chunks, the staging database goes with the run, and stored row hashes are
recomputed once when their formula changes."""

from __future__ import annotations

import duckdb
import pytest
from sideline.flows import stage

from sideline.db import connect

from .conftest import rows


def exposures(first_day: int, count: int) -> str:
    lines = ["team_id,athlete_id,date,activity,minutes"]
    lines += [
        f"eagles,EAG-{i:03d},2026-09-{first_day:02d},training,{30 + i % 60}" for i in range(count)
    ]
    return "\n".join(lines) + "\n"


def test_texts_are_parsed_in_bounded_batches_and_every_row_loads_once(
    settings, put, run_once, monkeypatch
):
    monkeypatch.setattr(stage, "CHUNK_ROWS", 7)  # many batches of distinct texts
    parsed: dict[str, list[int]] = {}
    real = stage.parse_text

    def counting(column, text, *args):
        parsed.setdefault(column.name, []).append(len(text))
        return real(column, text, *args)

    monkeypatch.setattr(stage, "parse_text", counting)
    for day in range(1, 6):
        put(f"exposures_{day}.csv", exposures(day, 20))
    summary = run_once()
    assert summary.rows_loaded == 100
    # each distinct text once: 5 dates, 20 minute values, one activity, in batches of 7 at most
    assert max(max(sizes) for sizes in parsed.values()) <= 7
    assert {name: sum(parsed[name]) for name in ("date", "minutes", "activity")} == {
        "date": 5,
        "minutes": 20,
        "activity": 1,
    }
    assert rows(settings.database, "select count(*) from exposures_history") == [(100,)]
    assert not settings.staging.exists(), "a night stages in memory, and nothing is left"


@pytest.mark.parametrize("in_memory", [True, False])
def test_the_staging_database_goes_with_its_run_and_is_bounded_by_the_memory_limit(
    settings, put, monkeypatch, in_memory
):
    """The staged rows live in the pipeline database's instance (under SIDELINE_MEMORY_LIMIT),
    in memory for a night's files and in a file beside the database for a large inbox, seen
    there by Great Expectations, and are gone when the run ends."""
    import dataclasses

    from sideline.expectations import run as gx_run
    from sideline.flows import nightly

    seen: list[tuple[str, int, bool]] = []
    real = gx_run._run_suite

    def running(table, staging, ctx):  # type: ignore[no-untyped-def]
        cursor = staging()
        limit = cursor.execute("select current_setting('memory_limit')").fetchone()
        count = cursor.execute(f"select count(*) from {table}").fetchone()  # noqa: S608
        seen.append(
            (
                str(limit[0] if limit else None),
                int(count[0] if count else -1),
                settings.staging.exists(),
            )
        )
        cursor.close()
        return real(table, staging, ctx)

    monkeypatch.setattr(gx_run, "_run_suite", running)
    monkeypatch.setattr(stage.Staging, "in_memory", staticmethod(lambda *_: in_memory))
    put("exposures_1.csv", exposures(1, 4))
    summary = nightly.run(dataclasses.replace(settings, memory_limit="750MB"))
    assert summary.rows_loaded == 4
    assert seen == [("715.2 MiB", 4, not in_memory)], seen  # DuckDB shows 750MB in MiB
    assert not settings.staging.exists()
    con = connect(settings.database)
    try:
        found = con.execute("select database_name from duckdb_databases()").fetchall()
    finally:
        con.close()
    assert ("staging",) not in found


def test_a_night_stages_in_memory_and_a_large_inbox_in_a_file():
    assert stage.Staging.in_memory(52_000_000, "1GB")  # 1.2M exposure rows
    assert not stage.Staging.in_memory(455_000_000, "1GB")  # 10M
    assert stage.Staging.in_memory(455_000_000, "4GiB")
    assert stage.Staging.in_memory(10**12, None)


def test_a_staging_file_left_by_a_killed_run_is_removed(settings, put, run_once):
    settings.staging.parent.mkdir(parents=True, exist_ok=True)
    duckdb.connect(str(settings.staging)).close()
    put("exposures_1.csv", exposures(1, 3))
    assert run_once().rows_loaded == 3
    assert not settings.staging.exists()


def test_stored_hashes_are_recomputed_once_so_a_resent_file_adds_no_version(
    settings, put, run_once
):
    put("exposures_1.csv", exposures(1, 5))
    run_once()
    con = connect(settings.database)
    # as a database from before the formula changed: other hashes, no scheme recorded
    con.execute("update exposures_history set row_hash = cast(source_row as uhugeint)")
    con.execute("delete from row_hash_scheme")
    con.close()
    connect(settings.database).close()
    stale = "select count(*) from exposures_history where row_hash = cast(source_row as uhugeint)"
    assert rows(settings.database, stale) == [(0,)]
    header, *body = exposures(1, 5).splitlines()
    # the same records in another order: other bytes, so the file is read, and no change
    put("exposures_1_resent.csv", "\n".join([header, *reversed(body)]) + "\n")
    summary = run_once()
    assert summary.rows_loaded == 5 and summary.versions_written.get("exposures", 0) == 0
    assert rows(settings.database, "select max(version) from exposures_history") == [(1,)]


def test_pending_rows_must_be_written_before_they_are_read(tmp_path):
    staging = stage.Staging(duckdb.connect())
    from sideline.flows.read import read_file

    path = tmp_path / "exposures_1.csv"
    path.write_text(exposures(1, 3), encoding="utf-8")
    staged = read_file(path)
    from zoneinfo import ZoneInfo

    staging.append(staged, ZoneInfo("UTC"))
    assert staged.frame.empty and staged.rows == 3  # the text is released once taken
    with pytest.raises(RuntimeError, match="pending"):
        staging.close()
    staging.finish(ZoneInfo("UTC"))
    assert staging.cursor().execute("select count(*) from exposures").fetchone() == (3,)
    staging.remove()
