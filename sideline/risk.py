"""Myositis ossificans risk model v1 (Ryan et al. 1991 and others): pure, typed, no I/O.

The weights are a transparent prior, not an estimate: Ryan et al. 1991 report univariate
associations from about ten MO cases among young cadets and no study gives effect sizes per
factor, so the brief's three drivers (deep contusion, re-injury, delayed treatment) carry the
most weight. Tiers and reasons are shown, never percentages, until outcome data calibrate it.
Changing any number in FACTORS or TIERS changes MODEL_VERSION.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Literal

State = Literal["present", "absent", "unknown"]

# ---- the one table of the model ---------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    name: str
    max_points: int
    rule: str
    evidence: str


FACTORS: tuple[Factor, ...] = (
    Factor(
        "deep_contusion",
        3,
        "knee flexion < 45 deg, grade severe, or imaging lesion deep_muscle/periosteal: 3; "
        "flexion 45-90 deg inclusive or grade moderate: 2; flexion over 90 and under 120 deg, "
        "or grade mild without a flexion measurement: 1; the highest any source supports",
        "Jackson & Feagin 1973 (flexion grading at 24-48 h); Ryan et al. 1991 (knee motion "
        "< 120 deg associated with MO)",
    ),
    Factor(
        "reinjury",
        3,
        "same thigh hit again before return (exacerbation): 3; within 12 months after "
        "return (early or late recurrence): 2",
        "Ryan et al. 1991 (previous quadriceps injury); Beiner & Jokl 2002 (repeated trauma "
        "to an unresolved haematoma)",
    ),
    Factor(
        "delayed_treatment",
        2,
        "first treatment more than 72 h after the incident (a missing incident time counts "
        "as the end of that day)",
        "Ryan et al. 1991 (treatment delayed more than 3 days)",
    ),
    Factor(
        "knee_effusion",
        1,
        "ipsilateral knee effusion recorded",
        "Ryan et al. 1991 (ipsilateral knee effusion)",
    ),
    Factor(
        "collision_sport",
        1,
        "american_football, rugby_union, rugby_league, australian_football, ice_hockey",
        "Ryan et al. 1991 (injury in American football)",
    ),
)
FACTOR = {f.name: f for f in FACTORS}

# (lowest score, tier), highest first: 0-1 low, 2-3 moderate, 4-5 high, 6 and over very_high
TIERS: tuple[tuple[int, str], ...] = ((6, "very_high"), (4, "high"), (2, "moderate"), (0, "low"))
TIER_ORDER = ("low", "moderate", "high", "very_high", "suspected_mo", "diagnosed_mo")

COLLISION_SPORTS = frozenset(
    {"american_football", "rugby_union", "rugby_league", "australian_football", "ice_hockey"}
)
DEEP_LAYERS = frozenset({"deep_muscle", "periosteal"})
MUSCLE_LAYERS = frozenset({"intramuscular", "deep_muscle", "periosteal"})
DELAY_LIMIT = timedelta(hours=72)
EARLY_CALCIFICATION = timedelta(days=7)  # calcification matures from the rim over weeks
DIAGNOSED_CODES = frozenset({"THM"})


def _version() -> str:
    table = json.dumps(
        {
            "factors": [asdict(f) for f in FACTORS],
            "tiers": TIERS,
            "collision": sorted(COLLISION_SPORTS),
            "delay_h": 72,
            "early_days": 7,
        },
        sort_keys=True,
    )
    return "mo-v1-" + hashlib.sha256(table.encode()).hexdigest()[:8]


MODEL_VERSION = _version()
DISCLAIMER = "Decision support for qualified medical staff; not a diagnosis."

# ---- inputs and outputs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Exam:
    record_id: str
    exam_date: date
    modality: str
    echogenicity: str | None = None
    calcification: str | None = None
    lesion_layer: str | None = None


@dataclass(frozen=True)
class Contusion:
    """One scored contusion as stored (int_mo_inputs)."""

    record_id: str
    injury_date: date
    injury_time: time | None = None
    side: str | None = None
    sport: str | None = None
    osiics_code: str | None = None
    return_date: date | None = None
    first_treatment_at: datetime | None = None
    knee_flexion_deg: int | None = None
    contusion_grade: str | None = None
    knee_effusion: bool | None = None
    reinjury: Literal["exacerbation", "recurrence", "unknown"] | None = None
    reinjury_of: str | None = None
    exams: tuple[Exam, ...] = ()


@dataclass(frozen=True)
class Reminder:
    rule: str
    text: str
    due_from: date
    due_by: date | None  # None: until return to play
    done: bool | None  # None: the data cannot show it
    source: str


@dataclass(frozen=True)
class Assessment:
    factors: dict[str, State]
    points: dict[str, int]
    score: int
    incomplete: bool
    points_tier: str
    points_tier_max: str
    tier: str
    tier_max: str
    atypical_imaging: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...]
    reminders: tuple[Reminder, ...] = field(default_factory=tuple)
    model_version: str = MODEL_VERSION


# ---- scoring ----------------------------------------------------------------------------------


def tier_of(score: int) -> str:
    return next(name for lowest, name in TIERS if score >= lowest)


def incident_at(c: Contusion) -> datetime:
    """Incident time; a missing time is the end of the day, so it never makes a delay."""
    if c.injury_time is not None:
        return datetime.combine(c.injury_date, c.injury_time)
    return datetime.combine(c.injury_date + timedelta(days=1), time(0))


def deep_contusion(c: Contusion) -> tuple[State, int, list[str]]:
    supports: list[tuple[int, str]] = []
    if c.knee_flexion_deg is not None:
        f = c.knee_flexion_deg
        if f < 45:
            supports.append((3, f"knee flexion {f} deg at 12-48 h: severe contusion (+3)"))
        elif f <= 90:
            supports.append((2, f"knee flexion {f} deg at 12-48 h: moderate contusion (+2)"))
        elif f < 120:
            supports.append(
                (1, f"knee flexion {f} deg at 12-48 h: mild contusion, under 120 deg (+1)")
            )
        else:
            supports.append((0, f"knee flexion {f} deg at 12-48 h: 120 deg or more (0)"))
    grade = c.contusion_grade if c.contusion_grade not in (None, "unknown") else None
    if grade == "severe":
        supports.append((3, "contusion graded severe (+3)"))
    elif grade == "moderate":
        supports.append((2, "contusion graded moderate (+2)"))
    elif grade == "mild" and c.knee_flexion_deg is None:
        supports.append((1, "contusion graded mild, flexion not measured (+1)"))
    for exam in c.exams:
        if exam.lesion_layer in DEEP_LAYERS:
            supports.append(
                (3, f"{exam.modality} {exam.exam_date}: lesion in {exam.lesion_layer} layer (+3)")
            )
        elif exam.lesion_layer is not None and exam.lesion_layer != "unknown":
            supports.append(
                (0, f"{exam.modality} {exam.exam_date}: {exam.lesion_layer} lesion (0)")
            )
    if not supports and grade is None:
        return "unknown", 0, ["depth unknown: no knee flexion, grade or imaging layer recorded"]
    best = max((p for p, _ in supports), default=0)
    reasons = [text for p, text in supports if p == best and p > 0] or [
        text for _, text in supports
    ][:1]
    return ("present" if best > 0 else "absent"), best, reasons


def reinjury(c: Contusion) -> tuple[State, int, list[str]]:
    side = c.side or "side"
    if c.reinjury == "exacerbation":
        return "present", 3, [f"{side} thigh hit again before return from {c.reinjury_of} (+3)"]
    if c.reinjury == "recurrence":
        return (
            "present",
            2,
            [f"{side} thigh hit again within 12 months of return from {c.reinjury_of} (+2)"],
        )
    if c.reinjury == "unknown":
        return "unknown", 0, ["earlier thigh injury, side not recorded: re-injury unknown"]
    return "absent", 0, []


def delayed_treatment(c: Contusion) -> tuple[State, int, list[str]]:
    if c.first_treatment_at is None:
        return "unknown", 0, ["time of first treatment not recorded"]
    delay = c.first_treatment_at - incident_at(c)
    hours = delay.total_seconds() / 3600
    if delay > DELAY_LIMIT:
        return "present", 2, [f"first treatment {hours:.0f} h after the incident, over 72 h (+2)"]
    return "absent", 0, [f"first treatment within 72 h ({max(hours, 0):.0f} h)"]


def knee_effusion(c: Contusion) -> tuple[State, int, list[str]]:
    if c.knee_effusion is None:
        return "unknown", 0, ["knee effusion not recorded"]
    if c.knee_effusion:
        return "present", 1, ["ipsilateral knee effusion (+1)"]
    return "absent", 0, []


def collision_sport(c: Contusion) -> tuple[State, int, list[str]]:
    if c.sport in (None, "unknown"):
        return "unknown", 0, ["sport not recorded"]
    if c.sport in COLLISION_SPORTS:
        return "present", 1, [f"collision sport: {c.sport} (+1)"]
    return "absent", 0, []


RULES = {
    "deep_contusion": deep_contusion,
    "reinjury": reinjury,
    "delayed_treatment": delayed_treatment,
    "knee_effusion": knee_effusion,
    "collision_sport": collision_sport,
}
MISSING_FIELD = {
    "deep_contusion": "knee_flexion_deg (active flexion at 12-48 h) or contusion_grade",
    "reinjury": "side",
    "delayed_treatment": "first_treatment_at",
    "knee_effusion": "knee_effusion",
    "collision_sport": "sport",
}


def suspected_mo(exam: Exam) -> bool:
    calcified = exam.calcification in ("peripheral", "central", "diffuse")
    if exam.modality == "ultrasound":
        return exam.echogenicity in ("hypoechoic", "mixed") and exam.calcification in (
            "peripheral",
            "diffuse",
        )
    if exam.modality in ("xray", "ct"):
        return calcified and exam.lesion_layer in (None, "unknown", *MUSCLE_LAYERS)
    return False


def atypical(exam: Exam, injury_date: date) -> bool:
    calcified = exam.calcification in ("peripheral", "central", "diffuse")
    early = exam.exam_date - injury_date < EARLY_CALCIFICATION
    return exam.calcification == "central" or (calcified and early)


def assess(c: Contusion) -> Assessment:
    factors: dict[str, State] = {}
    points: dict[str, int] = {}
    reasons: list[str] = []
    for name, rule in RULES.items():
        state, p, why = rule(c)
        factors[name], points[name] = state, p
        reasons += why
    score = sum(points.values())
    unknown = [n for n, s in factors.items() if s == "unknown"]
    score_max = score + sum(FACTOR[n].max_points for n in unknown)
    points_tier, points_tier_max = tier_of(score), tier_of(score_max)
    tier, tier_max = points_tier, points_tier_max
    if (c.osiics_code or "").upper() in DIAGNOSED_CODES:
        tier = tier_max = "diagnosed_mo"
        reasons.insert(0, f"coded {c.osiics_code.upper()}: myositis ossificans diagnosed")  # type: ignore[union-attr]
    else:
        hits = [e for e in c.exams if suspected_mo(e)]
        if hits:
            tier = tier_max = "suspected_mo"
            e = hits[0]
            reasons.insert(
                0,
                f"{e.modality} {e.exam_date}: {e.echogenicity or 'lesion'} with "
                f"{e.calcification} calcification: suspected myositis ossificans",
            )
    odd = [e for e in c.exams if atypical(e, c.injury_date)]
    for e in odd:
        reasons.append(
            f"{e.modality} {e.exam_date}: {e.calcification} calcification "
            f"{(e.exam_date - c.injury_date).days} days after the incident is atypical for "
            "traumatic MO: specialist review"
        )
    missing = tuple(MISSING_FIELD[n] for n in unknown)
    a = Assessment(
        factors=factors,
        points=points,
        score=score,
        incomplete=bool(unknown),
        points_tier=points_tier,
        points_tier_max=points_tier_max,
        tier=tier,
        tier_max=tier_max,
        atypical_imaging=bool(odd),
        reasons=tuple(reasons),
        missing=missing,
    )
    return replace(a, reminders=reminders(c, a))


# ---- reminders (CLINICAL.md, "Reminders") -----------------------------------------------------

SRC_ACUTE = "Aronen et al. 2006 (120 deg flexion within 10 min, 24 h); Beiner & Jokl 2002"
SRC_FLEXION = "Jackson & Feagin 1973; Ryan et al. 1991 (flexion at 12-48 h grades the contusion)"
SRC_DELAY = "Ryan et al. 1991 (treatment delayed more than 3 days)"
SRC_REINJURY = "Ryan et al. 1991; Beiner & Jokl 2002 (repeated trauma)"
SRC_REVIEW = "CLINICAL.md risk tiers; Walczak et al. 2015 (ultrasound before X-ray)"
SRC_MO = "Walczak et al. 2015; Larson et al. 2002; Beiner & Jokl 2002"


def reminders(c: Contusion, a: Assessment) -> tuple[Reminder, ...]:
    day0 = c.injury_date

    def on(start: int, end: int | None) -> tuple[date, date | None]:
        return day0 + timedelta(days=start), (
            day0 + timedelta(days=end) if end is not None else None
        )

    exams_from = lambda modality, start: any(  # noqa: E731
        e.modality == modality and (e.exam_date - day0).days >= start for e in c.exams
    )
    out: list[Reminder] = [
        Reminder(
            "acute_care",
            "Knee held in about 120 deg flexion for the first 24 h; ice and "
            "compression; no massage, heat, alcohol or forceful stretching in the first 72 h.",
            *on(0, 1),
            None,
            SRC_ACUTE,
        ),
        Reminder(
            "measure_flexion",
            "Measure active knee flexion at 12-48 h and record it; it grades the contusion.",
            *on(1, 2),
            c.knee_flexion_deg is not None,
            SRC_FLEXION,
        ),
    ]
    if a.factors["delayed_treatment"] != "absent":
        out.append(
            Reminder(
                "start_treatment",
                "Start treatment now and record when it began.",
                *on(0, 0),
                c.first_treatment_at is not None,
                SRC_DELAY,
            )
        )
    if a.factors["reinjury"] == "present":
        out.append(
            Reminder(
                "protect_thigh",
                "Protect the thigh (padding) before return; return "
                "only with pain-free full flexion and strength.",
                day0,
                c.return_date,
                None,
                SRC_REINJURY,
            )
        )
    if a.points_tier == "high":
        out += [
            Reminder(
                "physician_review_24h",
                "Team-physician review within 24 h; watch for a "
                "tense thigh and pain out of proportion (compartment syndrome: urgent).",
                *on(0, 1),
                None,
                SRC_REVIEW,
            ),
            Reminder(
                "check_2_3_weeks",
                "Check at 2-3 weeks; ultrasound then if stiffness, pain "
                "or a lump persists (ultrasound shows the rim about two weeks before X-ray).",
                *on(14, 21),
                exams_from("ultrasound", 14) or None,
                SRC_REVIEW,
            ),
        ]
    if a.points_tier == "very_high":
        out += [
            Reminder(
                "physician_review_same_day",
                "Same-day physician review.",
                *on(0, 0),
                None,
                SRC_REVIEW,
            ),
            Reminder(
                "no_contact",
                "No contact until cleared by the physician.",
                day0,
                c.return_date,
                None,
                SRC_REVIEW,
            ),
            Reminder(
                "ultrasound_14_21",
                "Ultrasound at day 14-21.",
                *on(14, 21),
                exams_from("ultrasound", 14),
                SRC_REVIEW,
            ),
        ]
    if a.incomplete:
        out.append(
            Reminder(
                "record_missing",
                f"Record {', '.join(a.missing)}: the score could "
                f"move from {a.points_tier} up to {a.points_tier_max}."
                if a.points_tier_max != a.points_tier
                else f"Record {', '.join(a.missing)}: the tier stays {a.points_tier} whatever "
                "they hold, but the record is incomplete.",
                *on(0, 2),
                False,
                "CLINICAL.md: unknown never counts as absent",
            )
        )
    if a.tier == "suspected_mo":
        out += [
            Reminder(
                "refer_specialist",
                "Refer to a sports physician or orthopaedic specialist.",
                *on(0, 0),
                None,
                SRC_MO,
            ),
            Reminder(
                "xray_3_4_weeks",
                "X-ray at 3-4 weeks.",
                *on(21, 28),
                exams_from("xray", 21) or exams_from("ct", 21),
                SRC_MO,
            ),
            Reminder(
                "protect_mass",
                "No massage or forced stretching over the mass; NSAIDs only "
                "as the physician prescribes (the evidence comes from hip surgery, not "
                "sport).",
                day0,
                c.return_date,
                None,
                SRC_MO,
            ),
            Reminder(
                "expectations",
                "Most athletes return without surgery (light activity at "
                "2-3 months, full at about 6); excision is considered only for a mature "
                "lesion that still limits the athlete 6-12 months later.",
                *on(0, 365),
                None,
                SRC_MO,
            ),
        ]
    if a.atypical_imaging:
        out.append(
            Reminder(
                "specialist_atypical",
                "Specialist review to exclude other causes before anything else.",
                *on(0, 0),
                None,
                "CLINICAL.md: calcification central or under 7 days is atypical",
            )
        )
    return tuple(out)


# Every reminder the model can give, with the CLINICAL.md line it comes from.
REMINDER_RULES: dict[str, str] = {
    "acute_care": "day 0-1, every contusion: 120 deg flexion 24 h, ice, compression, no massage",
    "measure_flexion": "day 1-2: measure active knee flexion (12-48 h) and record it",
    "start_treatment": "delayed treatment or unknown first-treatment time",
    "protect_thigh": "re-injury: protect the thigh before return",
    "physician_review_24h": "high: team-physician review within 24 h",
    "check_2_3_weeks": "high: check at 2-3 weeks, ultrasound if symptoms persist",
    "physician_review_same_day": "very_high: same-day physician review",
    "no_contact": "very_high: no contact until cleared",
    "ultrasound_14_21": "very_high: ultrasound at day 14-21",
    "record_missing": "incomplete: which fields to record and the tier range",
    "refer_specialist": "suspected_mo: refer to a sports physician or orthopaedic specialist",
    "xray_3_4_weeks": "suspected_mo: X-ray at 3-4 weeks",
    "protect_mass": "suspected_mo: no massage or forced stretching, NSAIDs only as prescribed",
    "expectations": "suspected_mo: most return without surgery; excision only if mature lesion",
    "specialist_atypical": "atypical_imaging: specialist review first",
}

PREVENTION = (
    "Thigh padding in collision sports.",
    "Proper warm-up.",
    "Prompt medical attention after any significant muscle trauma.",
)


def inputs_hash(c: Contusion) -> str:
    """What the score depends on, hashed with the model version: equal hash, same score."""
    payload = json.dumps(asdict(c), default=str, sort_keys=True) + MODEL_VERSION
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
