"""The Prefect flow `nightly`: the stages of `pipeline.run`, each a task.

Run as a plain process, no server to start: Prefect brings up its temporary local API under the
Sideline home (see `sideline.prefect_env`). Tasks receive connections and file lists, never
large DataFrames to hash, so caching is off for all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from sideline.settings import Settings

from . import pipeline

F = TypeVar("F", bound=Callable[..., Any])


def as_task(fn: F) -> F:
    name = fn.__name__.replace("_", "-")
    return task(fn, name=name, cache_policy=NO_CACHE, persist_result=False)  # type: ignore[return-value]


@flow(name="nightly", log_prints=True, persist_result=False)
def nightly(settings: Settings, progress: pipeline.Progress | None = None) -> pipeline.RunSummary:
    if progress is None:
        return pipeline.run(settings, as_step=as_task)
    return pipeline.run(settings, progress=progress, as_step=as_task)
