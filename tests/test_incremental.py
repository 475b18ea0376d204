"""Nights cost what changed: a run renders the pages of the teams whose data it changed, and
links the others from the live site; a new day, new settings or a lost page render again."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sideline.dashboards import site as site_module
from sideline.flows import nightly

from .conftest import TODAY

HEADER = (
    "record_id,team_id,athlete_id,athlete_name,injury_date,activity,body_region,tissue,"
    "mechanism,return_date,notes\n"
)


def injury(record: str, team: str, note: str) -> str:
    what = "2026-09-06,match,thigh,muscle_contusion,direct_contact"
    return f"{record},{team},{team[:3]}-1,Ann,{what},,{note}\n"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The teams whose board was rendered (not linked), run after run."""
    teams: list[str] = []
    board_page = site_module.board_page

    def counting(con, ctx, team):  # type: ignore[no-untyped-def]
        teams.append(team)
        return board_page(con, ctx, team)

    monkeypatch.setattr(site_module, "board_page", counting)
    return teams


def test_a_night_renders_only_the_teams_it_changed(settings, put, rendered):
    put("injuries_1.csv", HEADER + injury("R1", "eagles", "first") + injury("R2", "rovers", "x"))
    nightly.run(settings, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]
    rovers = settings.site / "teams" / "rovers" / "board.html"
    rovers_before = rovers.read_text(encoding="utf-8")

    rendered.clear()
    put("injuries_2.csv", HEADER + injury("R1", "eagles", "corrected note"))
    nightly.run(settings, now=TODAY)
    assert rendered == ["eagles"]
    eagles = (settings.site / "teams" / "eagles" / "board.html").read_text(encoding="utf-8")
    assert "corrected note" in eagles
    assert rovers.read_text(encoding="utf-8") == rovers_before
    # the index still counts the team it did not render
    index = (settings.site / "index.html").read_text(encoding="utf-8")
    assert "teams/rovers/board.html" in index

    rendered.clear()
    nightly.run(settings, now=TODAY)  # nothing new
    assert rendered == []

    rendered.clear()
    nightly.run(settings, now=TODAY + timedelta(days=1))  # the boards are dated
    assert sorted(rendered) == ["eagles", "rovers"]


def test_a_lost_page_or_new_settings_render_again(settings, put, rendered):
    put("injuries_1.csv", HEADER + injury("R1", "eagles", "a") + injury("R2", "rovers", "b"))
    nightly.run(settings, now=TODAY)
    (settings.site / "teams" / "rovers" / "surveillance.html").unlink()
    rendered.clear()
    nightly.run(settings, now=TODAY)
    assert rendered == ["rovers"]
    assert (settings.site / "teams" / "rovers" / "surveillance.html").is_file()

    rendered.clear()
    changed = dataclasses.replace(settings, open_injury_days=settings.open_injury_days + 1)
    nightly.run(changed, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]

    rendered.clear()
    (settings.site / "pages.json").write_text("not json", encoding="utf-8")
    nightly.run(changed, now=TODAY)
    assert sorted(rendered) == ["eagles", "rovers"]
