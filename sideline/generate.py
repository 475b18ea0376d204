"""Synthetic inbox: seeded exports that look like a medical record system's.

Several teams of a collision and a non-collision sport over several seasons: exposures per
athlete per session (training and matches, realistic minutes), injuries at published rates with
thigh contusions common, knee flexion at 12-48 h, first-treatment times (most prompt, some late,
some missing), re-injuries of the same thigh, corrections in a later file, ultrasound
follow-ups (some hypoechoic with calcification) and a small share of realistically bad rows and
files. Formats: CSV (comma and semicolon, one with BOM, one in Windows-1252), JSON Lines, XLSX.
Nothing here reads the network or the clock beyond the `end` day it is given.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sideline.catalogue import EXPOSURES, IMAGING, INJURIES

# Sports and their rates per 1000 h. Soccer: UEFA Elite Club Injury Study (match 27.5, training
# 4.1); American football is higher in matches. Contusion shares: thigh contusions are among the
# commonest contact injuries in collision sports (Ryan et al. 1991 at West Point).
SPORTS: dict[str, dict[str, float]] = {
    "american_football": {
        "match": 36.0,
        "training": 5.0,
        "match_minutes": 60,
        "thigh_bruise": 0.16,
    },
    "soccer": {"match": 27.5, "training": 4.1, "match_minutes": 90, "thigh_bruise": 0.08},
    "rugby_union": {"match": 45.0, "training": 3.5, "match_minutes": 80, "thigh_bruise": 0.14},
    "ice_hockey": {"match": 30.0, "training": 3.0, "match_minutes": 60, "thigh_bruise": 0.10},
}
TEAM_NAMES = ("eagles", "rovers", "harlequins", "wolves", "comets", "tigers")
TEAM_SPORTS = ("american_football", "soccer", "rugby_union", "ice_hockey")

FIRST = (
    "Ana",
    "Ben",
    "Chloé",
    "Dan",
    "Eve",
    "Femi",
    "Gus",
    "Hana",
    "Ivo",
    "Jo",
    "Kai",
    "Lea",
    "Mo",
    "Nia",
    "Otto",
    "Pia",
    "Raúl",
    "Sam",
    "Tia",
    "Uwe",
    "Vic",
    "Wen",
    "Yara",
    "Zoë",
)
LAST = (
    "Okafor",
    "Müller",
    "Silva",
    "Nguyen",
    "O'Brien",
    "García",
    "Kowalski",
    "Smith",
    "Haddad",
    "Jensen",
    "Tanaka",
    "Novak",
    "Rossi",
    "Dubois",
    "Andersen",
    "Peña",
)

# Other injuries: (body_region, tissue, mechanism, share, median days lost)
OTHER_INJURIES = (
    ("thigh", "muscle_injury", "non_contact", 0.17, 14),
    ("knee", "ligament", "indirect_contact", 0.12, 24),
    ("ankle", "ligament", "direct_contact", 0.13, 10),
    ("hip_groin", "muscle_injury", "non_contact", 0.08, 12),
    ("lower_leg", "muscle_contusion", "direct_contact", 0.06, 4),
    ("head", "brain_spinal_cord", "direct_contact", 0.06, 10),
    ("shoulder", "ligament", "direct_contact", 0.07, 15),
    ("foot", "bone_contusion", "direct_contact", 0.05, 6),
    ("lower_leg", "superficial_contusion", "direct_contact", 0.05, 1),
    ("lumbosacral", "muscle_injury", "non_contact", 0.04, 7),
    ("knee", "cartilage", "non_contact", 0.03, 35),
    ("hand", "fracture", "direct_contact", 0.03, 28),
)
# most thigh contusions are quadriceps ("dead leg"); a few hamstring haematomas (not validated)
THIGH_CODES = ("THQ",) * 6 + ("TH1",) * 3 + ("THH",)
CONTACT_SOURCES = ("knee", "knee", "helmet", "shoulder", "boot", "ground")


@dataclass
class Injury:
    row: dict[str, str]
    athlete: str
    team: str
    thigh_bruise: bool
    grade: str | None
    out_until: date | None


@dataclass
class Export:
    injuries: list[dict[str, str]] = field(default_factory=list)
    exposures: list[dict[str, str]] = field(default_factory=list)
    imaging: list[dict[str, str]] = field(default_factory=list)
    corrections: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    teams: int = 2
    athletes: int = 30
    seasons: int = 2
    seed: int = 7
    end: date = field(default_factory=lambda: date.today() - timedelta(days=1))
    season_start_month: int = 7


def season_starts(plan: Plan) -> list[date]:
    first_this = date(plan.end.year, plan.season_start_month, 1)
    if first_this > plan.end:
        first_this = date(plan.end.year - 1, plan.season_start_month, 1)
    return [date(first_this.year - k, plan.season_start_month, 1) for k in range(plan.seasons)][
        ::-1
    ]


def generate(directory: Path, plan: Plan) -> list[Path]:
    """Write the inbox files for `plan` into `directory`; returns the paths written."""
    rng = random.Random(plan.seed)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for t in range(plan.teams):
        team = TEAM_NAMES[t % len(TEAM_NAMES)] + (
            str(t // len(TEAM_NAMES) + 1) if t >= len(TEAM_NAMES) else ""
        )
        sport = TEAM_SPORTS[t % len(TEAM_SPORTS)]
        athletes = [
            (f"{team[:3].upper()}-{i + 1:03d}", f"{rng.choice(FIRST)} {rng.choice(LAST)}")
            for i in range(plan.athletes)
        ]
        starts = season_starts(plan)
        for s, start in enumerate(starts):
            export = simulate_season(rng, team, sport, athletes, start, plan.end, s)
            if t == 0 and s == len(starts) - 1:
                _storylines(team, sport, athletes, plan.end, export)
            written += write_season(directory, rng, team, t, s, start, export)
    written += write_bad_files(directory)
    return written


def simulate_season(
    rng: random.Random,
    team: str,
    sport: str,
    athletes: list[tuple[str, str]],
    start: date,
    end: date,
    season_index: int,
) -> Export:
    rates = SPORTS[sport]
    export = Export()
    out_until: dict[str, date] = {}
    last_thigh: dict[str, Injury] = {}
    stop = min(end, date(start.year + 1, start.month, 1) - timedelta(days=1))
    day = start
    serial = 0
    while day <= stop:
        session = _session_of(day, sport)
        if session is not None:
            available = [a for a in athletes if out_until.get(a[0], day) <= day]
            for athlete_id, minutes in _minutes(rng, session, available, rates):
                export.exposures.append(
                    {
                        "team_id": team,
                        "athlete_id": athlete_id,
                        "date": day.isoformat(),
                        "activity": session,
                        "minutes": _fmt_minutes(minutes),
                    }
                )
                if rng.random() < rates[session] * minutes / 60 / 1000:
                    serial += 1
                    name = dict(athletes)[athlete_id]
                    injury = _injury(
                        rng,
                        team,
                        sport,
                        athlete_id,
                        name,
                        day,
                        session,
                        serial,
                        season_index,
                        last_thigh.get(athlete_id),
                        end,
                    )
                    export.injuries.append(injury.row)
                    if injury.out_until is not None:
                        out_until[athlete_id] = injury.out_until
                    else:
                        out_until[athlete_id] = stop + timedelta(days=1)
                    if injury.thigh_bruise:
                        last_thigh[athlete_id] = injury
                        export.imaging += _imaging(rng, injury, end)
        day += timedelta(days=1)
    export.corrections = _corrections(rng, export.injuries, end)
    return export


def _session_of(day: date, sport: str) -> str | None:
    in_season = day.month not in (6, 7) or (day.month == 7 and day.day > 15)
    weekday = day.weekday()
    if not in_season:
        return "training" if weekday in (1, 3) else None
    match_day = 6 if sport == "american_football" else 5
    if weekday == match_day:
        return "match"
    return "training" if weekday in (0, 1, 3, 4) else None


def _minutes(
    rng: random.Random, session: str, available: list[tuple[str, str]], rates: dict[str, float]
) -> list[tuple[str, float]]:
    if session == "training":
        return [(a, max(20.0, rng.gauss(82, 12))) for a, _ in available if rng.random() < 0.9]
    squad = rng.sample(available, k=min(len(available), 22))
    full = rates["match_minutes"]
    played: list[tuple[str, float]] = []
    for i, (athlete_id, _) in enumerate(squad):
        if i < 14:
            played.append(
                (athlete_id, full if rng.random() < 0.7 else rng.uniform(0.5, 0.95) * full)
            )
        elif rng.random() < 0.6:
            played.append((athlete_id, rng.uniform(0.05, 0.4) * full))
    return played


def _fmt_minutes(minutes: float) -> str:
    return str(round(minutes)) if minutes >= 1 else f"{minutes:.1f}"


def _injury(
    rng: random.Random,
    team: str,
    sport: str,
    athlete_id: str,
    name: str,
    day: date,
    session: str,
    serial: int,
    season_index: int,
    previous: Injury | None,
    end: date,
) -> Injury:
    rates = SPORTS[sport]
    # a re-injury of a recently contused thigh is the myositis ossificans re-injury factor
    rebruise = (
        previous is not None
        and previous.out_until is not None
        and (day - previous.out_until).days < 120
        and rng.random() < 0.5
    )
    thigh_bruise = rebruise or rng.random() < rates["thigh_bruise"]
    incident_at = datetime.combine(day, time(rng.randint(9, 20), rng.choice((0, 15, 30, 45))))
    row = {c: "" for c in INJURIES.column_names}
    row.update(
        record_id=f"INJ-{season_index + 1}{serial:04d}",
        team_id=team,
        athlete_id=athlete_id,
        athlete_name=name,
        injury_date=day.isoformat(),
        injury_time=incident_at.strftime("%H:%M") if rng.random() < 0.85 else "",
        activity=session,
        sport=sport,
        side=rng.choice(("left", "right")),
    )
    grade: str | None = None
    if thigh_bruise:
        if rebruise and previous is not None:
            row["side"] = previous.row["side"]
        flexion = _flexion(rng)
        grade = "severe" if flexion < 45 else "moderate" if flexion <= 90 else "mild"
        measured = rng.random()
        if measured < 0.75:
            row["knee_flexion_deg"] = str(flexion)
            # most with the time it was measured (12-48 h), a few measured late (a recovery
            # value that grades nothing), the rest without a time
            timing = rng.random()
            at = incident_at + (
                timedelta(hours=rng.randint(12, 48))
                if timing < 0.8
                else timedelta(days=rng.randint(8, 12))
            )
            if timing < 0.88 and at.date() <= end:
                row["knee_flexion_at"] = at.strftime("%Y-%m-%d %H:%M")
        elif measured < 0.92:
            row["contusion_grade"] = grade
        row.update(
            body_region="thigh",
            tissue="muscle_contusion",
            osiics_code=rng.choice(THIGH_CODES),
            mechanism="direct_contact",
            contact_source=rng.choice(CONTACT_SOURCES),
            knee_effusion=rng.choice(("yes",) + ("no",) * 14 + ("",) * 2),
            first_treatment_at=_treatment(rng, incident_at),
            notes=rng.choice(
                (
                    "Knee into anterior thigh; iced and compressed in 120° flexion.",
                    "Dead leg from tackle. Played on <10 min>, then stiff.",
                    "",
                    'Hit by helmet, "tight" next morning; physio review booked',
                )
            ),
        )
        # Ryan et al. 1991: mean disability 13 / 19 / 21 days for mild / moderate / severe
        median = {"mild": 10, "moderate": 17, "severe": 21}[grade]
    else:
        region, tissue, mechanism, median = _pick_other(rng)
        row.update(body_region=region, tissue=tissue, mechanism=mechanism)
        if rng.random() < 0.02:
            row["notes"] = "<script>alert('x')</script> pasted from <img src=x onerror=alert(1)>"
    days = max(0, round(rng.lognormvariate(math.log(max(median, 1)), 0.6)))
    loss_start = day + timedelta(days=1 if thigh_bruise and rng.random() < 0.4 else 0)
    row["time_loss_start"] = loss_start.isoformat() if days > 0 else ""
    back = loss_start + timedelta(days=days + 1) if days > 0 else day + timedelta(days=1)
    out_until: date | None = back
    if back > end:
        out_until = None  # still out on the export's last day: no return date is invented
    else:
        row["return_date"] = back.isoformat()
    return Injury(row, athlete_id, team, thigh_bruise, grade, out_until)


def _flexion(rng: random.Random) -> int:
    """Most thigh contusions are mild (Jackson & Feagin 1973; Ryan et al. 1991): most athletes
    keep 120 deg or more at 24-48 h, a few are severe (under 45 deg)."""
    r = rng.random()
    if r < 0.55:
        return rng.randint(120, 140)
    if r < 0.75:
        return rng.randint(91, 119)
    if r < 0.93:
        return rng.randint(45, 90)
    return rng.randint(20, 44)


def _treatment(rng: random.Random, incident_at: datetime) -> str:
    r = rng.random()
    if r < 0.78:
        at = incident_at + timedelta(minutes=rng.randint(2, 60))
    elif r < 0.90:
        at = incident_at + timedelta(hours=rng.randint(12, 60))
    elif r < 0.95:
        at = incident_at + timedelta(hours=rng.randint(73, 140))
    else:
        return ""
    return at.strftime("%Y-%m-%d %H:%M")


def _pick_other(rng: random.Random) -> tuple[str, str, str, int]:
    total = sum(o[3] for o in OTHER_INJURIES)
    r = rng.random() * total
    for region, tissue, mechanism, share, median in OTHER_INJURIES:
        r -= share
        if r <= 0:
            return region, tissue, mechanism, median
    region, tissue, mechanism, _, median = OTHER_INJURIES[-1]
    return region, tissue, mechanism, median


def _imaging(rng: random.Random, injury: Injury, end: date) -> list[dict[str, str]]:
    if injury.grade == "mild" and rng.random() < 0.7:
        return []
    day = date.fromisoformat(injury.row["injury_date"])
    exam_day = day + timedelta(days=rng.randint(14, 21))
    if exam_day > end:
        return []
    severe = injury.grade == "severe"
    calcified = rng.random() < (0.35 if severe else 0.12)
    row = {c: "" for c in IMAGING.column_names}
    row.update(
        record_id=f"US-{injury.row['record_id']}",
        team_id=injury.team,
        athlete_id=injury.athlete,
        injury_record_id=injury.row["record_id"],
        exam_date=exam_day.isoformat(),
        modality="ultrasound",
        echogenicity="hypoechoic" if calcified or rng.random() < 0.5 else "mixed",
        calcification=(rng.choice(("peripheral",) * 4 + ("central",)) if calcified else "none"),
        lesion_layer=rng.choice(("intramuscular", "deep_muscle") if severe else ("intramuscular",)),
        lesion_size_mm=f"{rng.uniform(15, 70):.1f}",
        impression=(
            "Hypoechoic intramuscular mass with peripheral calcification: early MO?"
            if calcified
            else "Resolving haematoma, no calcification."
        ),
    )
    exams = [row]
    # follow-up: an X-ray of a suspected MO at 3-4 weeks; an MRI of a central calcification
    # that shows it maturing from the rim after all
    follow = {"peripheral": ("xray", (24, 30)), "central": ("mri", (35, 45))}
    if row["calcification"] in follow and rng.random() < 0.85:
        modality, (low, high) = follow[row["calcification"]]
        later = day + timedelta(days=rng.randint(low, high))
        if later <= end:
            exams.append(
                {
                    **row,
                    "record_id": f"{modality.upper()}-{injury.row['record_id']}",
                    "exam_date": later.isoformat(),
                    "modality": modality,
                    "echogenicity": "",
                    "calcification": "peripheral",
                    "lesion_size_mm": "",
                    "impression": "Peripheral calcification in the quadriceps, mature rim.",
                }
            )
    return exams


def _storylines(
    team: str, sport: str, athletes: list[tuple[str, str]], end: date, export: Export
) -> None:
    """Four fixed cases of the current season, so every demo's board shows what risk model v2
    does: a referral and an atypical finding on the day their exam arrives, an atypical mass
    returned long ago that stays until resolved, and a hamstring contusion outside the model's
    scope. Their athletes train with no one else's data in their out windows."""
    cases = [
        # (athlete, days before end, days out or None, code, flexion, exams: day, echo, calc, mm)
        (1, 20, None, "THQ", 60, [(20, "hyperechoic", "peripheral", 38)]),
        (2, 30, None, "THQ", 100, [(14, "hypoechoic", "none", 40), (30, "mixed", "central", 46)]),
        (3, 150, 30, "TH1", 110, [(50, "hypoechoic", "none", 35)]),
        (4, 2, None, "THH", None, []),
    ]
    for k, (nth, ago, out, code, flexion, exams) in enumerate(cases, start=1):
        if nth > len(athletes):
            continue
        athlete_id, name = athletes[-nth]
        day = end - timedelta(days=ago)
        back = day + timedelta(days=out) if out is not None else None
        record = f"INJ-S{k}-{team}"
        row = {c: "" for c in INJURIES.column_names}
        row.update(
            record_id=record,
            team_id=team,
            athlete_id=athlete_id,
            athlete_name=name,
            injury_date=day.isoformat(),
            injury_time="16:30",
            activity="match",
            sport=sport,
            body_region="thigh",
            side="left",
            tissue="muscle_contusion",
            osiics_code=code,
            mechanism="direct_contact",
            contact_source="knee",
            time_loss_start=day.isoformat(),
            return_date=back.isoformat() if back else "",
            first_treatment_at=f"{day.isoformat()} 16:45",
            knee_effusion="no",
        )
        if flexion is not None and ago >= 2:
            row["knee_flexion_deg"] = str(flexion)
            row["knee_flexion_at"] = f"{(day + timedelta(days=1)).isoformat()} 09:00"
        export.injuries.append(row)
        for n, (after, echo, calcification, size) in enumerate(exams, start=1):
            exam = {c: "" for c in IMAGING.column_names}
            exam.update(
                record_id=f"US-S{k}-{n}-{team}",
                team_id=team,
                athlete_id=athlete_id,
                injury_record_id=record,
                exam_date=(day + timedelta(days=after)).isoformat(),
                modality="ultrasound",
                echogenicity=echo,
                calcification=calcification,
                lesion_layer="intramuscular",
                lesion_size_mm=str(size),
            )
            export.imaging.append(exam)
        until = back or end
        export.exposures = [
            e
            for e in export.exposures
            if not (e["athlete_id"] == athlete_id and day.isoformat() <= e["date"] <= str(until))
        ]


