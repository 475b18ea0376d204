"""Benchmark: generate an inbox, run each stage, print figures (rows, seconds, rows/s, sizes,
page open times). Speed is measured here, never asserted in tests.

    .venv/bin/python benchmarks/run.py [--teams 8 --athletes 40 --seasons 3]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sideline.flows.discover import discover
from sideline.flows.model import build_models, model_parameters
from sideline.flows.pipeline import load_run, read_files
from sideline.flows.publish import publish_site, publish_snapshot
from sideline.flows.score import score_contusions
from sideline.flows.validate import validate_files

from sideline.db import connect, one_transaction
from sideline.generate import Plan, generate
from sideline.settings import Settings


def timed(label: str, fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    print(f"{label:<28} {seconds:8.2f} s")
    return result, seconds


def page_open_times(site: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("page open times: skipped (no chromium)")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        for path in [
            site / "index.html",
            site / "quality.html",
            *sorted((site / "teams").glob("*/*.html")),
        ]:
            page.goto(path.as_uri(), wait_until="load")
            ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            print(
                f"  open {path.relative_to(site).as_posix():<40} {ms:7.0f} ms "
                f"{path.stat().st_size / 1024:7.0f} KiB"
            )
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--teams", type=int, default=8)
    parser.add_argument("--athletes", type=int, default=40)
    parser.add_argument("--seasons", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="sideline-bench-"))
    settings = Settings(home=home, timezone="UTC")
    end = date.today() - timedelta(days=1)
    plan = Plan(teams=args.teams, athletes=args.athletes, seasons=args.seasons, seed=1, end=end)
    files, _ = timed("generate", generate, settings.inbox, plan)
    size = sum(f.stat().st_size for f in files)
    print(f"inbox: {len(files)} files, {size / 1e6:.1f} MB")
    con = connect(settings.database)
    found, _ = timed("discover (hash)", discover, settings.inbox, con)
    staged, t_read = timed("read", read_files, found)
    rows = sum(s.rows_in for s in staged)
    now = settings.now()
    validated, t_validate = timed(
        "parse + validate (GX)", validate_files, staged, settings, con, now
    )

    def load_model_score() -> None:
        with one_transaction(con):
            load_run(con, settings, found, staged, validated, "bench", now)
            build_models(con, model_parameters(settings, now.date()))
            score_contusions(con, "bench", now.date())

    _, t_load = timed("load + models + scores", load_model_score)
    timed("publish analyst snapshot", publish_snapshot, con, settings)
    timed("publish dashboards", publish_site, con, settings, now.date())
    con.close()
    print(
        f"rows: {rows}; read {rows / t_read:,.0f} rows/s, validate {rows / t_validate:,.0f} "
        f"rows/s, load {rows / t_load:,.0f} rows/s"
    )
    site_bytes = sum(p.stat().st_size for p in settings.site.rglob("*") if p.is_file())
    plotly = (settings.site / "plotly-basic.min.js").stat().st_size
    print(
        f"site: {site_bytes / 1e6:.1f} MB in all (plotly.js basic {plotly / 1e6:.1f} MB, "
        "shipped once)"
    )
    page_open_times(settings.site)
    shutil.rmtree(home)


if __name__ == "__main__":
    main()
