"""The database schema follows the column catalogue, and migrations are recorded once."""

from __future__ import annotations

import duckdb
import pytest

from sideline.catalogue import TABLES
from sideline.db import migrate, migrations

SQL_TYPES = {
    "text": "VARCHAR",
    "enum": "VARCHAR",
    "date": "DATE",
    "time": "TIME",
    "timestamp": "TIMESTAMP",
    "integer": "INTEGER",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
}


@pytest.fixture
def fresh_db() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    migrate(con)
    return con


@pytest.mark.parametrize("name", sorted(TABLES))
def test_history_tables_carry_every_contract_column_with_its_type(fresh_db, name):
    table = TABLES[name]
    described = {
        r[0]: (r[1], r[2]) for r in fresh_db.execute(f"describe {name}_history").fetchall()
    }
    for c in table.columns:
        assert c.name in described, f"{name}_history lacks {c.name}"
        sql_type, nullable = described[c.name]
        assert sql_type == SQL_TYPES[c.kind], c.name
        assert (nullable == "NO") == c.required, c.name
    assert "extra" in described


def test_migrations_are_numbered_and_applied_once(fresh_db):
    numbers = [m[0] for m in migrations()]
    assert numbers == list(range(1, len(numbers) + 1))
    assert migrate(fresh_db) == []
    assert fresh_db.execute("select count(*) from schema_migrations").fetchone() == (len(numbers),)