def _corrections(
    rng: random.Random, injuries: list[dict[str, str]], end: date
) -> list[dict[str, str]]:
    """Later versions of some records: a return date filled in, a flexion corrected."""
    fixed = []
    for row in injuries:
        if rng.random() >= 0.05:
            continue
        new = dict(row)
        if new["knee_flexion_deg"]:
            new["knee_flexion_deg"] = str(min(160, int(new["knee_flexion_deg"]) + 10))
            new["notes"] = (new["notes"] + " Flexion re-measured at 36 h.").strip()
        elif new["return_date"]:
            later = date.fromisoformat(new["return_date"]) + timedelta(days=2)
            if later > end:
                continue
            new["return_date"] = later.isoformat()
        else:
            continue
        fixed.append(new)
    return fixed


# ---- writing -------------------------------------------------------------------------------


def write_season(
    directory: Path,
    rng: random.Random,
    team: str,
    team_index: int,
    season_index: int,
    start: date,
    export: Export,
) -> list[Path]:
    label = f"{start.year}-{(start.year + 1) % 100:02d}"
    stem = f"{team}_{label}"
    written: list[Path] = []
    injuries = [dict(r) for r in export.injuries]
    exposures = [dict(r) for r in export.exposures]
    _spoil(rng, injuries, exposures)
    first = team_index == 0 and season_index == 0
    if team_index % 2 == 0:
        written.append(
            _csv(
                directory / f"injuries_{stem}.csv",
                INJURIES.column_names,
                injuries,
                delimiter=",",
                encoding="utf-8-sig" if first else "utf-8",
            )
        )
        written.append(
            _csv(
                directory / f"exposures_{stem}.csv",
                EXPOSURES.column_names,
                exposures,
                delimiter=",",
            )
        )
    else:
        # a European export: semicolons, Windows-1252 (names with accents), decimal commas
        written.append(
            _csv(
                directory / f"injuries_{stem}.csv",
                INJURIES.column_names,
                injuries,
                delimiter=";",
                encoding="cp1252" if season_index == 0 else "utf-8",
            )
        )
        for row in exposures:
            row["minutes"] = row["minutes"].replace(".", ",")
        written.append(
            _csv(
                directory / f"exposures_{stem}.csv",
                EXPOSURES.column_names,
                exposures,
                delimiter=";",
            )
        )
    if export.imaging:
        if season_index % 2 == 0:
            written.append(_jsonl(directory / f"imaging_{stem}.jsonl", export.imaging))
        else:
            written.append(
                _xlsx(directory / f"imaging_{stem}.xlsx", IMAGING.column_names, export.imaging)
            )
    if export.corrections:
        written.append(
            _csv(
                directory / f"injuries_{stem}_z_corrections.csv",
                INJURIES.column_names,
                export.corrections,
                delimiter=",",
            )
        )
    return written


