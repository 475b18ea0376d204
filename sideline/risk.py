"""Myositis ossificans risk model v2 (CLINICAL.md): factors, tiers and imaging; pure, no I/O.

The weights are a transparent prior, not an estimate: Ryan et al. 1991 report univariate
associations from about ten MO cases among young cadets. Tiers and reasons are shown, never
percentages. Every number and code comes from `sideline.mo_params`; the reminders that follow
from an assessment are `sideline.reminders`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from sideline.mo_params import (
    FACTOR_NAMES,
    MAX_POINTS,
    MODEL_VERSION,
    State,
    codes,
    number,
    tier_floor,
    tier_of,
)

Scope = Literal["quadriceps", "other_compartment", "diagnosed"]
Reinjury = Literal["exacerbation", "recurrence", "unknown_side", "unknown_return"]


@dataclass(frozen=True)
class Exam:
    record_id: str
    exam_date: date
    modality: str
    echogenicity: str | None = None
    calcification: str | None = None
    lesion_layer: str | None = None
    lesion_size_mm: float | None = None


@dataclass(frozen=True)
class Contusion:
    """One contusion as stored (`int_mo_inputs`); `scope` and `reinjury` are derived in SQL
    from the same parameter table."""

    record_id: str
    injury_date: date
    injury_time: time | None = None
    scope: Scope = "quadriceps"
    side: str | None = None
    sport: str | None = None
    osiics_code: str | None = None
    return_date: date | None = None
    first_treatment_at: datetime | None = None
    knee_flexion_deg: int | None = None
    knee_flexion_at: datetime | None = None
    contusion_grade: str | None = None
    knee_effusion: bool | None = None
    reinjury: Reinjury | None = None
    reinjury_of: str | None = None
    exams: tuple[Exam, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One factor: its state, points, the reasons, the fields whose absence made it unknown,
    and the day its evidence was there (what a tier reached through it counts from)."""

    state: State
    points: int
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()
    on: date | None = None


@dataclass(frozen=True)
class Assessment:
    factors: dict[str, State]
    points: dict[str, int]
    score: int | None  # None outside the model's scope
    incomplete: bool
    points_tier: str  # the tier the points give (low ... very_high), or not_validated
    points_tier_max: str
    tier: str  # points_tier unless imaging or a code overrides it
    tier_max: str
    points_tier_on: date  # the day the points first reached `points_tier`
    tier_on: date  # the day the evidence first reached `tier` (an exam for suspected_mo)
    deep_points: int | None  # None when depth is unknown
    deep_on: date  # the day the depth was known
    atypical_imaging: bool  # an atypical finding not yet resolved
    atypical_on: date | None  # the exam that opened the latest atypical finding
    suspected_on: date | None  # the first exam with MO calcification
    reasons: tuple[str, ...]
    missing: tuple[str, ...]  # contract field names to record
    model_version: str = MODEL_VERSION


def incident_at(c: Contusion) -> datetime:
    """Incident time; a missing time is the end of the day, so it never makes a delay."""
    if c.injury_time is not None:
        return datetime.combine(c.injury_date, c.injury_time)
    return datetime.combine(c.injury_date + timedelta(days=1), time(0))


def _known(value: str | None) -> str | None:
    return None if value in (None, "", "unknown") else value


# ---- factors ----------------------------------------------------------------------------------


def flexion_timing(c: Contusion) -> tuple[bool, str, date]:
    """Whether the recorded flexion may grade the contusion, how to say when it was measured,
    and the day it was known."""
    if c.knee_flexion_at is None:
        return True, "time not recorded, taken as 12-48 h", c.injury_date + timedelta(days=1)
    after = c.knee_flexion_at - incident_at(c)
    hours = max(after.total_seconds() / 3600, 0)
    if after > timedelta(days=number("flexion_grading_days")):
        return (
            False,
            f"measured {hours / 24:.0f} days after the incident, later than "
            f"{number('flexion_grading_days')} days: it reflects recovery and grades nothing",
            c.knee_flexion_at.date(),
        )
    return True, f"at {hours:.0f} h", c.knee_flexion_at.date()


