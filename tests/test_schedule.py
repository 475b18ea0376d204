"""The schedule in the team's zone: the next run `status` shows and the last one it judges by
(Prefect's Cron schedule runs the nightly deployment itself)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sideline.schedule import ScheduleError, next_run, previous_run

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


def test_previous_run_is_the_last_scheduled_time_in_the_teams_zone():
    assert previous_run("0 2 * * *", datetime(2026, 6, 1, 1, 59, tzinfo=OSLO)).isoformat() == (
        "2026-05-31T02:00:00+02:00"
    )
    assert previous_run("0 2 * * *", datetime(2026, 6, 1, 2, 0, tzinfo=OSLO)).isoformat() == (
        "2026-06-01T02:00:00+02:00"
    )
    # the day after spring forward, the night's run was at 03:00 local
    assert previous_run("0 2 * * *", datetime(2026, 3, 29, 12, tzinfo=OSLO)).hour in (2, 3)
