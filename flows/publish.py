"""Publish stage: the analyst database, rebuilt whole and swapped in atomically.

The snapshot is written to a temporary file beside the live one and renamed over it, so a
reader that has the old file open keeps reading the old run, a new reader gets the new run, and
nobody ever sees half of one. Analysts never open the pipeline database.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb

from sideline.analyst_docs import comment
from sideline.db import execute, sql, statements
from sideline.settings import Settings


def publish_snapshot(con: duckdb.DuckDBPyConnection, settings: Settings) -> Path:
    target = settings.analyst_database
    temporary = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    values: dict[str, object] = {
        "season_start_month": settings.season_start_month,
        "day_count": settings.day_count,
    }
    con.execute(sql("publish/attach"), [str(temporary)])
    try:
        for _name, statement in statements("analyst"):
            execute(con, statement, values)
        if not settings.analyst_free_text:
            con.execute(sql("publish/without_free_text"))
        comment(con, "snap")  # what every relation and column means, for any DuckDB client
    finally:
        con.execute(sql("publish/detach"))
    _fsync(temporary)
    os.replace(temporary, target)
    _fsync(target.parent)
    return target


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_site(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> Path:
    """The medical site (with names) and, when the setting asks, the pseudonymised copy."""
    from sideline.dashboards.site import build_site

    # the settings the models were built with: a change re-renders every page
    inputs = f"day_count={settings.day_count};open_injury_days={settings.open_injury_days}"
    index = build_site(
        con,
        settings.site,
        as_of=as_of,
        season_start_month=settings.season_start_month,
        timezone=settings.timezone,
        inputs=inputs,
    )
    if settings.public_site:
        build_site(
            con,
            settings.public_site_dir,
            as_of=as_of,
            season_start_month=settings.season_start_month,
            public=True,
            timezone=settings.timezone,
            inputs=inputs,
        )
    return index
