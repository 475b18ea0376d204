"""`sideline serve`'s loop, with a fake clock: runs at the cron times in the team's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sideline.schedule import ScheduleError, next_run, serve_forever

OSLO = ZoneInfo("Europe/Oslo")


def test_next_run_is_in_the_teams_zone_and_daylight_saving_never_skips_or_doubles():
    # spring forward: 02:00 does not exist on 29 March in Oslo; the run happens at 03:00
    spring = next_run("0 2 * * *", datetime(2026, 3, 28, 12, 0, tzinfo=OSLO))
    assert (spring.isoformat(), next_run("0 2 * * *", spring).isoformat()) == (
        "2026-03-29T03:00:00+02:00",
        "2026-03-30T02:00:00+02:00",
    )
    # fall back: 02:30 happens twice on 25 October; the run happens once
    autumn = next_run("30 2 * * *", datetime(2026, 10, 24, 12, 0, tzinfo=OSLO))
    assert (autumn.isoformat(), next_run("30 2 * * *", autumn).isoformat()) == (
        "2026-10-25T02:30:00+02:00",
        "2026-10-26T02:30:00+01:00",
    )


def test_bad_cron_is_a_schedule_error():
    with pytest.raises(ScheduleError, match="SIDELINE_SCHEDULE"):
        next_run("61 * * * *", datetime(2026, 6, 1, tzinfo=OSLO))


def test_loop_runs_at_each_scheduled_time_and_never_early():
    clock = [datetime(2026, 6, 1, 1, 59, 30, tzinfo=OSLO)]
    ran_at: list[datetime] = []

    def wait(seconds: float) -> None:
        clock[0] += timedelta(seconds=seconds)

    runs = serve_forever(
        "0 2 * * *",
        "Europe/Oslo",
        lambda: ran_at.append(clock[0]),
        now=lambda zone: clock[0].astimezone(zone),
        wait=wait,
        keep_going=lambda: len(ran_at) < 3,
        announce=lambda _: None,
    )
    assert runs == 3
    assert [t.astimezone(OSLO).strftime("%m-%d %H:%M") for t in ran_at] == [
        "06-01 02:00",
        "06-02 02:00",
        "06-03 02:00",
    ]
