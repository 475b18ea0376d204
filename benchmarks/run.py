"""Benchmarks at league scale: the floor, full first runs, 1,000-row nightly increments, and the
peak memory of each, printed as a table and written as JSON. Speed is measured here, never
asserted in tests.

    .venv/bin/python benchmarks/run.py [--sizes 20x60x6,60x60x20] [--json FILE] [--pages]

For each size (teams x athletes x seasons of `sideline generate`), in its own process each:
- the floor: DuckDB alone loading the same files, running the contract's checks as SQL and a
  per-team-season rate table in one transaction (benchmarks/floor.py), run before and after the
  full run: their mean is the floor, and the two show how far the machine drifted meanwhile;
- a full first run of the nightly sequence (`flows.nightly.run`, the stages the flow runs as
  Prefect tasks, without Prefect's start-up; benchmarks/nightly.py times that), per stage;
- a 1,000-row increment (a re-sent export correcting 1,000 exposure rows of one team) on that
  warehouse, per stage, on the day of the full run: it costs what changed (one team). Three
  such nights, one after another, each correcting the one before; the figure is their median
  (on a 2-core machine one night's figure moved by up to a third between nights alike);
- a run with no new file, on the same day: what any run costs on that warehouse whatever it
  brings (the run's record, the rates across teams, the snapshot and the index), the floor
  under an increment's figure;
- another increment on the next day: every board is dated and every model counting open
  injuries to the day is rebuilt, so the first run of a day costs more than what its rows
  changed.
Peak RSS is the process's own high-water mark. Then the demo against a trivial 3-task flow,
both as deployments on one local Prefect server (benchmarks/nightly.py), and the league
fan-out with one and two workers. `--pages` also opens every page in Chromium.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from nightly import free_port  # noqa: E402  (benchmarks/nightly.py, beside this script)

INCREMENTS = 3  # 1,000-row nights in a row on each warehouse; the median is the figure
STAGES = ("discover", "read", "validate", "load", "model", "score", "publish")


def timed_run(home: Path, days_later: int = 0) -> dict[str, object]:
    """One nightly run over `home`'s inbox, seconds per stage (from its progress messages), as
    if run `days_later` days after today."""
    from sideline.flows import nightly

    from sideline.settings import Settings

    settings = Settings(home=home, timezone="UTC")
    now = settings.now() + timedelta(days=days_later)
    marks: list[tuple[str, float]] = []

    def progress(message: str) -> None:
        stage = _stage(message)
        if stage and (not marks or marks[-1][0] != stage):
            marks.append((stage, time.perf_counter()))

    started = time.perf_counter()
    summary = nightly.run(settings, progress=progress, now=now)
    ended = time.perf_counter()
    seconds: dict[str, float] = {}
    for (stage, at), (_, until) in zip(marks, [*marks[1:], ("end", ended)], strict=True):
        seconds[stage] = round(seconds.get(stage, 0.0) + until - at, 2)
    # the snapshot and the site are built side by side within "publish"; each one's own time
    for task, took in summary.publish_seconds.items():
        seconds[f"publish: {task}"] = took
    return {
        "seconds": round(ended - started, 2),
        "stages": seconds,
        "rows_in": summary.rows_in,
        "rows_loaded": summary.rows_loaded,
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
    }


def _stage(message: str) -> str | None:
    head = message.split(":")[0].split(" ")[0]
    return head if head in STAGES else None


def increment(home: Path, rows: int = 1000) -> Path:
    """A re-sent export of one team's latest exposure rows with corrected minutes."""
    inbox = home / "inbox"
    latest = sorted(inbox.glob("exposures_*.csv"))[-1]
    with latest.open(encoding="utf-8", newline="") as handle:
        delimiter = ";" if handle.readline().count(";") > 1 else ","
        handle.seek(0)
        lines = list(csv.reader(handle, delimiter=delimiter))
    header, body = lines[0], lines[1:][-rows:]
    minutes = header.index("minutes")
    for row in body:
        try:
            row[minutes] = str(int(float(row[minutes].replace(",", ".") or 0)) + 1)
        except ValueError:
            pass  # a cell the generator wrote to be quarantined stays as it was
    target = inbox / f"{latest.stem}_z_increment.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(body)
    return target


