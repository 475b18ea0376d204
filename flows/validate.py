"""Validate stage: run each table's suite over its staged rows, where they are.

Great Expectations validates each staging relation on a SQL datasource over the staging
database (expectations/run.py); the rows it lists as failing are recorded in `staging.failed` and
described, so the load leaves them out. Injuries are validated before imaging, so an exam may
follow up an injury of the same run: the reference rule is a join (sql/validate/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
from sideline.expectations.rules import Context
from sideline.expectations.run import failures, prepare, validate

from sideline.catalogue import TABLES, Table
from sideline.db import fill, sql, sql_for
from sideline.staging import ID_COL, Failure, unique_sql

from .read import Staged
from .stage import Staging


@dataclass
class Validated:
    failures: list[Failure] = field(default_factory=list)
    results: list[dict[str, object]] = field(default_factory=list)
    valid: dict[str, int] = field(default_factory=dict)  # rows per table that passed


def prepare_validation() -> None:
    """Set up Great Expectations' first use in this process in a thread (expectations/run.py)."""
    prepare()


def validate_files(
    staged: list[Staged],
    staging: Staging,
    con: duckdb.DuckDBPyConnection,
    now: datetime,
) -> Validated:
    out = Validated()
    ctx = Context(today=now.date(), now=now)
    for s in staged:
        out.failures.extend(s.failures)  # rows the read stage could not stage
    staging.close()  # every staged row is in
    for name in TABLES:  # injuries first: imaging refers to them
        if staging.rows[name] == 0:
            continue
        con.execute(unique_statement(TABLES[name]))
        if name == "imaging":
            con.execute(sql("validate/injury_found"))
        verdict = validate(name, staging.cursor, ctx)
        out.results.extend(verdict.results)
        failed = sorted(verdict.failed_ids)
        if failed:
            rows = con.execute(
                sql_for("validate/failing_rows", relation=name), {"ids": failed}
            ).df()
            con.execute(sql("validate/record_failed"), {"table_name": name, "ids": failed})
            out.failures.extend(failures(rows.set_index(ID_COL, drop=False), verdict, ctx))
        out.valid[name] = staging.rows[name] - len(failed)
    return out


def unique_statement(table: Table) -> str:
    """The statement filling the staged rows' file-and-unique-key column."""
    return fill(sql_for("validate/unique_key", relation=table.name), unique=unique_sql(table))
