"""`sideline`: the one entry point (CONTRACT section 3). Thin: parses, calls, prints.

Exit codes are in `sideline.exits`.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NoReturn

from sideline.exits import EXIT_OK, EXIT_ROWS_FAILED, EXIT_RUN_FAILED, EXIT_USAGE
from sideline.runner import Progress, home_problem, run_flow
from sideline.settings import Settings, SettingsError, unknown_variables


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, which Sideline reserves for a failed run: 64 instead."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def command_name() -> str:
    """How to call Sideline again as the user just did: `sideline` when that is on PATH and is
    this program, else the path that was run (README line 1 leaves it in .venv/bin)."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if program is not None and program.name == "sideline":
        on_path = shutil.which("sideline")
        if on_path and Path(on_path).resolve() == program.resolve():
            return "sideline"
        return shlex.quote(str(program.resolve()))
    return f"{shlex.quote(sys.executable)} -m sideline"


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="sideline",
        description="Injury surveillance for sports teams: inbox, validation, DuckDB, dashboards.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="write a synthetic inbox, run the nightly flow once, say where results are"
    )
    demo.add_argument("--seed", type=int, default=7, help="seed of the synthetic inbox (default 7)")
    demo.add_argument("--quiet", action="store_true", help="no progress lines")

    run = sub.add_parser("run", help="run the nightly flow once now over the inbox")
    run.add_argument(
        "--strict", action="store_true", help="exit 1 when any row or file was quarantined"
    )
    run.add_argument("--quiet", action="store_true", help="no progress lines")

    sub.add_parser(
        "serve",
        help="serve the nightly deployment on a Prefect server with SIDELINE_SCHEDULE in "
        "SIDELINE_TIMEZONE, until stopped",
    )

    league = sub.add_parser(
        "league",
        help="run every team under SIDELINE_HOME/teams/ on Prefect workers, then build the "
        "league analyst database",
    )
    league.add_argument(
        "--workers", type=int, default=2, help="worker processes to start here (default 2)"
    )

    check = sub.add_parser("check", help="validate files against the contract without loading them")
    check.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="inbox files (or folders of them)"
    )

    query = sub.add_parser("query", help="read-only SQL against the analyst database")
    query.add_argument("sql", metavar="SQL", help="one SQL statement, run read-only")
    query.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output (default table)"
    )

    generate = sub.add_parser(
        "generate", help="write synthetic inbox files for demos and benchmarks"
    )
    generate.add_argument("directory", type=Path, metavar="DIR", help="folder to write into")
    generate.add_argument("--teams", type=int, default=2, help="number of teams (default 2)")
    generate.add_argument("--athletes", type=int, default=30, help="athletes per team (default 30)")
    generate.add_argument("--seasons", type=int, default=2, help="seasons per team (default 2)")
    generate.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    generate.add_argument(
        "--end",
        type=date.fromisoformat,
        default=None,
        help="last day of the exports, YYYY-MM-DD (default yesterday)",
    )
    status = sub.add_parser(
        "status", help="the last runs, the next scheduled time; exit 1 when failed or overdue"
    )
    status.add_argument(
        "--notify", action="store_true", help="also tell SIDELINE_NOTIFY when the run is overdue"
    )
    init = sub.add_parser("init", help="create a Sideline home (an inbox/ folder) in DIR")
    init.add_argument("directory", type=Path, metavar="DIR", help="folder of the new home")
    export = sub.add_parser("export", help="write analyst extracts without names")
    export.add_argument("directory", type=Path, metavar="DIR", help="folder to write into")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for warning in unknown_variables():
        print(f"sideline: warning: {warning}", file=sys.stderr)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"sideline: {exc}", file=sys.stderr)
        return EXIT_USAGE
    handler = {
        "demo": cmd_demo,
        "run": cmd_run,
        "check": cmd_check,
        "query": cmd_query,
        "generate": cmd_generate,
        "export": cmd_export,
        "serve": cmd_serve,
        "league": cmd_league,
        "status": cmd_status,
        "init": cmd_init,
    }[args.command]
    return handler(args, settings)