def _child(*args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, check=False, cwd=HERE.parent
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def size(spec: str) -> dict[str, object]:
    from sideline.generate import Plan, generate

    teams, athletes, seasons = (int(x) for x in spec.split("x"))
    home = Path(tempfile.mkdtemp(prefix="sideline-bench-"))
    end = date.today() - timedelta(days=1)
    started = time.perf_counter()
    files = generate(home / "inbox", Plan(teams, athletes, seasons, seed=1, end=end))
    generated = time.perf_counter() - started
    print(f"\n{spec}: {len(files)} files, generated in {generated:.1f} s", flush=True)
    floor_args = (str(HERE / "floor.py"), str(home / "inbox"), "--today", end.isoformat())
    before = _child(*floor_args)
    print(f"  floor {before['seconds']} s, rows {before['rows']}", flush=True)
    full = _child(str(HERE / "run.py"), "--one-run", str(home))
    print(f"  full run {full['seconds']} s {full['stages']}", flush=True)
    after = _child(*floor_args)
    floor = _bracketed(before, after)
    print(f"  floor again {after['seconds']} s: the floor is their mean, {floor['seconds']} s")
    nights = []
    for _ in range(INCREMENTS):
        increment(home)
        nights.append(_child(str(HERE / "run.py"), "--one-run", str(home)))
        print(f"  increment {nights[-1]['seconds']} s {nights[-1]['stages']}", flush=True)
    nightly = {
        **sorted(nights, key=lambda night: float(night["seconds"]))[len(nights) // 2],  # type: ignore[arg-type]
        "nights_s": [night["seconds"] for night in nights],
    }
    nothing = _child(str(HERE / "run.py"), "--one-run", str(home))
    print(f"  nothing new {nothing['seconds']} s {nothing['stages']}", flush=True)
    increment(home)
    next_day = _child(str(HERE / "run.py"), "--one-run", str(home), "--days-later", "1")
    print(f"  increment, next day {next_day['seconds']} s {next_day['stages']}", flush=True)
    return {
        "size": spec,
        "floor": floor,
        "full_run": full,
        "increment": nightly,
        "nothing_new": nothing,
        "increment_next_day": next_day,
        "home": home,
    }


def _bracketed(before: dict[str, object], after: dict[str, object]) -> dict[str, object]:
    """The floor run before and after the full run: this machine's speed drifts within minutes,
    so the floor is their mean, and the two say how far it drifted meanwhile."""
    seconds = [float(before["seconds"]), float(after["seconds"])]  # type: ignore[arg-type]
    return {
        **before,
        "seconds": round(sum(seconds) / 2, 2),
        "before_s": seconds[0],
        "after_s": seconds[1],
        "peak_rss_gib": max(before["peak_rss_gib"], after["peak_rss_gib"]),  # type: ignore[type-var]
    }


def league_fan_out(spec: str, workers: int) -> dict[str, object]:
    """`sideline league --workers N` over a league of `spec` teams, wall time of the command
    (server start included) and of its flow alone."""
    from sideline.generate import Plan, generate

    teams, athletes, seasons = (int(x) for x in spec.split("x"))
    root = Path(tempfile.mkdtemp(prefix="sideline-league-"))
    end = date.today() - timedelta(days=1)
    files = generate(root / "all", Plan(teams, athletes, seasons, seed=1, end=end))
    # team exports are named table_team_season (the generator's other files are hostile ones)
    names = sorted({p.name.split("_")[1] for p in files if re.search(r"_\d{4}-\d{2}", p.name)})
    for name in names:
        inbox = root / "teams" / name / "inbox"
        inbox.mkdir(parents=True, exist_ok=True)
        for path in (root / "all").glob(f"*_{name}_*"):
            path.rename(inbox / path.name)
    env = {**__import__("os").environ, "SIDELINE_HOME": str(root), "SIDELINE_TIMEZONE": "UTC"}
    env["SIDELINE_PREFECT_PORT"] = str(free_port())
    env.pop("PREFECT_API_URL", None)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sideline", "league", "--workers", str(workers)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    shutil.rmtree(root, ignore_errors=True)
    if done.returncode != 0:
        raise SystemExit(f"sideline league failed:\n{done.stderr[-3000:]}")
    return {"teams": len(names), "workers": workers, "seconds": round(seconds, 1)}


def demo_against_trivial() -> dict[str, object]:
    """The demo-sized nightly run against a trivial 3-task flow on the same local Prefect
    server, both run as deployments (benchmarks/nightly.py, one night of increment): what the
    demo's own work costs beyond what any flow costs."""
    done = subprocess.run(
        [sys.executable, str(HERE / "nightly.py"), "--nights", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmarks/nightly.py failed:\n{done.stderr[-3000:]}")
    figures: dict[str, object] = {}
    for label, key in (
        ("trivial 3-task flow, served", "trivial"),
        ("nightly under serve: full first run", "demo_full"),
        ("nightly under serve: increment 1", "demo_increment"),
    ):
        line = next(x for x in done.stdout.splitlines() if x.startswith(label))
        wall, due_to_end, flow_s = (float(v) for v in line[len(label) :].split()[:3])
        figures[key] = {"wall_s": wall, "scheduled_to_end_s": due_to_end, "flow_run_s": flow_s}
    # the wall clock of a served run is mostly the runner starting the flow's process (about
    # 7-10 s here, for the trivial flow too), so the own work is told by Prefect's recorded run
    # time of each flow run
    own = {
        name: round(figures[name]["flow_run_s"] - figures["trivial"]["flow_run_s"], 2)  # type: ignore[index]
        for name in ("demo_full", "demo_increment")
    }
    return {
        **figures,
        "demo_own_work_s": own["demo_full"],
        "increment_own_work_s": own["demo_increment"],
    }


def _spread(night: dict[str, object]) -> str:
    seconds = [float(s) for s in night.get("nights_s", [night["seconds"]])]  # type: ignore[attr-defined]
    return f"{min(seconds):.2f}-{max(seconds):.2f}"


def table(results: list[dict[str, object]]) -> str:
    lines = [
        "| inbox (teams x athletes x seasons) | exposure rows | floor (before / after) | "
        "full run | full / floor | peak RSS (full) | 1,000-row increment, median (3 nights) | "
        "increment / full | "
        "nothing new / full | increment, next day | next day / full |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        floor, full = r["floor"], r["full_run"]
        inc, later, nothing = r["increment"], r["increment_next_day"], r["nothing_new"]
        assert isinstance(floor, dict) and isinstance(full, dict)
        assert isinstance(inc, dict) and isinstance(later, dict) and isinstance(nothing, dict)
        lines.append(
            f"| {r['size']} | {floor['rows']['exposures']:,} | {floor['seconds']:.1f} s "
            f"({floor['before_s']:.1f} / {floor['after_s']:.1f}) | "
            f"{full['seconds']:.1f} s | {full['seconds'] / floor['seconds']:.1f}x | "
            f"{full['peak_rss_gib']:.2f} GiB | {inc['seconds']:.2f} s ({_spread(inc)}) | "
            f"{100 * inc['seconds'] / full['seconds']:.1f}% | {nothing['seconds']:.2f} s = "
            f"{100 * nothing['seconds'] / full['seconds']:.1f}% | {later['seconds']:.2f} s | "
            f"{100 * later['seconds'] / full['seconds']:.1f}% |"
        )
    return "\n".join(lines)


def page_open_times(site: Path) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("page open times: skipped (no chromium)")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        for path in [site / "index.html", site / "quality.html", *sorted(site.glob("*/*.html"))]:
            page.goto(path.as_uri(), wait_until="load")
            ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
            print(f"  open {path.relative_to(site).as_posix():<40} {ms:7.0f} ms")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2x60x6,20x60x6")
    parser.add_argument("--json", type=Path, default=HERE / "results.json")
    parser.add_argument("--pages", action="store_true")
    parser.add_argument(
        "--league", default="6x40x2", help="league for the fan-out figures ('' to skip)"
    )
    parser.add_argument(
        "--demo",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time the demo against a trivial 3-task flow on one Prefect server",
    )
    parser.add_argument("--one-run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--days-later", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_run:
        print(json.dumps(timed_run(args.one_run, args.days_later)))
        return
    results = [size(spec) for spec in args.sizes.split(",") if spec]
    print()
    print(table(results))
    demo = demo_against_trivial() if args.demo else {}
    if demo:
        print(
            "demo as a deployment (wall / Prefect run time): full "
            f"{demo['demo_full']['wall_s']} / {demo['demo_full']['flow_run_s']} s, 1-day "
            f"increment {demo['demo_increment']['wall_s']} / "
            f"{demo['demo_increment']['flow_run_s']} s, trivial 3-task flow "
            f"{demo['trivial']['wall_s']} / {demo['trivial']['flow_run_s']} s; the demo's own "
            f"work {demo['demo_own_work_s']} s (increment {demo['increment_own_work_s']} s)",
            flush=True,
        )
    fan_out = []
    if args.league:
        for workers in (1, 2):
            fan_out.append(league_fan_out(args.league, workers))
            print(
                f"league {args.league}: {fan_out[-1]['teams']} teams, {workers} worker(s): "
                f"{fan_out[-1]['seconds']} s (Prefect server start and workers included)",
                flush=True,
            )
    if args.pages:
        page_open_times(Path(str(results[-1]["home"])) / "site")
    for r in results:
        shutil.rmtree(str(r.pop("home")), ignore_errors=True)
    machine = {"cpus": __import__("os").cpu_count(), "python": platform.python_version()}
    args.json.write_text(
        json.dumps(
            {"machine": machine, "results": results, "league": fan_out, "demo": demo}, indent=2
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten: {args.json}")


if __name__ == "__main__":
    main()
