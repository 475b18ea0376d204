"""HTML building blocks. Every value from the data goes through `esc`; nothing else is
inserted into a page, so free text (notes, names, impressions) always shows as text."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sideline.mo_params import DISCLAIMER

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a202c;
background:#f7fafc}
header{background:#1a365d;color:#fff;padding:12px 20px;display:flex;flex-wrap:wrap;gap:16px;
align-items:center}
header a{color:#fff;margin-right:12px}
header h1{font-size:1.2rem;margin:0 16px 0 0}
main{padding:16px 20px;max-width:1200px;margin:auto}
section{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:16px;
box-shadow:0 1px 2px rgba(0,0,0,.08)}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e2e8f0;vertical-align:top;
overflow-wrap:anywhere}
.scroll{overflow-x:auto;max-width:100%}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-size:.85rem}
.warn{background:#fff5f5;border-left:4px solid #c53030;padding:8px 12px}
.ok{border-left:4px solid #2f855a;padding:8px 12px}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:8px 12px;margin:8px 0}
.muted{color:#4a5568;font-size:.88rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
.grid>div{min-width:0}.plotly-graph-div{width:100%}
.disclaimer{font-style:italic;color:#4a5568}
.status-overdue{color:#c53030;font-weight:600}.status-due{color:#b7791f;font-weight:600}
@media (max-width:700px){.grid{grid-template-columns:1fr}}
"""


def esc(value: Any) -> str:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # None, NaN, NaT and pandas' NA are all missing
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return html.escape(value.strftime("%Y-%m-%d"))  # a date that went through pandas
        return html.escape(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, date):
        return html.escape(value.isoformat())
    if isinstance(value, float):
        return html.escape(f"{value:.1f}")
    return html.escape(str(value))


def table(
    rows: Iterable[Sequence[Any]], headers: Sequence[str], raw_columns: set[int] = frozenset()
) -> str:  # type: ignore[assignment]
    """A table; cells are escaped unless their column index is in `raw_columns` (markup this
    module built from escaped parts)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{cell if i in raw_columns else esc(cell)}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    if not body:
        body = f'<tr><td colspan="{len(headers)}" class="muted">none</td></tr>'
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def figure(fig: go.Figure, name: str) -> str:
    # the toolbar stands upright at the right edge, where it covers no title
    fig.update_layout(modebar={"orientation": "v"})
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"fig-{name}",
        config={"displaylogo": False, "responsive": True},
    )


def team_selector(teams: Sequence[tuple[str, str]], current: str | None) -> str:
    """`teams`: (team id, URL of this page for that team)."""
    options = "".join(
        f'<option value="{esc(url)}"{" selected" if team == current else ""}>{esc(team)}</option>'
        for team, url in teams
    )
    placeholder = "" if current else '<option value="" selected disabled>choose a team</option>'
    return (
        '<label>team <select id="team-select" '
        'onchange="if(this.value){window.location.href=this.value}">'
        f"{placeholder}{options}</select></label>"
    )


def page(
    title: str, body: str, *, root: str, nav: str, selector: str = "", with_plotly: bool = True
) -> str:
    script = f'<script src="{root}plotly-basic.min.js"></script>' if with_plotly else ""
    # figures are drawn as the page is parsed, before the grid has its final widths
    resize = (
        "<script>window.addEventListener('load',function(){document.querySelectorAll("
        "'.plotly-graph-div').forEach(function(d){Plotly.Plots.resize(d)})})</script>"
        if with_plotly
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - Sideline</title>
<style>{STYLE}</style>{script}</head>
<body><header><h1>Sideline</h1><nav>{nav}</nav>{selector}</header>
<main><h2>{esc(title)}</h2>
{body}
<p class="disclaimer">{esc(DISCLAIMER)}</p></main>{resize}</body></html>
"""
