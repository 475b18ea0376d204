"""A trivial 3-task flow, the yardstick of benchmarks/nightly.py: what any flow costs on the
same Prefect server, so the nightly run's own work can be told apart."""

from __future__ import annotations

from prefect import flow, task


@task
def one() -> int:
    return 1


@task
def two(x: int) -> int:
    return x + 1


@task
def three(x: int) -> int:
    return x + 1


@flow(name="trivial")
def trivial() -> int:
    return three(two(one()))


if __name__ == "__main__":
    trivial.serve(name="trivial", pause_on_shutdown=False, print_starting_message=False)
