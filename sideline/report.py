"""Short text reports printed after a demo run, read from the analyst snapshot."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from sideline.db import sql
from sideline.mo_params import DISCLAIMER, HIGH_TIERS, MODEL_VERSION, TIER_ORDER

REFERENCE_POINTS = (
    "reference (docs/definitions.md): UEFA elite football about 8 per 1000 h, match 27.5, "
    "training 4.1, re-injury share 10-12%; MLS 8.7, match 14.0, training 3.4"
)


def _frame(analyst_database: Path, report: str) -> pd.DataFrame:
    con = duckdb.connect(str(analyst_database), read_only=True)
    try:
        return con.sql(sql(f"report/{report}")).df()
    finally:
        con.close()


def rates_overview(analyst_database: Path) -> str:
    frame = _frame(analyst_database, "rates_overview")
    return (
        "injuries per 1000 h (team, whole record):\n"
        + frame.to_string(index=False)
        + "\n"
        + REFERENCE_POINTS
    )


def mo_tiers(analyst_database: Path) -> str:
    frame = _frame(analyst_database, "mo_tiers")
    frame = frame.sort_values("tier", key=lambda t: t.map(TIER_ORDER.index))
    if frame.empty:
        return "myositis ossificans risk: no thigh contusions scored"
    total = int(frame["contusions"].sum())
    # the literature's incidence is of quadriceps contusions: hamstring and adductor ones
    # (not_validated) are left out of the comparison
    scored = int(frame.loc[frame["tier"] != "not_validated", "contusions"].sum())
    high = int(frame.loc[frame["tier"].isin(HIGH_TIERS), "contusions"].sum())
    share = f"{100 * high / scored:.1f}%" if scored else "n/a"
    return (
        f"myositis ossificans risk over {total} thigh contusions (model {MODEL_VERSION}):\n"
        + frame.to_string(index=False)
        + f"\nhigh or above (incl. suspected/diagnosed MO): {high} of {scored} anterior-thigh "
        f"contusions ({share}); published MO incidence after quadriceps contusion 5-20% (9% "
        "at West Point, Ryan et al. 1991)\n" + DISCLAIMER
    )
