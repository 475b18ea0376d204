"""HTML of the pages: Jinja2 templates (`dashboards/templates/`) with autoescape on, so every
value from the data (notes, names, impressions) shows as text. Only two things are inserted
as markup: what the templates themselves build, and plotly's figure HTML (`figure`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import jinja2
import pandas as pd
import plotly.io as pio
from markupsafe import Markup

from sideline.mo_params import DISCLAIMER

from .words import words

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
td.nowrap{white-space:nowrap;overflow-wrap:normal}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-size:.85rem}
.warn{background:#fff5f5;border-left:4px solid #c53030;padding:8px 12px}
.ok{border-left:4px solid #2f855a;padding:8px 12px}
.card{border:1px solid #e2e8f0;border-radius:8px;padding:8px 12px;margin:8px 0}
.muted{color:#4a5568;font-size:.88rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
.grid>div{min-width:0}.plotly-graph-div{width:100%}
.disclaimer{font-style:italic;color:#4a5568}
.status-overdue{color:#c53030;font-weight:600}.status-due{color:#b7791f;font-weight:600}
.status-missed{color:#718096;font-weight:600}
@media (max-width:700px){.grid{grid-template-columns:1fr}}
"""


def show(value: Any) -> str | Markup:
    """A value as the pages show it: missing as empty, a date as ISO, a timestamp to the
    minute, a float to one decimal. Markup passes through; anything else is text, escaped by
    the template."""
    if isinstance(value, Markup):
        return value
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""  # None, NaN, NaT and pandas' NA are all missing
    if isinstance(value, datetime):
        if value.hour == value.minute == value.second == 0:
            return value.strftime("%Y-%m-%d")  # a date that went through pandas
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sideline.dashboards", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    extensions=["jinja2.ext.do"],
)
ENV.filters["show"] = show
ENV.filters["words"] = words


def render(template: str, **context: Any) -> str:
    return ENV.get_template(template).render(style=Markup(STYLE), disclaimer=DISCLAIMER, **context)


def table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> str:
    """A table on its own (the `table` macro of templates/macros.html)."""
    macro = ENV.get_template("macros.html").module.table  # type: ignore[attr-defined]
    return str(macro(list(rows), list(headers)))


def figure(fig: dict[str, Any], name: str) -> Markup:
    """Plotly's HTML for a figure (figures.py): markup plotly builds from the figure's JSON
    (the figures escape every text they take from the data). The figures are checked against
    plotly's validators in the tests, so they are not validated again for each page."""
    # the toolbar stands upright at the right edge, where it covers no title
    shown = {**fig, "layout": {**fig["layout"], "modebar": {"orientation": "v"}}}
    return Markup(
        pio.to_html(
            shown,
            validate=False,
            full_html=False,
            include_plotlyjs=False,
            div_id=f"fig-{name}",
            config={"displaylogo": False, "responsive": True},
        )
    )
