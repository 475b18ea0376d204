"""The reminders that follow from a myositis ossificans assessment (CLINICAL.md v2, Reminders).

Timing, windows and texts come from the reminder table in `sideline.mo_params`; this module
decides which rules apply to a contusion, the day each one's trigger happened, and whether the
data show it done. The status on a given day (upcoming, due, overdue, done, missed, elapsed)
is worked out in SQL (`sql/score/mo_risk.sql`), because stored scores outlive the day they were
made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sideline.mo_params import HIGH_TIERS, MO_TIERS, REMINDER, number
from sideline.risk import Assessment, Contusion, incident_at

WORDS = {
    "knee_flexion_deg": "knee flexion (with its time)",
    "contusion_grade": "or a contusion grade",
    "side": "the side of both contusions",
    "prior_return_date": "the earlier contusion's return date",
    "first_treatment_at": "when treatment began",
    "knee_effusion": "knee effusion",
    "sport": "the sport",
}


@dataclass(frozen=True)
class Reminder:
    rule: str
    kind: str  # action: a thing to do on a day; advice: holds for the whole episode
    text: str
    trigger_on: date
    due_from: date
    due_by: date | None  # None: until return to play
    closes_on: date | None  # None: never by time alone (or not before return)
    done: bool | None  # None: the data cannot show it
    source: str


def _exams_in_window(c: Contusion, rule: str, modalities: tuple[str, ...] = ()) -> bool:
    """An exam (of one of `modalities`, any when empty) from the first day of `rule`'s window
    on: what shows a scan or review of that window done."""
    days = REMINDER[rule].due_from
    return any(
        (e.exam_date - c.injury_date).days >= days and (not modalities or e.modality in modalities)
        for e in c.exams
    )


def _later_exam(c: Contusion, after: date | None) -> bool:
    return after is not None and any(e.exam_date > after for e in c.exams)


def _make(rule: str, c: Contusion, held_on: date, done: bool | None, text: str = "") -> Reminder:
    """One reminder of the table, dated from its trigger: the incident (but not before the day
    its condition held), or `held_on` itself for tier and exam triggers."""
    spec = REMINDER[rule]
    base = c.injury_date if spec.trigger == "incident" else held_on

    def at(days: int) -> date:
        return base + timedelta(days=days)

    due_from = at(spec.due_from)
    due_by = at(spec.due_by) if spec.due_by is not None else None
    closes = at(spec.closes) if isinstance(spec.closes, int) else None
    if spec.trigger == "incident" and held_on > due_from and (closes is None or held_on <= closes):
        # the condition came to light late, while the window was still open: due from that day
        due_from = held_on
        due_by = max(due_by, held_on) if due_by is not None else None
    if spec.closes == "return":
        closes = c.return_date
    return Reminder(
        rule, spec.kind, text or spec.text, held_on, due_from, due_by, closes, done, spec.source
    )


def plan(c: Contusion, a: Assessment) -> tuple[Reminder, ...]:
    day0 = c.injury_date
    returned = c.return_date is not None
    out: list[Reminder] = []
    scored = a.points_tier != "not_validated"
    if scored:
        out.append(_make("acute_care", c, day0, None))
        window = timedelta(days=REMINDER["measure_flexion"].closes)  # type: ignore[arg-type]
        measured_in_time = c.knee_flexion_deg is not None and (
            c.knee_flexion_at is None or c.knee_flexion_at - incident_at(c) <= window
        )
        out.append(_make("measure_flexion", c, day0, measured_in_time))
    else:
        out.append(_make("acute_care_no_flexion", c, day0, None))
    deep = a.deep_points
    serious = a.points_tier in HIGH_TIERS
    if scored and (deep is None or deep >= number("review_deep_points") or serious):
        held = day0 if deep is None or deep >= number("review_deep_points") else a.points_tier_on
        out.append(_make("compartment_watch", c, held, None))
    if scored and deep is not None and deep >= number("review_deep_points"):
        out.append(_make("review_2_3_weeks", c, a.deep_on, _exams_in_window(c, "review_2_3_weeks")))
    if scored and a.factors["delayed_treatment"] != "absent":
        out.append(_make("start_treatment", c, day0, c.first_treatment_at is not None))
    out.append(_make("return_criteria", c, day0, returned or None))
    if a.factors["collision_sport"] == "present" or a.factors["reinjury"] == "present":
        out.append(_make("padding_on_return", c, day0, returned or None))
    if a.points_tier == "high":
        out.append(_make("physician_review_24h", c, a.points_tier_on, None))
    if a.points_tier == "very_high":
        out += [
            _make("physician_review_same_day", c, a.points_tier_on, None),
            _make("no_contact", c, a.points_tier_on, returned or None),
            _make(
                "ultrasound_14_21",
                c,
                a.points_tier_on,
                _exams_in_window(c, "ultrasound_14_21", ("ultrasound",)),
            ),
        ]
    if a.incomplete and a.points_tier_max != a.points_tier:
        fields = ", ".join(WORDS.get(m, m) for m in a.missing).replace(", or ", " or ")
        text = (
            f"Record {fields}: the tier could rise from {a.points_tier} to as high as "
            f"{a.points_tier_max}.".replace("_", " ")
        )
        out.append(_make("record_missing", c, day0, False, text))
    mo = a.tier in MO_TIERS
    if a.tier == "suspected_mo" and a.suspected_on is not None:
        out += [
            _make("refer_specialist", c, a.suspected_on, _later_exam(c, a.suspected_on)),
            _make(
                "xray_3_4_weeks",
                c,
                a.suspected_on,
                _exams_in_window(c, "xray_3_4_weeks", ("xray", "ct")),
            ),
        ]
    if mo:
        out.append(_make("protect_mass", c, a.tier_on, returned or None))
        if not a.atypical_imaging:
            out.append(_make("expectations", c, a.tier_on, returned or None))
    if a.atypical_on is not None:
        out += [
            _make("atypical_mri_referral", c, a.atypical_on, not a.atypical_imaging),
            _make("atypical_repeat_imaging", c, a.atypical_on, _later_exam(c, a.atypical_on)),
        ]
    return tuple(out)


__all__ = ["Reminder", "plan"]
