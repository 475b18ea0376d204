"""The static site under `$SIDELINE_HOME/site`: built from the run's committed state, written
beside the live site and swapped in, with plotly.js shipped once so pages work offline.

Medical pages carry athlete names; `public=True` builds the pseudonymised copy (athlete ids
instead of names, no clinician notes, no rejected name cells) for a wider audience.

A team's pages are rendered again only when what they are built from changed: its data (the
newest run that loaded or scored its rows), the day, the settings, the team list or this code.
Otherwise the new site links the previous site's files (`pages.json` records each team's key),
so a night's run renders the teams its files touched, and every team on the first run of a day.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sideline import reminders, risk
from sideline.db import query
from sideline.mo_params import (
    FACTOR_NAMES,
    HIGH_TIERS,
    MO_TIERS,
    MODEL_VERSION,
    POINT_TIERS,
    PREVENTION,
    REMINDER,
    TIER_ORDER,
)

from . import figures
from .html import figure, render
from .words import words

SAFE = re.compile(r"[^A-Za-z0-9_-]")
# plotly.js "basic" (bar, scatter, pie: all these pages draw) of the same version plotly.py
# writes figures for, MIT licence, vendored: a quarter of the full bundle's size, and it
# parses in about 0.3 s where the full bundle takes over a second on a 2-core machine.
PLOTLY_BASIC = Path(__file__).parent / "vendor" / "plotly-basic.min.js"
PLOTLY_FILE = "plotly-basic.min.js"
TEAM_PAGES = ("board.html", "surveillance.html")
PAGES_FILE = "pages.json"  # each team's page key and its line on the index


def _code_version() -> str:
    """What renders the pages: this package's code and templates, every SQL statement (the
    models and scores the pages show as well as the pages' own queries), the risk model, and
    the scoring code."""
    digest = hashlib.sha256(MODEL_VERSION.encode())
    package = Path(__file__).parent
    sources = [*package.glob("*.py"), *(package / "templates").glob("*.html")]
    sources += [Path(module.__file__ or "") for module in (risk, reminders)]
    for path in sorted(sources):
        digest.update(path.name.encode() + path.read_bytes())
    folders = [files("sideline.sql")]
    while folders:
        folder = folders.pop()
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                folders.append(entry)
            elif entry.name.endswith((".sql", ".csv")):
                digest.update(entry.name.encode() + entry.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


def team_slug(team_id: str) -> str:
    slug = SAFE.sub("_", team_id)
    if slug != team_id or not slug:
        slug += "-" + hashlib.sha256(team_id.encode()).hexdigest()[:6]
    return slug


@dataclass(frozen=True)
class SiteContext:
    as_of: date
    season_start_month: int
    public: bool
    teams: tuple[str, ...]
    timezone: str = "UTC"  # the team's: times on the pages are shown in it

    def values(self, team_ids: list[str] | None = None) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "season_start_month": self.season_start_month,
            "team_ids": team_ids or [],
            "tier_order": list(TIER_ORDER),
            "mo_tiers": list(MO_TIERS),
        }


def build_site(
    con: duckdb.DuckDBPyConnection,
    target: Path,
    *,
    as_of: date,
    season_start_month: int,
    public: bool = False,
    timezone: str = "UTC",
    inputs: str = "",
) -> Path:
    """Write the whole site to `target` (replaced as a whole); returns its index.html.
    `inputs` names the settings the models were built with, beside the ones the pages take."""
    versions = query(con, "team_versions", {})
    versions = versions[versions["has_records"]]  # a team of imaging rows only has no pages
    teams = tuple(versions["team_id"])
    ctx = SiteContext(as_of, season_start_month, public, teams, timezone)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copyfile(PLOTLY_BASIC, staging / PLOTLY_FILE)
    runs = query(con, "dashboards/runs", {})
    before = built_pages(target)
    keys: dict[str, str] = {}
    days: dict[str, TeamDay] = {}
    for team, data_version in zip(versions["team_id"], versions["data_version"], strict=True):
        folder = staging / "teams" / team_slug(team)
        folder.mkdir(parents=True)
        keys[team] = page_key(ctx, team, str(data_version), inputs)
        old = before.get(team)
        if old is not None and old["key"] == keys[team] and _link_pages(target, folder, team):
            days[team] = TeamDay(**old["day"])
    render = [team for team in teams if team not in days]
    for first in range(0, len(render), TEAMS_AT_ONCE):
        batch = render[first : first + TEAMS_AT_ONCE]
        for team, rows in team_rows(con, ctx, batch).items():
            folder = staging / "teams" / team_slug(team)
            html, days[team] = board_page(ctx, team, rows)
            (folder / "board.html").write_text(html, encoding="utf-8")
            (folder / "surveillance.html").write_text(
                surveillance_page(ctx, team, rows), encoding="utf-8"
            )
    pages = {team: {"key": keys[team], "day": asdict(days[team])} for team in teams}
    (staging / "index.html").write_text(index_page(ctx, runs, days), encoding="utf-8")
    (staging / "quality.html").write_text(quality_page(con, ctx), encoding="utf-8")
    (staging / PAGES_FILE).write_text(json.dumps(pages, indent=1), encoding="utf-8")
    return _swap(staging, target)


# the statements a team's pages are built from (sql/dashboards/): each gives the rows of every
# team in `$team_ids`, with its team_id, in the order the pages show them
PAGE_QUERIES = (
    "board_out",
    "board_squad",
    "board_risk",
    "board_prevention",
    "surv_rates",
    "surv_categories",
    "surv_prevalence",
    "surv_timeline",
)
TEAMS_AT_ONCE = 50  # teams whose rows are queried together


def team_rows(
    con: duckdb.DuckDBPyConnection, ctx: SiteContext, teams: list[str]
) -> dict[str, dict[str, pd.DataFrame]]:
    """Each team's rows of every page statement (`PAGE_QUERIES`), each statement run once for
    all of `teams`: run per team, at about 10 ms a statement, they were half of a site build."""
    frames = {name: query(con, f"dashboards/{name}", ctx.values(teams)) for name in PAGE_QUERIES}
    rows: dict[str, dict[str, pd.DataFrame]] = {team: {} for team in teams}
    for name, frame in frames.items():
        groups = {str(team): part for team, part in frame.groupby("team_id", sort=False)}
        for team in teams:
            part = groups.get(team, frame.iloc[0:0])
            rows[team][name] = part.drop(columns="team_id").reset_index(drop=True)
    return rows


def page_key(ctx: SiteContext, team: str, data_version: str, inputs: str) -> str:
    """Everything a team's pages are rendered from, as one digest."""
    parts = [CODE_VERSION, ctx.as_of.isoformat(), ctx.season_start_month, ctx.public]
    parts += [ctx.timezone, list(ctx.teams), team, data_version, inputs]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def built_pages(site: Path) -> dict[str, dict[str, Any]]:
    """What the live site's team pages were built from (nothing if it is missing or unreadable:
    then every page is rendered)."""
    try:
        pages = json.loads((site / PAGES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return pages if isinstance(pages, dict) else {}


def _link_pages(site: Path, folder: Path, team: str) -> bool:
    """The live site's pages of `team` into the new site's `folder`, as hard links (copies
    where links cannot be made); False if any of them is missing."""
    sources = [site / "teams" / team_slug(team) / name for name in TEAM_PAGES]
    if not all(path.is_file() and not path.is_symlink() for path in sources):
        return False
    for path in sources:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copyfile(path, folder / path.name)
    return True


def build_status_site(
    con: duckdb.DuckDBPyConnection, target: Path, *, as_of: date, timezone: str = "UTC"
) -> Path:
    """Only the index with the runs, for when there is no data to show yet (the first run
    failed): the medical team still sees that it failed, and when."""
    ctx = SiteContext(as_of, 7, False, (), timezone)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    runs = query(con, "dashboards/runs", {})
    (staging / "index.html").write_text(index_page(ctx, runs), encoding="utf-8")
    return _swap(staging, target)


def _swap(staging: Path, target: Path) -> Path:
    """Put the built site in place of the old one, whole."""
    old = target.with_name(f"{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return target / "index.html"


# ---- pages ------------------------------------------------------------------------------------


def _top_page(ctx: SiteContext, template: str, title: str, **context: Any) -> str:
    """A page at the site's root, its team selector leading to each team's board."""
    return render(
        template,
        title=title,
        root="",
        team=None,
        team_slug=None,
        teams=[(t, f"teams/{team_slug(t)}/board.html") for t in ctx.teams],
        **context,
    )


def _team_page(
    ctx: SiteContext, team: str, template: str, title: str, page_name: str, **context: Any
) -> str:
    """A page of one team (`teams/<slug>/<page_name>`); its selector leads to the same page of
    each other team."""
    root = "../../"
    return render(
        template,
        title=title,
        root=root,
        team=team,
        team_slug=team_slug(team),
        teams=[(t, f"{root}teams/{team_slug(t)}/{page_name}") for t in ctx.teams],
        with_plotly=True,
        **context,
    )


def _name(row: Any, ctx: SiteContext) -> str:
    if ctx.public or not isinstance(row.get("athlete_name"), str):
        return str(row["athlete_id"])
    return f"{row['athlete_name']} ({row['athlete_id']})"


# ---- index ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamDay:
    """What a team's board says at a glance, for the index."""

    out: int  # athletes unavailable or modified
    high_risk: int  # contusions at high or above
    actions: int  # actions due or overdue today


STATUS_RANK = {"overdue": 0, "due": 1, "missed": 2}


def due_today(card: dict[str, Any]) -> list[dict[str, Any]]:
    """A risk card's actions on the board's day: due, overdue, or missed within the last week
    (`on_board`, sql/score/mo_risk.sql)."""
    return [m for m in card["reminders"] if m["on_board"] and m["kind"] == "action"]


def advice_now(card: dict[str, Any]) -> list[dict[str, Any]]:
    """What holds for the card's whole episode on the board's day (acute care, return)."""
    return [m for m in card["reminders"] if m["on_board"] and m["kind"] == "advice"]


def today_actions(risk: pd.DataFrame) -> list[dict[str, Any]]:
    """The day's actions of every risk card: overdue first, then due, then missed; within each,
    by the day they are due by (an open-ended one last)."""
    actions = [{**m, "record": r} for r in risk.to_dict("records") for m in due_today(r)]
    return sorted(
        actions,
        key=lambda a: (
            STATUS_RANK[a["status"]],
            a["due_by"] is None or pd.isna(a["due_by"]),
            str(a["due_by"]),
        ),
    )


def index_page(ctx: SiteContext, runs: pd.DataFrame, days: dict[str, TeamDay] | None = None) -> str:
    last = None
    if not runs.empty:
        row = runs.iloc[0]
        finished = pd.Timestamp(
            row["finished_at"] if pd.notna(row["finished_at"]) else row["started_at"]
        )
        if finished.tzinfo is None:
            finished = finished.tz_localize("UTC")
        step = row.get("step")
        last = {
            "failed": row["status"] != "success",
            "status": row["status"],
            "where": f" at the {step} step" if isinstance(step, str) else "",
            "finished_iso": finished.isoformat(),
            "local": finished.tz_convert(ctx.timezone).strftime("%Y-%m-%d %H:%M %Z"),
            "files_in": int(row["files_in"]),
            "rows_loaded": int(row["rows_loaded"]),
            "rows_quarantined": int(row["rows_quarantined"]),
            "message": row["message"],
        }
    days = days or {}
    team_rows = [
        {
            "team": team,
            "slug": team_slug(team),
            "out": days[team].out if team in days else "",
            "high_risk": days[team].high_risk if team in days else "",
            "actions": days[team].actions if team in days else "",
        }
        for team in ctx.teams
    ]
    return _top_page(
        ctx, "index.html", "Overview", last=last, team_rows=team_rows, with_plotly=False
    )


# ---- morning board ----------------------------------------------------------------------------


def availability_counts(out: pd.DataFrame, squad: int) -> tuple[int, int, int]:
    """Athletes unavailable, modified and available: each athlete counts once, by the worst of
    their open injuries (one unavailable and one modified injury make one unavailable athlete)."""
    worst = out.groupby("athlete_id")["availability"].agg(
        lambda s: "unavailable" if (s == "unavailable").any() else "modified"
    )
    unavailable = int((worst == "unavailable").sum())
    modified = int((worst == "modified").sum())
    return unavailable, modified, max(squad - unavailable - modified, 0)


def board_page(ctx: SiteContext, team: str, rows: dict[str, pd.DataFrame]) -> tuple[str, TeamDay]:
    """The team's morning board from its rows (`team_rows`), and its line on the index."""
    out, risk = rows["board_out"], rows["board_risk"]
    squad = int(rows["board_squad"]["athletes"].sum())  # no row: no athlete this season
    unavailable, modified, available = availability_counts(out, squad)
    out_rows = [
        {
            "athlete": _name(r, ctx),
            "availability": r["availability"],
            "injury": f"{words(r['body_region'])} {words(r['tissue'])} "
            f"({words(r['side']) or 'side not recorded'})",
            "out_since": r["out_since"],
            "days_lost": r["days_lost"],
            "return_date": r["return_date"] if pd.notna(r["return_date"]) else None,
            "expected_return": r["expected_return"] if pd.notna(r["expected_return"]) else None,
            "expected_from_n": r["expected_from_n"],
            # past the typical return: a review is due, not a date to wait for
            "past_expected": pd.notna(r["expected_return"])
            and pd.Timestamp(r["expected_return"]) < pd.Timestamp(ctx.as_of),
            "note": None if ctx.public else r["notes"],
        }
        for r in out.to_dict("records")
    ]
    actions = today_actions(risk)
    html = _team_page(
        ctx,
        team,
        "board.html",
        f"Morning board: {team}",
        "board.html",
        as_of=ctx.as_of,
        actions=[
            (
                _name(a["record"], ctx),
                a["text"],
                a["status"],
                a["due_by"] if a["due_by"] is not None else "return",
                a["record"]["record_id"],
            )
            for a in actions
        ],
        unavailable=unavailable,
        modified=modified,
        available=available,
        squad=squad,
        out=out_rows,
        cards=[_risk_card(r, ctx) for r in risk.to_dict("records")],
        atypical_next_step=REMINDER["atypical_mri_referral"].text,
        prevention=PREVENTION,
        measures=prevention_measures(rows["board_prevention"]),
    )
    high = int(risk["tier"].isin(HIGH_TIERS).sum()) if not risk.empty else 0
    day = TeamDay(out=unavailable + modified, high_risk=high, actions=len(actions))
    return html, day


# each measure: label (with the limit column it names), the count, and the gap it may have
MEASURES: tuple[tuple[str, str | None, str, str, str], ...] = (
    (
        "first treated within {} h",
        "prompt_hours",
        "treated_promptly",
        "incident_time_missing",
        "incident time not recorded",
    ),
    (
        "first treated within {} h",
        "delay_hours",
        "treated_before_delay_limit",
        "treatment_time_missing",
        "not recorded",
    ),
    (
        "knee flexion measured at 12-48 h",
        None,
        "flexion_measured_12_48h",
        "flexion_time_missing",
        "time not recorded",
    ),
)


def _share(s: dict[str, Any], count: str, gap: str, gap_words: str) -> str:
    if not s["contusions"]:
        return "no contusion"
    part, whole = int(s[count]), int(s["contusions"])
    text = f"{part} of {whole} ({100 * part / whole:.0f}%)"
    return text + (f"; {gap_words}: {int(s[gap])}" if s[gap] else "")


def prevention_measures(frame: pd.DataFrame) -> dict[str, list[Any]] | None:
    """The team's own prevention process measures (mo_prevention): this season against the
    one before, as counts a physician can check against the cards."""
    if frame.empty:
        return None
    seasons = frame.to_dict("records")
    rows: list[tuple[object, ...]] = [
        ("anterior-thigh contusions", *(int(s["contusions"]) for s in seasons))
    ]
    for label, limit, count, gap, gap_words in MEASURES:
        title = label.format(int(seasons[0][limit])) if limit else label
        rows.append((title, *(_share(s, count, gap, gap_words) for s in seasons)))
    rows.append(("days lost to them", *(int(s["days_lost"] or 0) for s in seasons)))
    headers = [f"{s['season']}{' (in progress)' if s['is_current'] else ''}" for s in seasons]
    return {"rows": rows, "headers": ["measure", *headers]}


def _risk_card(r: dict[str, Any], ctx: SiteContext) -> dict[str, Any]:
    """What a risk card shows (templates/board.html, `card`)."""
    tier = str(r["tier"])
    label = words(tier)
    if r["incomplete"] and tier in POINT_TIERS and r["tier_max"] != tier:
        label = f"incomplete: {words(tier)} to {words(r['tier_max'])}"
    return {
        "athlete": _name(r, ctx),
        "tier": tier,
        "label": label,
        "colour": figures.TIER_COLOURS.get(tier, "#4a5568"),
        "record_id": r["record_id"],
        "days_since_incident": r["days_since_incident"],
        "injury_date": r["injury_date"],
        "score": None if pd.isna(r["score"]) else int(r["score"]),
        "atypical_imaging": bool(r["atypical_imaging"]),
        "factors": []
        if r["scope"] == "other_compartment"
        else [(name, r[name]) for name in FACTOR_NAMES],
        "reasons": list(r["reasons"]),
        "due": due_today(r),
        "advice": advice_now(r),
        "upcoming": [m for m in r["reminders"] if m["status"] == "upcoming"],
        "exams": [{**e, "lesion_size_mm": e.get("lesion_size_mm")} for e in r["exams"]],
        "notes": r["notes"] if not ctx.public and isinstance(r.get("notes"), str) else None,
    }


# ---- surveillance -----------------------------------------------------------------------------


def surveillance_page(ctx: SiteContext, team: str, rows: dict[str, pd.DataFrame]) -> str:
    """The team's surveillance page from its rows (`team_rows`)."""
    rates, categories = rows["surv_rates"], rows["surv_categories"]
    prevalence, timeline = rows["surv_prevalence"], rows["surv_timeline"]
    if ctx.public:
        timeline = timeline.assign(athlete_name=None)
    convention = rates["day_count"].iloc[0] if not rates.empty else ""
    figs = [
        figure(figures.incidence_by_season(rates), "incidence"),
        figure(figures.burden_by_season(rates), "burden"),
        figure(figures.match_vs_training(rates), "match-training"),
        figure(figures.reinjury_share(rates), "reinjury"),
        figure(figures.risk_matrix(categories), "risk-matrix"),
        figure(figures.monthly_prevalence(prevalence), "prevalence"),
        figure(figures.by_category(categories, "body_region"), "body-region"),
        figure(figures.by_category(categories, "tissue"), "tissue"),
        figure(figures.by_category(categories, "mechanism"), "mechanism"),
    ]
    return _team_page(
        ctx,
        team,
        "surveillance.html",
        f"Surveillance: {team}",
        "surveillance.html",
        convention=convention,
        figures=figs,
        timeline=figure(figures.athlete_timeline(timeline), "timeline"),
    )


# ---- data quality -----------------------------------------------------------------------------


def quality_page(con: duckdb.DuckDBPyConnection, ctx: SiteContext) -> str:
    results = query(con, "dashboards/quality_results", {})
    trend = query(con, "dashboards/quality_trend", {})
    quarantine = query(con, f"dashboards/quality_quarantine{'_public' if ctx.public else ''}", {})
    completeness = query(con, "dashboards/quality_completeness", {})
    findings = query(con, "dashboards/quality_findings", {})
    per_file = query(con, "dashboards/quality_files", {"public": ctx.public})
    failing = results[results["unexpected_count"] > 0]
    passing = results[results["unexpected_count"] == 0]
    columns = [
        "table_name",
        "rule",
        "column_name",
        "expectation",
        "success",
        "element_count",
        "unexpected_count",
    ]
    headers = ["table", "rule", "column", "expectation", "passed", "rows", "failing rows"]
    return _top_page(
        ctx,
        "quality.html",
        "Data quality",
        with_plotly=True,
        trend=figure(figures.runs_trend(trend), "runs"),
        results_count=len(results),
        rule_headers=headers,
        failing=list(failing[columns].itertuples(index=False)),
        passing=list(passing[columns].itertuples(index=False)),
        per_file=list(per_file.itertuples(index=False)),
        quarantine=list(quarantine.itertuples(index=False)),
        completeness=list(completeness.itertuples(index=False)),
        findings=list(findings.itertuples(index=False)),
    )
