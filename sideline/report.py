"""Short text reports printed after a demo run, read from the analyst snapshot."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sideline.db import sql

REFERENCE_POINTS = (
    "reference (SURVEILLANCE.md): UEFA elite football about 8 per 1000 h, match 27.5, "
    "training 4.1, re-injury share 10-12%; MLS 8.7, match 14.0, training 3.4"
)


def rates_overview(analyst_database: Path) -> str:
    con = duckdb.connect(str(analyst_database), read_only=True)
    try:
        frame = con.sql(sql("report/rates_overview")).df()
    finally:
        con.close()
    return (
        "injuries per 1000 h (team, whole record):\n"
        + frame.to_string(index=False)
        + "\n"
        + REFERENCE_POINTS
    )