def deep_contusion(c: Contusion) -> Finding:
    supports: list[tuple[int, str, date]] = []
    late: list[str] = []
    measured = False
    if c.knee_flexion_deg is not None:
        grades, when, on = flexion_timing(c)
        f = c.knee_flexion_deg
        if not grades:
            late.append(f"knee flexion {f} deg {when}")
        else:
            measured = True
            if f < number("flexion_severe_below"):
                p, what = number("deep_severe_points"), "severe contusion"
            elif f <= number("flexion_moderate_to"):
                p, what = number("deep_moderate_points"), "moderate contusion"
            elif f < number("flexion_mild_below"):
                p = number("deep_mild_points")
                what = f"mild contusion, under {number('flexion_mild_below')} deg"
            else:
                p, what = 0, f"{number('flexion_mild_below')} deg or more"
            points = f"+{p}" if p else "0"
            supports.append((p, f"knee flexion {f} deg ({when}): {what} ({points})", on))
    grade = _known(c.contusion_grade)
    if grade == "severe":
        p = number("deep_severe_points")
        supports.append((p, f"contusion graded severe (+{p})", c.injury_date))
    elif grade == "moderate":
        p = number("deep_moderate_points")
        supports.append((p, f"contusion graded moderate (+{p})", c.injury_date))
    elif grade == "mild" and not measured:
        p = number("deep_mild_points")
        supports.append((p, f"contusion graded mild, flexion not measured (+{p})", c.injury_date))
    for exam in c.exams:
        layer = _known(exam.lesion_layer)
        if layer in codes("deep_layers"):
            p = number("deep_severe_points")
            supports.append(
                (
                    p,
                    f"{exam.modality} {exam.exam_date}: lesion in {layer} layer (+{p})",
                    exam.exam_date,
                )
            )
        elif layer is not None:
            supports.append(
                (0, f"{exam.modality} {exam.exam_date}: {layer} lesion (0)", exam.exam_date)
            )
    if not supports and grade is None:
        why = (
            f"depth unknown: no knee flexion within {number('flexion_grading_days')} days, "
            "grade or imaging layer recorded"
        )
        return Finding("unknown", 0, (*late, why), ("knee_flexion_deg", "contusion_grade"))
    best = max(p for p, _, _ in supports) if supports else 0
    chosen = sorted((on, text) for p, text, on in supports if p == best)
    reasons = [text for _, text in chosen if best > 0] or [text for _, text, _ in supports][:1]
    on = chosen[0][0] if chosen else c.injury_date
    return Finding("present" if best > 0 else "absent", best, (*late, *reasons), (), on)


def reinjury(c: Contusion) -> Finding:
    side = c.side or "same"
    if c.reinjury == "exacerbation":
        p = number("exacerbation_points")
        why = f"{side} thigh contused again before return from {c.reinjury_of} (exacerbation, +{p})"
        return Finding("present", p, (why,), (), c.injury_date)
    if c.reinjury == "recurrence":
        p = number("recurrence_points")
        why = (
            f"{side} thigh contused again within {number('recurrence_months')} months of return "
            f"from {c.reinjury_of} (recurrence, +{p})"
        )
        return Finding("present", p, (why,), (), c.injury_date)
    if c.reinjury == "unknown_side":
        why = (
            f"earlier thigh contusion {c.reinjury_of}, side not recorded on both: re-injury unknown"
        )
        return Finding("unknown", 0, (why,), ("side",))
    if c.reinjury == "unknown_return":
        why = (
            f"earlier contusion {c.reinjury_of} of this thigh has no return date and is over "
            f"{number('open_prior_days')} days old: re-injury unknown (return not recorded)"
        )
        return Finding("unknown", 0, (why,), ("prior_return_date",))
    return Finding("absent", 0, (), (), c.injury_date)


