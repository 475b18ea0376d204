"""What every relation and column of the analyst database means, written once: the publish stage
writes it into the snapshot as `COMMENT ON` (so any DuckDB client shows it:
`select * from duckdb_columns()`), and the README's relation table is generated from it:

    .venv/bin/python -m sideline.analyst_docs README.md

A column means the same in every relation unless `SPECIFIC` says otherwise for one relation.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import duckdb

from sideline.mo_params import MODEL_VERSION, PARAMETERS, REMINDERS

# relation: (one row per, what it is for)
RELATIONS: dict[str, tuple[str, str]] = {
    "injuries": (
        "current injury diagnosis",
        "Injuries as last corrected, without name or notes, classified by the IOC 2020 "
        "consensus: time loss, severity, subsequent injury, event.",
    ),
    "exposures": (
        "athlete-session (or period)",
        "Training and match exposure as last corrected (a re-sent export replaces an athlete's "
        "rows for a date and activity).",
    ),
    "imaging": ("exam", "Imaging exams as last corrected, without the free-text impression."),
    "injury_rates": (
        "team x season",
        "Incidence and burden per 1000 h with 95% CI (season 'all' for a team's whole record; "
        "all_teams true, team_id empty, across teams).",
    ),
    "injury_rates_by_category": (
        "team x season x dimension x category",
        "Injuries, days lost, incidence and burden by body region, tissue, mechanism and activity.",
    ),
    "injury_prevalence": (
        "team x month, team x season",
        "Period prevalence: athletes injured at some time in the period, of the athletes whose "
        "exposure periods reach it.",
    ),
    "exposure_hours": ("team x athlete x season x activity", "Exposure hours and sessions."),
    "data_completeness": (
        "finding",
        "Data gaps worth a look: injuries without exposure, open injuries older than the "
        "setting, risk-model fields missing, unknown OSIICS codes.",
    ),
    "mo_risk": (
        "thigh contusion in the model's scope",
        "Myositis ossificans risk (model v2, CLINICAL.md): each factor's value and points, "
        "score, tier, reasons and reminders with their status on the run day, with the model "
        "version that scored it. Decision support, not a diagnosis.",
    ),
    "mo_prevention": (
        "team x season",
        "Prevention process measures over the anterior-thigh contusions the risk model "
        "scores: first treated promptly and before the delay limit, flexion measured at "
        "12-48 h, days lost.",
    ),
    "mo_parameters": (
        "model parameter",
        "Every number, window and code of the myositis ossificans risk model, with its rule and "
        "evidence; the model version hashes this table and mo_reminder_rules.",
    ),
    "mo_reminder_rules": (
        "reminder rule",
        "Every reminder the risk model can give: when it applies, its trigger, due window "
        "(days from the trigger), when it closes, what shows it done, and its source.",
    ),
    "run_log": ("run", "What each run read, loaded and rejected, and how it ended."),
    "file_ledger": ("file content read", "Every file read, by SHA-256, with its row counts."),
    "quarantine": (
        "rejected row or file",
        "Why each rejected row or file was rejected (messages never quote a cell).",
    ),
    "quarantine_last_run": (
        "rejected row or file of the newest run",
        "Last night's quarantine, with the run's start, no join needed.",
    ),
    "validation_result": (
        "rule x table x run",
        "Each Great Expectations rule's result per run.",
    ),
    "ref_body_region": ("body region code", "IOC 2020 body regions with OSIICS/SMDCS codes."),
    "ref_tissue": ("tissue code", "IOC 2020 tissues and pathologies with OSIICS/SMDCS codes."),
    "ref_osiics_diagnosis": ("OSIICS code", "OSIICS diagnoses with region, tissue and ICD-10."),
    "snapshot_info": ("the snapshot", "Which run this snapshot shows, and its settings."),
}

COLUMNS: dict[str, str] = {
    # identity and time
    "team_id": "Team identifier, as exported.",
    "athlete_id": "Athlete identifier, as exported (never a name).",
    "record_id": "The record's identifier within its team, as exported.",
    "season": "Season label, e.g. 2025-26 (starts in SIDELINE_SEASON_START_MONTH), or 'all'.",
    "version": "Which correction of the record this is (1 = as first loaded).",
    "all_teams": "True on the rows that cover every team (team_id is then empty).",
    "day_count": "Time-loss convention in force: ioc (exclusive of both days) or calendar.",
    "run_id": "The run, as in run_log.",
    # injury contract
    "injury_date": "Date of the injury (the incident).",
    "injury_time": "Time of the incident, local, when known.",
    "activity": "match, training or other.",
    "sport": "Sport, from the contract's list.",
    "body_region": "IOC 2020 body region.",
    "side": "left, right, bilateral, central or na.",
    "tissue": "IOC 2020 tissue and pathology type.",
    "osiics_code": "OSIICS diagnosis code, when given.",
    "mechanism": "direct_contact, indirect_contact or non_contact.",
    "contact_source": "What made the contact (player, ground, equipment...), when given.",
    "time_loss_start": "First day of time loss, when it differs from the injury date.",
    "return_date": "Day of return to full participation; empty while the injury is open.",
    "first_treatment_at": "Local date and time of first treatment.",
    "knee_flexion_deg": "Active knee flexion in degrees measured at 12-48 h (thigh contusions).",
    "knee_flexion_at": "When the knee flexion was measured, local (grades only within 7 days).",
    "contusion_grade": "Clinical grade of a contusion: mild, moderate or severe.",
    "knee_effusion": "Knee effusion present (true/false), when examined.",
    "days_missed": "Days actually missed, as exported, for intermittent time loss.",
    "days_lost": "Days of time loss by the day-count convention (ongoing: to the run day).",
    "is_ongoing": "True while the injury has no return date (counted to the run day).",
    "severity": "Severity band by days lost: 0-3, 4-7, 8-28, >28, or ongoing.",
    "subsequent_class": "IOC subsequent-injury class: index, recurrence, exacerbation, new.",
    "previous_record_id": "The athlete's previous injury of the same site and type, if any.",
    "index_record_id": "The index injury this one is a subsequent injury of, if any.",
    "days_to_recurrence": "Days from the previous injury's return to this injury.",
    "event_id": "Injury event (athlete, day and time) as a JSON array; diagnoses share it.",
    "is_filled_from_code": "True when region and tissue were filled from the OSIICS code.",
    "notes": "Clinician's notes (only with SIDELINE_ANALYST_FREE_TEXT=true).",
    "impression": "Radiologist's impression (only with SIDELINE_ANALYST_FREE_TEXT=true).",
    # exposure contract
    "date": "Day of the session, or first day of a period row.",
    "period_end": "Last day of a period row (minutes total the period); empty for a session.",
    "session_id": "Session identifier for two-a-days, when exported.",
    "minutes": "Minutes of exposure.",
    "exposure_hours": "Exposure hours.",
    "sessions": "Number of exposure rows.",
    # imaging contract
    "injury_record_id": "The injury record this exam follows up.",
    "exam_date": "Day of the exam.",
    "modality": "ultrasound, xray, mri or ct.",
    "echogenicity": "Ultrasound echogenicity of the lesion.",
    "calcification": "none, peripheral, central or diffuse.",
    "lesion_layer": "Depth of the lesion: subcutaneous, intramuscular, deep_muscle, periosteal.",
    "lesion_size_mm": "Largest lesion diameter in millimetres.",
    # rates
    "injuries": "Injury events (several diagnoses of one event count once).",
    "incidence_per_1000h": "Injuries per 1000 exposure hours.",
    "incidence_ci_low": "Lower bound of the incidence's 95% confidence interval.",
    "incidence_ci_high": "Upper bound of the incidence's 95% confidence interval.",
    "burden_per_1000h": "Days lost per 1000 exposure hours.",
    "burden_ci_low": "Lower bound of the burden's 95% confidence interval.",
    "burden_ci_high": "Upper bound of the burden's 95% confidence interval.",
    "mean_days_lost": "Mean days lost per injury event.",
    "match_injuries": "Injury events in matches.",
    "match_hours": "Match exposure hours.",
    "match_incidence_per_1000h": "Match injuries per 1000 match hours.",
    "training_injuries": "Injury events in training.",
    "training_hours": "Training exposure hours.",
    "training_incidence_per_1000h": "Training injuries per 1000 training hours.",
    "ongoing_injuries": "Injury events still open on the run day.",
    "reinjuries": "Subsequent injuries of the same site and type (recurrences, exacerbations).",
    "reinjury_share": "Share of injury events that are re-injuries.",
    "dimension": "What the category is of: body_region, tissue, mechanism or activity.",
    "category": "The category's value.",
    # prevalence
    "period": "month or season.",
    "period_label": "The period as people write it (2025-10, 2025-26).",
    "period_start": "First day of the period.",
    "athletes": "Athletes in the cohort: exposure periods reaching the period.",
    "injured_athletes": "Of those, athletes with an injury overlapping the period.",
    "prevalence": "injured_athletes / athletes.",
    # completeness
    "check_name": "Which completeness check found it.",
    "detail": "What the check found, in words (ids only, never a name).",
    # mo_risk
    "days_since_incident": "Days from the injury to the run day.",
    "deep_contusion": "Factor value (grade from knee flexion, or unknown).",
    "reinjury": "Factor value: an earlier anterior-thigh contusion of the same thigh "
    "(present, absent or unknown).",
    "scope": "quadriceps (scored), other_compartment (hamstring or adductor: not_validated) "
    "or diagnosed (coded THM).",
    "tier_on": "The day the evidence first reached the tier (reminders of a tier count from it).",
    "suspected_on": "The first exam showing MO calcification, if any.",
    "atypical_on": "The exam that opened the latest atypical imaging finding, if any.",
    "outcome": "For calibration: mo (calcification within 12 weeks, or coded THM), no_mo (an "
    "exam after day 14 without it) or unknown (never imaged after day 14).",
    "is_imaged_after_day_14": "True when an exam after day 14 exists (only imaged contusions "
    "have a known outcome: compare tiers with that in mind).",
    "delayed_treatment": "Factor value: first treatment later than the limit (yes/no/unknown).",
    "collision_sport": "Factor value: a collision sport (yes/no).",
    "deep_contusion_points": "Points from the deep-contusion factor (empty when unknown).",
    "reinjury_points": "Points from the re-injury factor (empty when unknown).",
    "delayed_treatment_points": "Points from the delayed-treatment factor (empty when unknown).",
    "knee_effusion_points": "Points from the knee-effusion factor (empty when unknown).",
    "collision_sport_points": "Points from the collision-sport factor.",
    "incomplete": "True when a factor is unknown: the tier may be higher (see tier_max).",
    "score": "Sum of the known factors' points (empty outside the quadriceps: not validated).",
    "points_tier": "Tier from the points alone.",
    "tier": "Risk tier shown, imaging overrides included.",
    "tier_max": "Highest tier the unknown factors could reach.",
    "atypical_imaging": "True while an atypical imaging finding (possible sarcoma signs) is not "
    "resolved by a later exam or a THM code.",
    "reasons": "Why the tier is what it is, one sentence per factor or finding.",
    "missing_fields": "Contract fields whose absence leaves a factor unknown (codes: "
    "prior_return_date is the earlier contusion's return_date).",
    "reminders": "Reminders: rule, kind (action or advice), text, trigger_on, due_from, due_by, "
    "closes_on, source, status (upcoming, due, overdue, done, missed, elapsed) and on_board.",
    "model_version": "Risk model version that scored the row (changes with any parameter).",
    "scored_run_id": "The run that scored the row.",
    # runs, files and rules
    "started_at": "When the run started (UTC).",
    "finished_at": "When the run ended (UTC).",
    "status": "How it ended (run_log: success, failed, cancelled; file_ledger: loaded, "
    "partial, quarantined, duplicate).",
    "files_in": "Files the run found.",
    "rows_in": "Rows read.",
    "rows_loaded": "Rows loaded.",
    "rows_quarantined": "Rows rejected (quarantine).",
    "message": "What went wrong, in words that never quote a cell.",
    "step": "The stage where a failed run failed.",
    "trigger": "Who started the run: manual, scheduled or league.",
    "sha256": "SHA-256 of the file's content (a file is read once, whatever its name).",
    "file_name": "The file's name in the inbox.",
    "table_name": "Contract table the file or rule is for.",
    "size_bytes": "File size in bytes.",
    "reason": "Why the file was not loaded whole.",
    "read_at": "When the file was read (UTC).",
    "file": "The file the rejected row came from.",
    "row_number": "The row (line) where the record starts; empty for a whole file.",
    "column_name": "The contract column the rule guards.",
    "rule": "The rule that failed (required, type_date, enum, range, ...).",
    "raw_value": "The rejected cell's text, only for structured columns and never a name.",
    "run_started_at": "When the newest run started (UTC).",
    "expectation": "The Great Expectations expectation type.",
    "success": "True when no row failed the rule.",
    "element_count": "Rows the rule looked at.",
    "unexpected_count": "Rows that failed the rule.",
    # reference
    "osiics": "OSIICS code letter.",
    "smdcs": "SMDCS code.",
    "region_group": "Region group (head and neck, upper limb, trunk, lower limb).",
    "tissue_group": "Tissue group (muscle/tendon, nervous, bone, ...).",
    "source": "Where the code list comes from.",
    "description": "Diagnosis, in words.",
    "icd10": "ICD-10 code.",
    "published_at": "When the snapshot was written (UTC).",
    "season_start_month": "Month seasons start (SIDELINE_SEASON_START_MONTH).",
}

# where a column means something else in one relation
SPECIFIC: dict[tuple[str, str], str] = {
    ("exposures", "activity"): "match, training or other: the kind of session.",
    ("injury_rates_by_category", "injuries"): "Injury events in the category.",
    ("injury_rates_by_category", "days_lost"): "Days lost to the category's injury events.",
    ("injury_rates", "days_lost"): "Days lost to the injury events (ongoing: to the run day).",
    ("injury_prevalence", "period_end"): "Last day of the period.",
    ("mo_risk", "knee_effusion"): "Factor value: knee effusion (yes, no or unknown).",
    ("mo_risk", "side"): "Side of the thigh.",
    ("mo_parameters", "name"): "The parameter's name, as the rules read it.",
    ("mo_parameters", "value"): "Its value as JSON: a number or a list of codes.",
    ("mo_parameters", "unit"): "Unit of the value (deg, points, days, OSIICS, ...).",
    ("mo_parameters", "rule"): "What the value does in the model.",
    ("mo_parameters", "evidence"): "The source the value rests on.",
    ("mo_reminder_rules", "rule"): "The reminder's name, as in mo_risk.reminders.",
    ("mo_reminder_rules", "applies"): "Which contusions get it.",
    ("mo_reminder_rules", "trigger"): "What its days count from: incident, tier (the day the "
    "tier was reached) or exam.",
    ("mo_reminder_rules", "due_from_day"): "First day it is due, in days from the trigger.",
    ("mo_reminder_rules", "due_by_day"): "Last day it is due (empty: until return).",
    ("mo_reminder_rules", "closes_day"): "Day its window closes (then missed, or elapsed when "
    "the data cannot show it done); empty: never by time alone.",
    ("mo_reminder_rules", "closes_at_return"): "True when it closes at return to play.",
    ("mo_reminder_rules", "done_when"): "What in the data shows it done (empty: nothing can).",
    ("mo_reminder_rules", "kind"): "action (a thing to do on a day) or advice (holds until "
    "return).",
    ("mo_reminder_rules", "text"): "The reminder as the board shows it.",
    ("mo_reminder_rules", "source"): "The evidence the text comes from (CLINICAL.md).",
    ("mo_prevention", "contusions"): "Anterior-thigh contusions of the season (model scope).",
    ("mo_prevention", "treated_promptly"): "Of those, first treated within prompt_hours of "
    "the incident (incident time recorded).",
    ("mo_prevention", "treated_before_delay_limit"): "Of those, first treated within "
    "delay_hours (a missing incident time counts as the end of the day).",
    ("mo_prevention", "treatment_time_missing"): "Of those, without a first-treatment time.",
    ("mo_prevention", "incident_time_missing"): "Of those, without an incident time.",
    ("mo_prevention", "flexion_measured_12_48h"): "Of those, with knee flexion measured "
    "12-48 h after the incident.",
    ("mo_prevention", "flexion_missing"): "Of those, without a knee flexion value.",
    ("mo_prevention", "flexion_time_missing"): "Of those, with flexion but no time for it.",
    ("mo_prevention", "days_lost"): "Days lost to those contusions.",
    ("mo_prevention", "prompt_hours"): "The prompt-treatment limit in force (mo_parameters).",
    ("mo_prevention", "delay_hours"): "The delayed-treatment limit in force (mo_parameters).",
    ("data_completeness", "record_id"): "The injury record concerned, if any.",
    ("quarantine_last_run", "run_id"): "The newest run.",
}


def describe(relation: str, column: str) -> str | None:
    return SPECIFIC.get((relation, column)) or COLUMNS.get(column)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def docs_version() -> str:
    """What the comments say, as one digest: a snapshot copied from one written with other
    comments is built whole."""
    texts = [sorted(RELATIONS.items()), sorted(COLUMNS.items()), sorted(SPECIFIC.items())]
    return hashlib.sha256(json.dumps(texts).encode()).hexdigest()


def comment(con: duckdb.DuckDBPyConnection, catalog: str) -> None:
    """Write the comments into the relations of `catalog` (an attached snapshot). The texts are
    this module's constants, never data: they are quoted as SQL literals. All of them go to
    DuckDB as one script (one statement each took longer than building most relations)."""
    columns = con.execute(
        "select table_name, column_name from duckdb_columns() where database_name = ? "
        "order by table_name, column_index",
        [catalog],
    ).fetchall()
    script: list[str] = []
    for relation in dict.fromkeys(table for table, _ in columns):
        grain, meaning = RELATIONS.get(relation, ("", ""))
        if meaning:
            text = _literal(f"One row per {grain}. {meaning}")
            script.append(f"comment on table {catalog}.{relation} is {text}")
    for relation, column in columns:
        text = describe(relation, column)
        if text:
            script.append(f'comment on column {catalog}.{relation}."{column}" is {_literal(text)}')
    if script:
        con.execute(";\n".join(script))


def relation_table() -> str:
    """The README's table of relations."""
    lines = ["| relation | one row per | holds |", "|---|---|---|"]
    for relation, (grain, meaning) in RELATIONS.items():
        lines.append(f"| `{relation}` | {grain} | {meaning} |")
    return "\n".join(lines)


