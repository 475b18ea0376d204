"""The nightly run: its stages in order, each a Prefect task in the flow `nightly`, with the one
transaction that load, models and scores share; and what Prefect shows of each run (a markdown
summary and a table of the rates, as artifacts).

`run` is the sequence as plain functions (tests call it without Prefect); the flow runs the
very same sequence with `as_step=as_task`.

`sideline run` calls it as a plain process (Prefect's temporary local API, or the server that
PREFECT_API_URL names); `sideline serve` serves it as the deployment `nightly/nightly` on a
Prefect server with the team's cron and time zone. Tasks receive connections and file lists,
never large DataFrames to hash, so caching is off for all of them. Only publishing retries: it
writes files, which can fail for a moment; validation and loading never retry.
"""

from __future__ import annotations

import contextvars
import dataclasses
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from sideline.db import connect, one_transaction, query, statements
from sideline.notify import notify
from sideline.settings import Settings, SettingsError

from . import pipeline
from .discover import discover
from .model import build_models, model_parameters, parse_ahead
from .publish import EarlyCopy, analyst_selects, publish_site, publish_snapshot
from .score import score_contusions
from .stage import Staging
from .validate import prepare_validation, validate_files

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# transient I/O only: a full disk or a locked file can clear; a bad row cannot
RETRIED = {"publish_snapshot": 2, "publish_site": 2}


def as_task(fn: F) -> F:
    name = fn.__name__.replace("_", "-")
    retries = RETRIED.get(fn.__name__, 0)
    return task(  # type: ignore[return-value]
        fn,
        name=name,
        cache_policy=NO_CACHE,
        persist_result=False,
        retries=retries,
        retry_delay_seconds=5 if retries else 0,
    )


def _timeout_seconds() -> int | None:
    """The run timeout (SIDELINE_RUN_TIMEOUT_MINUTES). Read where the flow is loaded, since a
    flow's timeout is fixed when it is defined: `sideline run`, `sideline serve` and the
    runner's subprocess for each served run all share the one environment."""
    try:
        return Settings.from_env().run_timeout_minutes * 60
    except SettingsError:
        return None  # the command itself reports bad settings


def run(
    settings: Settings,
    *,
    progress: pipeline.Progress = pipeline.quiet,
    as_step: Callable[[F], F] = pipeline.identity,
    now: datetime | None = None,
    trigger: str = "manual",
) -> pipeline.RunSummary:
    """One nightly run. Every way it can end leaves a `run_log` row: success; failed, with the
    step (the index turns red, SIDELINE_NOTIFY hears of it); cancelled by a signal."""
    run_id, started_at = pipeline.new_run_id()
    prepare_validation()  # in a thread, while the inbox is listed and read
    parse_ahead([text for _, text in statements("models")] + analyst_selects())  # likewise
    local_now = now or settings.now()
    as_of = local_now.date()
    settings.inbox.mkdir(parents=True, exist_ok=True)
    con = connect(settings.database, settings.memory_limit)
    staging: Staging | None = None
    early: EarlyCopy | None = None
    step, summary = "discover", None
    try:
        pipeline.remove_leftovers(settings)
        early = EarlyCopy(settings.analyst_database)
        progress("discover")
        files = as_step(discover)(settings.inbox, con)
        progress(f"discover: {len(files)} new file(s)")
        step = "read"
        new_bytes = sum(f.size_bytes for f in files if f.to_read)
        in_memory = Staging.in_memory(new_bytes, settings.memory_limit)
        staging = Staging(con, None if in_memory else settings.staging)
        staged = as_step(pipeline.read_files)(files, staging, settings.tz, progress)
        step = "validate"
        progress("validate")
        validated = as_step(validate_files)(staged, staging, con, local_now)
        step = "load"
        progress("load")
        # the run's one transaction: rows, models and scores commit together or not at all
        with one_transaction(con):
            loaded = as_step(pipeline.load_run)(
                con, settings, files, staged, validated, run_id, started_at, progress, trigger
            )
            progress("model: classification, time loss and rates")
            as_step(build_models)(con, model_parameters(settings, as_of), run_id)
            progress("score: myositis ossificans risk")
            loaded.new_high_risk = as_step(score_contusions)(con, run_id, as_of).newly_high
        summary = loaded  # committed
        step = "publish"
        progress("publish: analyst database and dashboards")
        publish(con, settings, as_of, as_step, summary, early)
    except BaseException as exc:
        failure = pipeline.RunFailed(step, exc, summary)
        pipeline.fail(con, settings, run_id, started_at, failure, trigger, as_of)
        if isinstance(exc, Exception):
            raise failure from exc
        raise
    finally:
        if early is not None:
            early.discard()  # when publishing did not take it
        if staging is not None:
            staging.remove()
        con.close()
    if summary.new_high_risk:
        notify(settings, "new_high_risk", pipeline.summary_details(summary))
    return summary