def delayed_treatment(c: Contusion) -> Finding:
    if c.first_treatment_at is None:
        return Finding(
            "unknown", 0, ("time of first treatment not recorded",), ("first_treatment_at",)
        )
    delay = c.first_treatment_at - incident_at(c)
    hours = delay.total_seconds() / 3600
    limit = number("delay_hours")
    if delay > timedelta(hours=limit):
        p = number("delayed_points")
        why = f"first treatment {hours:.0f} h after the incident, over {limit} h (+{p})"
        return Finding("present", p, (why,), (), c.first_treatment_at.date())
    return Finding("absent", 0, (f"first treatment within {limit} h ({max(hours, 0):.0f} h)",))


def knee_effusion(c: Contusion) -> Finding:
    if c.knee_effusion is None:
        return Finding("unknown", 0, ("knee effusion not recorded",), ("knee_effusion",))
    if c.knee_effusion:
        p = number("effusion_points")
        return Finding("present", p, (f"ipsilateral knee effusion (+{p})",), (), c.injury_date)
    return Finding("absent", 0, ())


def collision_sport(c: Contusion) -> Finding:
    sport = _known(c.sport)
    if sport is None:
        return Finding("unknown", 0, ("sport not recorded",), ("sport",))
    if sport in codes("collision_sports"):
        p = number("collision_points")
        return Finding("present", p, (f"collision sport: {sport} (+{p})",), (), c.injury_date)
    return Finding("absent", 0, ())


RULES = {
    "deep_contusion": deep_contusion,
    "reinjury": reinjury,
    "delayed_treatment": delayed_treatment,
    "knee_effusion": knee_effusion,
    "collision_sport": collision_sport,
}
assert tuple(RULES) == FACTOR_NAMES


# ---- imaging ----------------------------------------------------------------------------------


def suspected_mo(exam: Exam) -> bool:
    """Calcification at the injury site on any modality, whatever the echogenicity."""
    return exam.calcification in codes("suspected_calcification")


def atypical_features(exam: Exam, c: Contusion, earlier: Exam | None) -> list[str]:
    """What makes one exam atypical for traumatic MO (CLINICAL.md v2, mimics)."""
    days = (exam.exam_date - c.injury_date).days
    found = []
    calcification = _known(exam.calcification)
    if calcification in codes("atypical_calcification"):
        found.append(f"{calcification} calcification (MO matures from the rim)")
    if calcification not in (None, "none") and days < number("early_calcification_days"):
        found.append(f"calcification already {days} days after the incident (an older lesion)")
    mass = (exam.lesion_size_mm or 0) > 0 or _known(exam.echogenicity) not in (None, "isoechoic")
    if calcification == "none" and mass and days >= number("persisting_mass_days"):
        found.append(f"a mass without calcification still present at day {days}")
    if (
        earlier is not None
        and exam.lesion_size_mm is not None
        and earlier.lesion_size_mm is not None
        and exam.lesion_size_mm > earlier.lesion_size_mm
    ):
        found.append(
            f"the mass grew from {earlier.lesion_size_mm:g} to {exam.lesion_size_mm:g} mm "
            f"since {earlier.exam_date}"
        )
    return found