def model_tables() -> str:
    """The README's tables of the risk model: its parameters and its reminders."""
    lines = [
        f"Model version `{MODEL_VERSION}` (relations `mo_parameters`, `mo_reminder_rules`).",
        "",
        "| parameter | value | unit | what it does | evidence |",
        "|---|---|---|---|---|",
    ]
    for p in PARAMETERS:
        value = ", ".join(p.value) if isinstance(p.value, tuple) else str(p.value)
        lines.append(f"| `{p.name}` | {value} | {p.unit} | {p.rule} | {p.evidence} |")
    lines += [
        "",
        "| reminder | applies to | counts from | due (days) | closes | done when | kind |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in REMINDERS:
        due = f"{r.due_from}-{r.due_by}" if r.due_by is not None else f"{r.due_from}-return"
        closes = {None: "never by time", "return": "at return"}.get(r.closes, f"day {r.closes}")  # type: ignore[arg-type]
        lines.append(
            f"| `{r.rule}` | {r.applies} | {r.trigger} | {due} | {closes} | "
            f"{r.done_when or 'cannot be shown'} | {r.kind} |"
        )
    return "\n".join(lines)


BEGIN = "<!-- relations: generated by python -m sideline.analyst_docs README.md -->"
END = "<!-- /relations -->"
MODEL_BEGIN = "<!-- mo-model: generated by python -m sideline.analyst_docs README.md -->"
MODEL_END = "<!-- /mo-model -->"
BLOCKS = ((BEGIN, END, relation_table), (MODEL_BEGIN, MODEL_END, model_tables))


def update_readme(path: Path) -> bool:
    """Rewrite the generated tables in `path`; True when one changed."""
    text = path.read_text(encoding="utf-8")
    new = text
    for begin, end, build in BLOCKS:
        pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
        if not pattern.search(new):
            raise SystemExit(f"{path} has no {begin} ... {end} block")
        new = pattern.sub(lambda _, b=begin, e=end, f=build: f"{b}\n{f()}\n{e}", new)
    path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    changed = update_readme(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))
    print("updated" if changed else "already up to date")
