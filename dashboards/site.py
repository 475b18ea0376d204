"""The static site under `$SIDELINE_HOME/site`: built from the run's committed state, written
beside the live site and swapped in, with plotly.js shipped once so pages work offline.

Medical pages carry athlete names; `public=True` builds the pseudonymised copy (athlete ids
instead of names, no clinician notes, no rejected name cells) for a wider audience.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from sideline.db import query
from sideline.mo_params import (
    FACTOR_NAMES,
    HIGH_TIERS,
    MO_TIERS,
    POINT_TIERS,
    PREVENTION,
    REMINDER,
    TIER_ORDER,
)

from . import figures
from .html import esc, figure, page, table, team_selector
from .words import words

SAFE = re.compile(r"[^A-Za-z0-9_-]")
# plotly.js "basic" (bar, scatter, pie: all these pages draw) of the same version plotly.py
# writes figures for, MIT licence, vendored: a quarter of the full bundle's size, and it
# parses in about 0.3 s where the full bundle takes over a second on a 2-core machine.
PLOTLY_BASIC = Path(__file__).parent / "vendor" / "plotly-basic.min.js"
PLOTLY_FILE = "plotly-basic.min.js"


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

    def values(self, team_id: str | None = None) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "season_start_month": self.season_start_month,
            "team_id": team_id,
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
) -> Path:
    """Write the whole site to `target` (replaced as a whole); returns its index.html."""
    teams = tuple(query(con, "dashboards/teams", {})["team_id"])
    ctx = SiteContext(as_of, season_start_month, public, teams, timezone)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copyfile(PLOTLY_BASIC, staging / PLOTLY_FILE)
    runs = query(con, "dashboards/runs", {})
    days: dict[str, TeamDay] = {}
    for team in teams:
        folder = staging / "teams" / team_slug(team)
        folder.mkdir(parents=True)
        html, days[team] = board_page(con, ctx, team)
        (folder / "board.html").write_text(html, encoding="utf-8")
        (folder / "surveillance.html").write_text(
            surveillance_page(con, ctx, team), encoding="utf-8"
        )
    (staging / "index.html").write_text(index_page(ctx, runs, days), encoding="utf-8")
    (staging / "quality.html").write_text(quality_page(con, ctx), encoding="utf-8")
    return _swap(staging, target)


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


# ---- navigation -------------------------------------------------------------------------------


def _nav(root: str, team: str | None) -> str:
    links = [f'<a href="{root}index.html">home</a>']
    if team is not None:
        base = f"{root}teams/{esc(team_slug(team))}/"
        links += [
            f'<a href="{base}board.html">morning board</a>',
            f'<a href="{base}surveillance.html">surveillance</a>',
        ]
    links.append(f'<a href="{root}quality.html">data quality</a>')
    return "".join(links)


def _selector(ctx: SiteContext, root: str, page_name: str, current: str | None) -> str:
    return team_selector(
        [(t, f"{root}teams/{team_slug(t)}/{page_name}") for t in ctx.teams], current
    )


def _top_page(ctx: SiteContext, title: str, body: str, *, with_plotly: bool) -> str:
    """A page at the site's root, its team selector leading to each team's board."""
    return page(
        title,
        body,
        root="",
        nav=_nav("", None),
        selector=_selector(ctx, "", "board.html", None),
        with_plotly=with_plotly,
    )


def _team_page(ctx: SiteContext, team: str, title: str, body: str, page_name: str) -> str:
    """A page of one team (`teams/<slug>/<page_name>`); its selector leads to the same page of
    each other team."""
    root = "../../"
    return page(
        title, body, root=root, nav=_nav(root, team), selector=_selector(ctx, root, page_name, team)
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
    if runs.empty:
        status = '<p class="warn">No run yet.</p>'
    else:
        last = runs.iloc[0]
        finished = pd.Timestamp(
            last["finished_at"] if pd.notna(last["finished_at"]) else last["started_at"]
        )
        if finished.tzinfo is None:
            finished = finished.tz_localize("UTC")
        local = finished.tz_convert(ctx.timezone)
        failed = last["status"] != "success"
        css = "warn" if failed else "ok"
        step = last.get("step")
        where = f" at the {step} step" if isinstance(step, str) else ""
        status = (
            f'<div class="{css}" id="last-run" data-finished="{esc(finished.isoformat())}" '
            f'data-status="{esc(last["status"])}">'
            f"<b>Last run</b> {esc(local.strftime('%Y-%m-%d %H:%M %Z'))}: "
            f"<b>{esc(last['status'])}</b>{esc(where)}, {esc(int(last['files_in']))} new "
            f"file(s), {esc(int(last['rows_loaded']))} rows loaded, "
            f"{esc(int(last['rows_quarantined']))} quarantined."
            + (
                f"<br>The last run {esc(last['status'])}{esc(where)}: {esc(last['message'])}. "
                "The pages show the data as it was before it, unless it says it loaded."
                if failed
                else ""
            )
            + '</div><p class="warn" id="stale" hidden>The last run is more than a day old: '
            "check that the nightly flow is running.</p>"
            "<script>(function(){var d=new Date(document.getElementById('last-run')"
            ".dataset.finished);if(Date.now()-d.getTime()>864e5){document.getElementById("
            "'stale').hidden=false}})()</script>"
        )
    days = days or {}
    links = table(
        [
            (
                team,
                days[team].out if team in days else "",
                days[team].high_risk if team in days else "",
                days[team].actions if team in days else "",
                f'<a href="teams/{esc(team_slug(team))}/board.html">morning board</a> · '
                f'<a href="teams/{esc(team_slug(team))}/surveillance.html">surveillance</a>',
            )
            for team in ctx.teams
        ],
        ["team", "out", "high risk", "actions due today", "pages"],
        raw_columns={4},
    )
    body = (
        f"<section>{status}</section><section><h3>Teams</h3>{links}"
        '<p><a href="quality.html">Data quality</a>: validation results, quarantine, '
        "completeness.</p></section>"
    )
    return _top_page(ctx, "Overview", body, with_plotly=False)


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


def board_page(con: duckdb.DuckDBPyConnection, ctx: SiteContext, team: str) -> tuple[str, TeamDay]:
    values = ctx.values(team)
    out = query(con, "dashboards/board_out", values)
    squad = int(query(con, "dashboards/board_squad", values)["athletes"].iloc[0])
    risk = query(con, "dashboards/board_risk", values)
    unavailable, modified, available = availability_counts(out, squad)
    summary = (
        f'<p><span class="badge" style="background:#c53030">{unavailable} unavailable</span> '
        f'<span class="badge" style="background:#b7791f">{modified} modified</span> '
        f'<span class="badge" style="background:#2f855a">'
        f"{available} available</span> "
        f'<span class="muted">of {squad} athletes this season, on {esc(ctx.as_of)}</span></p>'
        '<p class="muted" id="modified-means">Modified: back from an injury within the last 7 '
        "days, or injured in the last 7 days without time loss; training, with the medical "
        "team's restrictions. Each athlete counts once, by their worst injury.</p>"
    )
    rows = []
    for r in out.to_dict("records"):
        expected = (
            f"{esc(r['expected_return'])} <span class='muted'>(typical of "
            f"{esc(r['expected_from_n'])} closed)</span>"
            if pd.notna(r["expected_return"])
            else ""
        )
        if pd.notna(r["expected_return"]) and pd.Timestamp(r["expected_return"]) < pd.Timestamp(
            ctx.as_of
        ):
            # past the typical return: a review is due, not a date to wait for
            expected = (
                '<span class="badge" style="background:#c53030" data-flag="past-expected">'
                "past expected return</span> " + expected
            )
        if r["availability"] == "modified":
            # back already, or never lost time: the date that matters is the return
            expected = (
                f"returned {esc(r['return_date'])}"
                if pd.notna(r["return_date"])
                else "no time lost"
            )
        note = "" if ctx.public else esc(r["notes"])
        rows.append(
            (
                _name(r, ctx),
                r["availability"],
                f"{words(r['body_region'])} {words(r['tissue'])} "
                f"({words(r['side']) or 'side not recorded'})",
                r["out_since"],
                r["days_lost"],
                expected,
                note,
            )
        )
    out_table = table(
        rows,
        ["athlete", "availability", "injury", "out since", "days lost", "expected return", "note"],
        raw_columns={5, 6},
    )
    cards = "".join(_risk_card(r, ctx) for r in risk.to_dict("records")) or (
        '<p class="muted">No thigh contusion to follow.</p>'
    )
    advice = "".join(
        f'<li>{esc(text)} <span class="muted">({esc(source)})</span></li>'
        for text, source in PREVENTION
    )
    prevention = f"<ul>{advice}</ul>" + prevention_measures(
        query(con, "dashboards/board_prevention", values)
    )
    actions = today_actions(risk)
    today = (
        table(
            [
                (
                    _name(a["record"], ctx),
                    a["text"],
                    a["status"],
                    a["due_by"] if a["due_by"] is not None else "return",
                    a["record"]["record_id"],
                )
                for a in actions
            ],
            ["athlete", "action", "status", "due by", "injury"],
        )
        if actions
        else '<p class="muted">Nothing due today.</p>'
    )
    body = (
        f'<section id="today"><h3>Today, {esc(ctx.as_of)}</h3>{today}</section>'
        f"<section><h3>Who is out</h3>{summary}{out_table}</section>"
        # one card per contusion, highest tier first: a chart of the tier counts (one or two
        # bars) told a physician nothing the cards do not
        f"<section><h3>Myositis ossificans risk</h3>{cards}</section>"
        f'<section id="prevention"><h3>Prevention for the whole team</h3>{prevention}</section>'
    )
    high = int(risk["tier"].isin(HIGH_TIERS).sum()) if not risk.empty else 0
    day = TeamDay(out=unavailable + modified, high_risk=high, actions=len(actions))
    return _team_page(ctx, team, f"Morning board: {team}", body, "board.html"), day


def _share(part: object, whole: object, note: str = "") -> str:
    if not whole:
        return "no contusion"
    text = f"{int(part)} of {int(whole)} ({100 * int(part) / int(whole):.0f}%)"  # type: ignore[call-overload]
    return text + (f"; {note}" if note else "")


def prevention_measures(seasons: pd.DataFrame) -> str:
    """The team's own prevention process measures (mo_prevention): this season against the
    one before, as counts a physician can check against the cards."""
    if seasons.empty:
        return '<p class="muted">No anterior-thigh contusion this season or the one before.</p>'
    columns = [
        f"{s['season']}{' (in progress)' if s['is_current'] else ''}"
        for s in seasons.to_dict("records")
    ]
    rows: list[tuple[object, ...]] = []

    def measure(label: str, cell: Any) -> None:
        rows.append((label, *(cell(s) for s in seasons.to_dict("records"))))

    first = seasons.iloc[0]
    measure("anterior-thigh contusions", lambda s: int(s["contusions"]))
    measure(
        f"first treated within {int(first['prompt_hours'])} h",
        lambda s: _share(
            s["treated_promptly"],
            s["contusions"],
            f"incident time not recorded: {int(s['incident_time_missing'])}"
            if s["incident_time_missing"]
            else "",
        ),
    )
    measure(
        f"first treated within {int(first['delay_hours'])} h",
        lambda s: _share(
            s["treated_before_delay_limit"],
            s["contusions"],
            f"not recorded: {int(s['treatment_time_missing'])}"
            if s["treatment_time_missing"]
            else "",
        ),
    )
    measure(
        "knee flexion measured at 12-48 h",
        lambda s: _share(
            s["flexion_measured_12_48h"],
            s["contusions"],
            f"time not recorded: {int(s['flexion_time_missing'])}"
            if s["flexion_time_missing"]
            else "",
        ),
    )
    measure("days lost to them", lambda s: int(s["days_lost"] or 0))
    return "<h4>This team's measures (prompt attention after trauma)</h4>" + table(
        rows, ["measure", *columns]
    )


def _risk_card(r: dict[str, Any], ctx: SiteContext) -> str:
    tier = str(r["tier"])
    colour = figures.TIER_COLOURS.get(tier, "#4a5568")
    label = words(tier)
    if r["incomplete"] and tier in POINT_TIERS and r["tier_max"] != tier:
        label = f"incomplete: {words(tier)} to {words(r['tier_max'])}"
    factors = (
        ""
        if r["scope"] == "other_compartment"
        else "<p class='muted'>"
        + " · ".join(f"{words(name)}: <b>{esc(r[name])}</b>" for name in FACTOR_NAMES)
        + "</p>"
    )
    reasons = "".join(f"<li>{esc(x)}</li>" for x in r["reasons"])
    due = due_today(r)
    upcoming = [m for m in r["reminders"] if m["status"] == "upcoming"]
    reminders = (
        "".join(
            f'<li data-rule="{esc(m["rule"])}" class="status-{esc(m["status"])}">'
            f"<b>{esc(m['status'])}</b> (by {esc(m['due_by'] or 'return')}): {esc(m['text'])}</li>"
            for m in due
        )
        or '<li class="muted">nothing due today</li>'
    )
    advice = "".join(
        f'<li data-rule="{esc(m["rule"])}">{esc(m["text"])}</li>' for m in advice_now(r)
    )
    later = "".join(
        f'<li data-rule="{esc(m["rule"])}">from {esc(m["due_from"])}: {esc(m["text"])}</li>'
        for m in upcoming
    )
    exams = (
        "".join(
            f"<li>{esc(e['exam_date'])} {esc(e['modality'])}: {esc(e['echogenicity'] or '')} "
            f"{esc(e['lesion_layer'] or '')}, calcification {esc(e['calcification'] or 'n/a')}"
            + (f", {esc(e['lesion_size_mm'])} mm" if pd.notna(e.get("lesion_size_mm")) else "")
            + "</li>"
            for e in r["exams"]
        )
        or '<li class="muted">no imaging</li>'
    )
    # a possible sarcoma comes before everything else on the card, until an exam resolves it
    atypical = (
        '<p class="warn" data-flag="atypical">Atypical imaging: '
        f"{esc(REMINDER['atypical_mri_referral'].text)}</p>"
        if r["atypical_imaging"]
        else ""
    )
    note = (
        ""
        if ctx.public or not isinstance(r.get("notes"), str)
        else (f'<p class="muted">Note: {esc(r["notes"])}</p>')
    )
    score = "" if pd.isna(r["score"]) else f", score {esc(int(r['score']))}"
    return (
        f'<div class="card" data-tier="{esc(tier)}"><b>{esc(_name(r, ctx))}</b> '
        f'<span class="badge" style="background:{colour}">{esc(label)}</span> '
        f'<span class="muted">{esc(r["record_id"])}, day {esc(r["days_since_incident"])} '
        f"since the incident ({esc(r['injury_date'])}){score}</span>"
        f"{atypical}{factors}<ul>{reasons}</ul>"
        f"<b>Reminders</b><ul>{reminders}</ul>"
        + (f"<b>Until return</b><ul>{advice}</ul>" if advice else "")
        + (f"<details><summary>upcoming</summary><ul>{later}</ul></details>" if later else "")
        + f"<b>Imaging</b><ul>{exams}</ul>{note}</div>"
    )


# ---- surveillance -----------------------------------------------------------------------------


def surveillance_page(con: duckdb.DuckDBPyConnection, ctx: SiteContext, team: str) -> str:
    values = ctx.values(team)
    rates = query(con, "dashboards/surv_rates", values)
    categories = query(con, "dashboards/surv_categories", values)
    prevalence = query(con, "dashboards/surv_prevalence", values)
    timeline = query(con, "dashboards/surv_timeline", values)
    if ctx.public:
        timeline = timeline.assign(athlete_name=None)
    convention = esc(rates["day_count"].iloc[0]) if not rates.empty else ""
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
    body = (
        f'<p class="muted">IOC 2020 definitions; days lost by the <b>{convention}</b> '
        "convention; 95% CI by the Poisson/Wald form (injurytools, NCAA ISP).</p>"
        f'<section class="grid">{"".join(f"<div>{f}</div>" for f in figs)}</section>'
        f"<section>{figure(figures.athlete_timeline(timeline), 'timeline')}</section>"
    )
    return _team_page(ctx, team, f"Surveillance: {team}", body, "surveillance.html")


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
    body = (
        f"<section>{figure(figures.runs_trend(trend), 'runs')}</section>"
        "<section><h3>Great Expectations, latest validated run</h3>"
        f'<p class="muted">{len(results)} expectations, {len(failing)} with failing rows.</p>'
        + table(failing[columns].itertuples(index=False), headers)
        + f"<details><summary>{len(passing)} expectations met by every row</summary>"
        + table(passing[columns].itertuples(index=False), headers)
        + "</details>"
        + '</section><section id="files"><h3>Files that did not load whole</h3>'
        + '<p class="muted">Whole rejected files first, then the newest runs\' files: the rules '
        "their rows failed, with counts. The rows follow below.</p>"
        + table(
            per_file.itertuples(index=False),
            ["file", "table", "status", "rows in", "loaded", "quarantined", "rules", "reason"],
        )
        + "</section><section><h3>Quarantined rows (newest first)</h3>"
        + table(
            quarantine.itertuples(index=False),
            ["run", "file", "row", "column", "rule", "raw value", "reason"],
        )
        + "</section><section><h3>Completeness</h3>"
        + table(completeness.itertuples(index=False), ["team", "check", "findings"])
        + f'<details id="findings"><summary>the {len(findings)} findings</summary>'
        + table(findings.itertuples(index=False), ["team", "check", "athlete", "record", "detail"])
        + "</details></section>"
    )
    return _top_page(ctx, "Data quality", body, with_plotly=True)
