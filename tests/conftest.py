from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from sideline.flows import nightly, pipeline

from sideline.settings import Settings

SCENARIOS = Path(__file__).parent / "scenarios"
# injurytools example data, shipped with the tests (see its README for source and licence)
INJURYTOOLS = Path(__file__).parent / "data" / "injurytools"
# The day the scenario files are judged on ("no future dates"): fixed so tests never age.
TODAY = datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A fresh Sideline home in its own temporary folder, and HOME moved there too."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("SIDELINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SIDELINE_TIMEZONE", "UTC")
    for name in ("SIDELINE_DAY_COUNT", "SIDELINE_SEASON_START_MONTH", "SIDELINE_SCHEDULE"):
        monkeypatch.delenv(name, raising=False)
    s = Settings.from_env()
    s.inbox.mkdir(parents=True)
    return s


@pytest.fixture
def put(settings: Settings) -> Callable[..., Path]:
    """Drop a file into the inbox: text (UTF-8) or bytes, or a scenario by name."""

    def _put(name: str, content: str | bytes | None = None) -> Path:
        path = settings.inbox / name
        if content is None:
            path.write_bytes((SCENARIOS / name).read_bytes())
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _put


@pytest.fixture
def run_once(settings: Settings) -> Callable[[], pipeline.RunSummary]:
    def _run() -> pipeline.RunSummary:
        return nightly.run(settings, now=TODAY)

    return _run


def rows(path: Path, query: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a database, sorted: equal dumps mean equal databases. The
    inbox listing's memo of file hashes (`inbox_seen`) is left out: it says what the inbox
    holds, not what was loaded."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {
            n: sorted(con.execute(f'select * from "{n}"').fetchall(), key=repr)  # noqa: S608
            for n in sorted(names)
            if n != "inbox_seen"
        }
    finally:
        con.close()