def publish(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    as_of: date,
    as_step: Callable[[F], F],
    summary: pipeline.RunSummary,
    early: EarlyCopy | None = None,
) -> None:
    """The analyst snapshot and the dashboards, built side by side: both only read what the
    run committed, the snapshot mostly inside DuckDB (which lets go of the GIL) and the site
    mostly in Python, so on two cores they overlap. The site reads through a cursor of its own
    and runs in a thread with the caller's context (a flow run's tasks stay inside it). Both
    are waited for, whatever happens to either; then the first failure is raised."""
    seconds = summary.publish_seconds

    def timed(name: str, fn: Callable[..., T], *args: object) -> T:
        started = time.perf_counter()
        try:
            return fn(*args)
        finally:
            seconds[name] = round(time.perf_counter() - started, 2)

    cursor = con.cursor()
    context = contextvars.copy_context()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sideline-site")
    try:
        site = pool.submit(
            context.run, timed, "dashboards", as_step(publish_site), cursor, settings, as_of
        )
        summary.analyst_database = timed(
            "analyst database", as_step(publish_snapshot), con, settings, early
        )
    finally:
        pool.shutdown(wait=True)
        cursor.close()
    summary.site_index = site.result()


@flow(name="nightly", log_prints=True, persist_result=False, timeout_seconds=_timeout_seconds())
def nightly(
    settings: Settings | None = None,
    progress: pipeline.Progress | None = None,
    trigger: str = "manual",
    home: str | None = None,
) -> pipeline.RunSummary:
    """One run over the inbox; a served deployment passes no settings and reads them from the
    environment `sideline serve` was started with. A league's team run names its team's home
    (flows/league.py)."""
    settings = settings or Settings.from_env()
    if home is not None:
        settings = dataclasses.replace(settings, home=Path(home))
    try:
        summary = run(
            settings, progress=progress or pipeline.quiet, as_step=as_task, trigger=trigger
        )
    except pipeline.RunFailed as exc:
        _artifacts(settings, exc.summary, failure=exc)
        raise
    _artifacts(settings, summary)
    return summary


def _artifacts(
    settings: Settings,
    summary: pipeline.RunSummary | None,
    failure: pipeline.RunFailed | None = None,
) -> None:
    """The story of the run in the Prefect UI, as on the dashboards; never a reason to fail."""
    try:
        create_markdown_artifact(
            key="nightly-summary", markdown=summary_markdown(settings, summary, failure)
        )
        if summary is not None and summary.analyst_database is not None:
            rates = rate_rows(summary.analyst_database)
            if rates:
                create_table_artifact(key="injury-rates", table=rates)
    except Exception as exc:  # a Prefect API hiccup must not turn a good run into a failed one
        print(f"could not write the Prefect artifacts: {exc}")


def summary_markdown(
    settings: Settings,
    summary: pipeline.RunSummary | None,
    failure: pipeline.RunFailed | None = None,
) -> str:
    lines = ["# Sideline nightly run", ""]
    if failure is not None:
        state = "loaded, not published" if failure.committed else "failed, nothing written"
        lines += [f"**{state}** at the `{failure.step}` step: {failure}", ""]
    if summary is not None:
        lines += [
            f"Run `{summary.run_id}` ({summary.trigger}): {len(summary.files)} new file(s), "
            f"{summary.rows_in} rows in, {summary.rows_loaded} loaded, "
            f"{summary.rows_quarantined} quarantined.",
            "",
            "| file | table | in | loaded | quarantined | status |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {f.file_name} | {f.table_name or '-'} | {f.rows_in} | {f.rows_loaded} | "
            f"{f.rows_quarantined} | {f.status} |"
            for f in summary.files
        ]
        lines += ["", f"New high-risk contusions: {len(summary.new_high_risk)}"]
        lines += [
            f"- {c['team_id']} {c['record_id']} (athlete {c['athlete_id']}): {c['tier']}"
            for c in summary.new_high_risk
        ]
    lines += ["", f"Dashboards: `{(settings.site / 'index.html').resolve()}`"]
    lines += [f"Analyst database: `{settings.analyst_database.resolve()}`"]
    return "\n".join(lines)


def rate_rows(analyst_database: Any) -> list[dict[str, Any]]:
    con = duckdb.connect(str(analyst_database), read_only=True)
    try:
        frame = query(con, "report/rate_artifact", {})
    finally:
        con.close()
    return frame.to_dict("records")
