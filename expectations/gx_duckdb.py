"""Great Expectations on DuckDB through SQLAlchemy (duckdb-engine), made to work.

GX 1.x runs a query inside `with engine.connect()` and fetches its rows after the connection
has closed; DuckDB drops a result when its connection closes, so out of the box every
expectation comes back failed with an empty result (`MetricResolutionError: list index out of
range`; GX issues 11579 and 10738). GX keeps one connection open for the dialects it lists in
`_PERSISTED_CONNECTION_DIALECTS`; adding DuckDB there is the whole fix (../shared/GX.md).

The list is GX's internal, so `tests/test_gx_duckdb.py` fails when an upgrade moves or changes
it, and validates a known table to prove the counts are right.
"""

from __future__ import annotations

from great_expectations.execution_engine import sqlalchemy_execution_engine as engine


class _Dialect(str):
    """A dialect name as GX's list holds them: compared as text, with a `.value`."""

    @property
    def value(self) -> str:
        return str(self)


DUCKDB = _Dialect("duckdb")


def keep_duckdb_connections() -> None:
    """Have GX keep its DuckDB connection open while it fetches results (idempotent)."""
    dialects = engine._PERSISTED_CONNECTION_DIALECTS
    if DUCKDB not in dialects:
        engine._PERSISTED_CONNECTION_DIALECTS = (*dialects, DUCKDB)