def imaging(c: Contusion) -> tuple[date | None, date | None, bool, list[str]]:
    """The first exam with MO calcification; the exam that opened the latest atypical finding
    and whether it is still open (a later exam without atypical features, or a THM code,
    resolves it); and the reasons."""
    reasons: list[str] = []
    ordered = sorted(c.exams, key=lambda e: (e.exam_date, e.record_id))
    suspected = next((e for e in ordered if suspected_mo(e)), None)
    if suspected is not None:
        reasons.append(
            f"{suspected.modality} {suspected.exam_date}: {suspected.calcification} "
            "calcification at the injury site: suspected myositis ossificans"
        )
    opened: Exam | None = None
    is_open = False
    sized: Exam | None = None
    for exam in ordered:
        features = atypical_features(exam, c, sized)
        if features:
            if not is_open:
                opened, is_open = exam, True
            reasons.append(
                f"{exam.modality} {exam.exam_date}: atypical for traumatic MO: "
                + "; ".join(features)
            )
        elif is_open and opened is not None:
            reasons.append(
                f"{exam.modality} {exam.exam_date}: no atypical feature; the atypical finding of "
                f"{opened.exam_date} is resolved"
            )
            is_open = False
        if exam.lesion_size_mm is not None:
            sized = exam
    if is_open and diagnosed(c):
        reasons.append("coded myositis ossificans: the atypical finding is resolved")
        is_open = False
    return (
        suspected.exam_date if suspected else None,
        opened.exam_date if opened else None,
        is_open,
        reasons,
    )


def diagnosed(c: Contusion) -> bool:
    return (c.osiics_code or "").upper() in codes("diagnosed_codes")


# ---- the assessment ---------------------------------------------------------------------------


def reached_on(c: Contusion, findings: dict[str, Finding], tier: str) -> date:
    """The first day the present factors' evidence summed to `tier`: reminders of a tier count
    from the day it was reached, not from the incident."""
    floor = tier_floor(tier)
    total = 0
    for on, points in sorted((f.on or c.injury_date, f.points) for f in findings.values()):
        total += points
        if total >= floor:
            return on
    return c.injury_date


def assess(c: Contusion) -> Assessment:
    findings = {name: rule(c) for name, rule in RULES.items()}
    factors: dict[str, State] = {n: f.state for n, f in findings.items()}
    points = {n: f.points for n, f in findings.items()}
    reasons = [r for f in findings.values() for r in f.reasons]
    missing = tuple(dict.fromkeys(m for f in findings.values() for m in f.missing))
    score: int | None = sum(points.values())
    unknown = [n for n, s in factors.items() if s == "unknown"]
    score_max = sum(points.values()) + sum(number(MAX_POINTS[n]) for n in unknown)
    points_tier, points_tier_max = tier_of(score or 0), tier_of(score_max)
    points_tier_on = reached_on(c, findings, points_tier)
    if c.scope == "other_compartment":
        points_tier = points_tier_max = "not_validated"
        reasons = [
            f"coded {(c.osiics_code or '').upper()}: model validated for the quadriceps only, "
            "no score"
        ]
        score, missing, unknown, points_tier_on = None, (), [], c.injury_date
    suspected_on, atypical_on, atypical_open, imaging_reasons = imaging(c)
    tier, tier_max, tier_on = points_tier, points_tier_max, points_tier_on
    if diagnosed(c):
        tier = tier_max = "diagnosed_mo"
        tier_on = c.injury_date
        reasons.insert(0, f"coded {(c.osiics_code or '').upper()}: myositis ossificans diagnosed")
    elif suspected_on is not None:
        tier, tier_max, tier_on = "suspected_mo", "suspected_mo", suspected_on
    deep = findings["deep_contusion"]
    return Assessment(
        factors=factors,
        points=points,
        score=score,
        incomplete=bool(unknown),
        points_tier=points_tier,
        points_tier_max=points_tier_max,
        tier=tier,
        tier_max=tier_max,
        points_tier_on=points_tier_on,
        tier_on=tier_on,
        deep_points=None if deep.state == "unknown" else deep.points,
        deep_on=deep.on or c.injury_date,
        atypical_imaging=atypical_open,
        atypical_on=atypical_on,
        suspected_on=suspected_on,
        reasons=(*imaging_reasons, *reasons),
        missing=missing,
    )


def inputs_hash(c: Contusion) -> str:
    """What the score depends on, hashed with the model version: equal hash, same score."""
    payload = json.dumps(asdict(c), default=str, sort_keys=True) + MODEL_VERSION
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
