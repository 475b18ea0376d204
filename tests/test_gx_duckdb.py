"""The patch that makes Great Expectations work on DuckDB (expectations/gx_duckdb.py) holds.

It changes a GX internal, so an upgrade can break it silently: these fail first. The counts and
listed rows are checked against a table whose failures are known.
"""

from __future__ import annotations

from datetime import date

import duckdb
from great_expectations.execution_engine import sqlalchemy_execution_engine as engine
from sideline.expectations import gx_duckdb
from sideline.expectations.rules import Context
from sideline.expectations.run import validate

from sideline.catalogue import IMAGING
from sideline.staging import staging_schema


def test_gx_still_keeps_the_connections_of_the_dialects_it_lists():
    gx_duckdb.keep_duckdb_connections()
    assert "duckdb" in engine._PERSISTED_CONNECTION_DIALECTS
    # the check GX makes before fetching results, with the dialect name it gives DuckDB
    assert engine._dialect_requires_persisted_connection(connection_string="duckdb:///x.db")


def test_gx_lists_every_failing_row_of_a_staged_table_through_connections_of_its_own():
    host = duckdb.connect()  # the pipeline database's instance, in a run
    host.execute("attach ':memory:' as staging")
    con = host.cursor()
    con.execute("use staging")
    columns = ", ".join(f'"{c}" {t}' for c, t in staging_schema(IMAGING))
    con.execute(f"create table imaging ({columns})")
    con.execute(
        "insert into imaging (__id, __file, __row, team_id, raw__team_id, clean__team_id, "
        "record_id, raw__record_id, clean__record_id, exam_date, ok__exam_date, modality, "
        "injury_found, __unique) "
        "select i, 'f.csv', i + 2, 'eagles', 'eagles', true, 'X' || i, 'X' || i, true, "
        "date '2026-01-01' + i::int, i % 5 <> 3, "
        "case when i % 7 = 0 then 'sonar' else 'xray' end, i <> 11, 'k' || (i // 2) "
        "from range(40) t(i)"
    )
    con.close()

    def connect() -> duckdb.DuckDBPyConnection:
        cursor = host.cursor()
        cursor.execute("use staging")
        return cursor

    ctx = Context(today=date(2026, 1, 20), now=date(2026, 1, 20))  # type: ignore[arg-type]
    verdict = validate("imaging", connect, ctx)
    by_rule = {f.rule: sorted(f.ids) for f in verdict.failed}
    assert by_rule["enum"] == [i for i in range(40) if i % 7 == 0]
    assert by_rule["type_date"] == [i for i in range(40) if i % 5 == 3]
    assert by_rule["not_future"] == list(range(20, 40))
    assert by_rule["references_injury"] == [11]
    assert by_rule["unique_key"] == list(range(40))  # every row shares its key with one other
    counts = {(r["rule"], r["column_name"]): r["unexpected_count"] for r in verdict.results}
    assert counts["enum", "modality"] == 6 and counts["not_future", "exam_date"] == 20
    # GX holds nothing open on it afterwards: the run detaches it when it ends
    host.execute("detach staging")
    host.close()