def _yesterday(settings: Settings) -> date:
    return settings.now().date() - timedelta(days=1)


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.generate import Plan, generate

    for option in ("teams", "athletes", "seasons"):
        if getattr(args, option) < 1:
            print(f"sideline generate: --{option} must be at least 1", file=sys.stderr)
            return EXIT_USAGE
    plan = Plan(
        teams=args.teams,
        athletes=args.athletes,
        seasons=args.seasons,
        seed=args.seed,
        end=args.end or _yesterday(settings),
        season_start_month=settings.season_start_month,
    )
    written = generate(args.directory, plan)
    print(f"wrote {len(written)} files to {args.directory.resolve()}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    code, summary = run_flow(settings, Progress(args.quiet))
    if (
        args.strict
        and summary
        and (summary.rows_quarantined or any(f.status == "quarantined" for f in summary.files))
    ):
        return EXIT_ROWS_FAILED
    return code


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.generate import Plan, generate

    progress = Progress(args.quiet)
    plan = Plan(
        teams=3,
        athletes=32,
        seasons=3,
        seed=args.seed,
        end=_yesterday(settings),
        season_start_month=settings.season_start_month,
    )
    written = generate(settings.inbox, plan)
    progress(f"demo inbox: {len(written)} files in {settings.inbox.resolve()}")
    code, summary = run_flow(settings, progress, create_home=True)
    if summary is not None and summary.analyst_database is not None:
        from sideline.report import mo_tiers, rates_overview

        print()
        print(rates_overview(summary.analyst_database))
        print()
        print(mo_tiers(summary.analyst_database))
    return code


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.check import check_files

    failures, rows, checked = check_files(args.files, settings)
    for f in failures:
        where = f"{f.file}:{f.row}" if f.row is not None else f.file
        # the team's own files on its own terminal: the value helps find the cell
        value = f" (value {f.raw_value!r})" if f.raw_value is not None else ""
        print(f"{where}: {f.column or '-'}: {f.rule}: {f.message}{value}")
    bad_rows = len({(f.file, f.row) for f in failures if f.row is not None})
    bad_files = len({f.file for f in failures if f.row is None})
    print(
        f"checked {checked} file(s), {rows} rows: {bad_rows} failing rows, "
        f"{bad_files} file(s) rejected whole",
        file=sys.stderr,
    )
    return EXIT_ROWS_FAILED if failures else EXIT_OK


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    path = settings.analyst_database
    if not path.exists():
        print(
            f"sideline query: no analyst database at {path.resolve()} yet; run "
            f"`{command_name()} run` first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # read-only, and no reaching other files: the pipeline database holds names
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={"enable_external_access": False, "lock_configuration": True},
    )
    try:
        relation = con.sql(args.sql)
        if relation is None:
            return EXIT_OK
        if args.format == "json":
            # from DuckDB's own values: a DATE stays a date, never midnight of a timestamp
            columns = relation.columns
            records = [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]
            print(json.dumps(records, indent=1, default=_json_value, ensure_ascii=False))
            return EXIT_OK
        frame = relation.df()
    except duckdb.Error as exc:
        print(f"sideline query: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        con.close()
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        print(frame.to_string(index=False) if not frame.empty else "(no rows)")
    return EXIT_OK


def _json_value(value: object) -> object:
    """JSON for what DuckDB returns beyond JSON's types: dates and times as ISO text, decimals
    as numbers, anything else as its text."""
    from decimal import Decimal

    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return str(value)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.export import export

    if not settings.analyst_database.exists():
        print(
            f"sideline export: no analyst database at {settings.analyst_database.resolve()} yet; "
            f"run `{command_name()} run` first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    written = export(settings.analyst_database, args.directory)
    print(f"wrote {len(written)} files to {args.directory.resolve()}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.runner import RunCancelled, cancel_on_signals
    from sideline.schedule import ScheduleError, next_run, serve
    from sideline.server import ServerError

    try:
        next_run(settings.schedule, settings.now().replace(tzinfo=settings.tz))
    except ScheduleError as exc:
        print(f"sideline serve: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problem = home_problem(settings)
    if problem:
        print(f"sideline serve: {problem}", file=sys.stderr)
        return EXIT_USAGE

    def announce(message: str) -> None:
        print(f"sideline serve: {message}", file=sys.stderr, flush=True)

    with cancel_on_signals():
        try:
            serve(settings, announce)
        except ServerError as exc:
            print(f"sideline serve: {exc}", file=sys.stderr)
            return EXIT_RUN_FAILED
        except RunCancelled as exc:
            announce(f"stopped by {exc}")
            return EXIT_OK
    return EXIT_OK


def cmd_league(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.league import run_league
    from sideline.server import ServerError

    if args.workers < 0:
        print("sideline league: --workers must be 0 or more", file=sys.stderr)
        return EXIT_USAGE

    def announce(message: str) -> None:
        print(f"sideline league: {message}", file=sys.stderr, flush=True)

    try:
        states = run_league(settings, args.workers, announce)
    except ServerError as exc:
        print(f"sideline league: {exc}", file=sys.stderr)
        return EXIT_RUN_FAILED
    for team, state in states.items():
        print(f"{team}: {state}")
    from sideline.flows.league import league_database  # Prefect is loaded by now

    print(f"league analyst database: {league_database(settings.home)}")
    return EXIT_OK if all(s == "COMPLETED" for s in states.values()) else EXIT_RUN_FAILED


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from sideline.status import check_overdue, read_status, render

    status = read_status(settings)
    print(render(status, settings))
    if args.notify:
        check_overdue(settings, set())
    return EXIT_OK if status.healthy else EXIT_ROWS_FAILED


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    home = args.directory.resolve()
    (home / "inbox").mkdir(parents=True, exist_ok=True)
    print(f"Sideline home ready at {home}; drop exports into {home / 'inbox'}")
    print(f"use it with: export SIDELINE_HOME={shlex.quote(str(home))}")
    return EXIT_OK
