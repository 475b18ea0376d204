"""Score stage: the myositis ossificans model over the stored contusions.

Reads `int_mo_inputs`, re-scores only the contusions whose inputs changed (a correction, a new
exam, a later re-injury, a new model version), writes `mo_score`, and rebuilds `mo_risk` with
each reminder's status on the run day. The scoring itself is `sideline.risk.assess`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import pandas as pd

from sideline.db import execute, sql
from sideline.risk import TIER_ORDER, Contusion, Exam, assess, inputs_hash


def contusion_from_row(row: dict[str, Any]) -> Contusion:
    def clean(v: Any) -> Any:
        return None if v is None or (isinstance(v, float) and pd.isna(v)) else v

    exams = tuple(
        Exam(**{k: clean(v) for k, v in exam.items()}) for exam in (row.get("exams") or [])
    )
    fields = {k: clean(row[k]) for k in Contusion.__dataclass_fields__ if k not in ("exams",)}
    if fields["knee_flexion_deg"] is not None:
        fields["knee_flexion_deg"] = int(fields["knee_flexion_deg"])
    return Contusion(**fields, exams=exams)


# a contusion that newly reaches one of these tiers is news for the medical team (SIDELINE_NOTIFY)
ALERT_TIERS = frozenset(TIER_ORDER[TIER_ORDER.index("high") :])


@dataclass(frozen=True)
class Scored:
    rescored: int
    newly_high: list[dict[str, str]]  # team_id, record_id, athlete_id, tier: no names


def score_contusions(con: duckdb.DuckDBPyConnection, run_id: str, as_of: object) -> Scored:
    """Re-score what changed; says how many contusions were (re-)scored and which of them newly
    reached a high tier."""
    relation = con.execute(sql("score/inputs"))
    columns = [d[0] for d in relation.description]
    rows = [dict(zip(columns, r, strict=True)) for r in relation.fetchall()]
    found = con.execute(sql("score/stored_hashes")).fetchall()
    stored = {(t, r): h for t, r, h, _ in found}
    tiers = {(t, r): tier for t, r, _, tier in found}
    rescored = []
    newly_high = []
    for row in rows:
        contusion = contusion_from_row(row)
        digest = inputs_hash(contusion)
        if stored.get((row["team_id"], row["record_id"])) == digest:
            continue
        a = assess(contusion)
        key = (row["team_id"], row["record_id"])
        if a.tier in ALERT_TIERS and tiers.get(key) not in ALERT_TIERS:
            newly_high.append(
                {
                    "team_id": key[0],
                    "record_id": key[1],
                    "athlete_id": row["athlete_id"],
                    "tier": a.tier,
                }
            )
        rescored.append(
            {
                "team_id": row["team_id"],
                "record_id": row["record_id"],
                "athlete_id": row["athlete_id"],
                "injury_date": row["injury_date"],
                "inputs_hash": digest,
                "model_version": a.model_version,
                "scored_run_id": run_id,
                **a.factors,
                **{f"{name}_points": p for name, p in a.points.items()},
                "incomplete": a.incomplete,
                "score": a.score,
                "points_tier": a.points_tier,
                "tier": a.tier,
                "tier_max": a.tier_max,
                "atypical_imaging": a.atypical_imaging,
                "reasons": json.dumps(list(a.reasons)),
                "missing": json.dumps(list(a.missing)),
                "reminders": json.dumps([asdict(r) for r in a.reminders], default=str),
            }
        )
    keys = pd.DataFrame(
        [(r["team_id"], r["record_id"]) for r in rows], columns=["team_id", "record_id"]
    ).astype(object)
    frame = pd.DataFrame(rescored, columns=_SCORE_COLUMNS)
    con.register("current_keys", keys)
    con.register("rescored", frame)
    try:
        con.execute(sql("score/replace"))
    finally:
        con.unregister("current_keys")
        con.unregister("rescored")
    execute(con, sql("score/mo_risk"), {"as_of": as_of})
    return Scored(len(rescored), newly_high)


_SCORE_COLUMNS = [
    "team_id",
    "record_id",
    "athlete_id",
    "injury_date",
    "inputs_hash",
    "model_version",
    "scored_run_id",
    "deep_contusion",
    "reinjury",
    "delayed_treatment",
    "knee_effusion",
    "collision_sport",
    "deep_contusion_points",
    "reinjury_points",
    "delayed_treatment_points",
    "knee_effusion_points",
    "collision_sport_points",
    "incomplete",
    "score",
    "points_tier",
    "tier",
    "tier_max",
    "atypical_imaging",
    "reasons",
    "missing",
    "reminders",
]