def _spoil(
    rng: random.Random, injuries: list[dict[str, str]], exposures: list[dict[str, str]]
) -> None:
    """About one row in a hundred goes wrong the way real exports do."""
    spoilers = (
        lambda r: r.update(
            injury_date=(date.fromisoformat(r["injury_date"]) + timedelta(days=800)).isoformat()
        ),
        lambda r: r.update(knee_flexion_deg="200"),
        lambda r: r.update(activity="scrimmage"),
        lambda r: r.update(athlete_id=""),
        lambda r: r.update(
            return_date=(date.fromisoformat(r["injury_date"]) - timedelta(days=3)).isoformat()
        ),
        lambda r: r.update(mechanism="tackled"),
    )
    for row in injuries:
        if rng.random() < 0.01:
            rng.choice(spoilers)(row)
    for row in exposures:
        if rng.random() < 0.002:
            rng.choice(
                (
                    lambda r: r.update(minutes="ninety"),
                    lambda r: r.update(minutes="2000"),
                    lambda r: r.update(activity="gym"),
                )
            )(row)


def _csv(
    path: Path,
    columns: tuple[str, ...],
    rows: list[dict[str, str]],
    *,
    delimiter: str,
    encoding: str = "utf-8",
) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), delimiter=delimiter, lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    lines = [json.dumps({k: v for k, v in r.items() if v != ""}, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _xlsx(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.replace("_", " ").title() for c in columns])  # headers as a person types them
    for r in rows:
        values: list[object] = []
        for c in columns:
            v = r.get(c, "")
            if c == "exam_date" and v:
                values.append(date.fromisoformat(v))
            elif c == "lesion_size_mm" and v:
                values.append(float(v))
            else:
                values.append(v or None)
        sheet.append(values)
    book.save(path)
    return path


def write_bad_files(directory: Path) -> list[Path]:
    """Files no system should send, which the flow must quarantine whole and survive."""
    files = {
        "injuries_export_empty.csv": b"",
        "scan_0001.pdf": b"%PDF-1.4\n\x00\x01\x02binary\x00" * 8,
        "exposures_header_only.csv": (",".join(EXPOSURES.column_names) + "\r\n").encode(),
        "roster.csv": b"player,position,shirt\r\nAna Okafor,QB,12\r\n",
    }
    paths = []
    for name, data in files.items():
        path = directory / name
        path.write_bytes(data)
        paths.append(path)
    return paths
