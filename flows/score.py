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

from sideline import risk
from sideline.db import execute, fill, sql, sql_for, undone
from sideline.mo_params import FACTOR_NAMES, HIGH_TIERS, number
from sideline.reminders import plan
from sideline.risk import Contusion, Exam, assess, inputs_hash

from .model import Builder, build_key


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
ALERT_TIERS = frozenset(HIGH_TIERS)


@dataclass(frozen=True)
class Scored:
    rescored: int
    newly_high: list[dict[str, str]]  # team_id, record_id, athlete_id, tier: no names


def score_contusions(con: duckdb.DuckDBPyConnection, run_id: str, as_of: object) -> Scored:
    """Re-score what changed; says how many contusions were (re-)scored and which of them newly
    reached a high tier. Only the teams the run loaded rows for are looked at, unless a stored
    score is of another model version or the other teams' scores and contusions differ; then
    every team is (`sql/score/only_touched.sql`)."""
    execute(con, sql("model/touched_teams"), {"run_id": run_id})
    version = {"model_version": risk.MODEL_VERSION}  # the version `assess` writes
    found = con.execute(sql("score/only_touched"), version).fetchone()
    only_touched = bool(found and found[0])
    execute(con, sql("score/teams"), {"only_touched": only_touched})
    rescored, newly_high = _score(con, run_id, as_of)
    # mo_risk is dated (each reminder's status on the run day): built whole on the first run of
    # a day, or when every team was scored; otherwise the touched teams' rows are rebuilt
    builder = Builder(con, run_id, frozenset({"mo_score", "int_mo_inputs", "stg_injuries"}))
    values = {"as_of": as_of, "missed_shown": number("missed_shown_days")}
    builder.build("score/mo_risk.sql", sql("score/mo_risk"), values, may_refresh=only_touched)
    builder.record_changes()
    # on an error the run's transaction takes the temporary tables with it
    builder.drop_copies()
    write_team_versions(con, whole=not only_touched)
    con.execute(sql("score/teams_drop"))
    return Scored(rescored, newly_high)


SCORED = "team_id in (select team_id from score_teams)"


def write_team_versions(con: duckdb.DuckDBPyConnection, *, whole: bool) -> None:
    """Each team's data version (sql/score/team_versions.sql), for the teams in `score_teams`,
    or for every team when `whole` or when the table was last written whole by other SQL or
    another schema (or never, after migration 021)."""
    statement = sql_for("score/team_versions")
    schema = con.execute(sql("model/schema_version")).fetchone()
    key = build_key(statement, {}, schema[0] if schema else None)
    held = dict(con.execute(sql("model/state")).fetchall()).get("team_versions")
    whole = whole or held != key
    con.execute(fill(statement, scope="true" if whole else SCORED))
    if whole:
        execute(con, sql("model/state_set"), {"model": "team_versions", "build_key": key})


def _score(
    con: duckdb.DuckDBPyConnection, run_id: str, as_of: object
) -> tuple[int, list[dict[str, str]]]:
    """Score the contusions of `score_teams` whose inputs changed and replace their scores."""
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
        # news only while the athlete is still out: a model upgrade that re-scores history
        # must not page the medical team about contusions long healed
        still_out = contusion.return_date is None or contusion.return_date > as_of
        if a.tier in ALERT_TIERS and tiers.get(key) not in ALERT_TIERS and still_out:
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
                "reminders": json.dumps([asdict(r) for r in plan(contusion, a)], default=str),
                "scope": contusion.scope,
                "tier_on": a.tier_on,
                "suspected_on": a.suspected_on,
                "atypical_on": a.atypical_on,
            }
        )
    keys = pd.DataFrame(
        [(r["team_id"], r["record_id"]) for r in rows], columns=["team_id", "record_id"]
    ).astype(object)
    frame = pd.DataFrame(rescored, columns=_SCORE_COLUMNS)
    con.register("current_keys", keys)
    con.register("rescored", frame)
    with undone(lambda: (con.unregister("current_keys"), con.unregister("rescored"))):
        con.execute(sql("score/replace"))
    return len(rescored), newly_high


_SCORE_COLUMNS = [
    "team_id",
    "record_id",
    "athlete_id",
    "injury_date",
    "inputs_hash",
    "model_version",
    "scored_run_id",
    *FACTOR_NAMES,
    *(f"{name}_points" for name in FACTOR_NAMES),
    "incomplete",
    "score",
    "points_tier",
    "tier",
    "tier_max",
    "atypical_imaging",
    "reasons",
    "missing",
    "reminders",
    "scope",
    "tier_on",
    "suspected_on",
    "atypical_on",
]
