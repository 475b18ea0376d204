"""The one settings object, read from `SIDELINE_*` environment variables (CONTRACT section 3)."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DayCount = Literal["ioc", "calendar"]
PREFIX = "SIDELINE_"
MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def memory_bytes(amount: str) -> int:
    """An amount of memory as SIDELINE_MEMORY_LIMIT gives it (`1GB`, `1500 MiB`), in bytes."""
    match = MEMORY.fullmatch(amount.strip())
    if match is None:
        raise SettingsError(f"not an amount of memory: {amount!r}")
    return int(float(amount.strip()[: match.start(2)]) * UNITS[match.group(2).lower()])


class SettingsError(ValueError):
    """A `SIDELINE_*` variable holds a value Sideline cannot use."""


def _machine_timezone() -> str:
    tz = os.environ.get("TZ")
    if tz:
        return tz
    try:
        link = Path("/etc/localtime").resolve()
        parts = link.parts
        if "zoneinfo" in parts:
            return "/".join(parts[parts.index("zoneinfo") + 1 :])
    except OSError:
        pass
    return "UTC"


@dataclass(frozen=True)
class Settings:
    home: Path = Path("sideline-home")
    timezone: str = field(default_factory=_machine_timezone)
    schedule: str = "0 2 * * *"
    season_start_month: int = 7
    day_count: DayCount = "ioc"
    open_injury_days: int = 90
    public_site: bool = False
    analyst_free_text: bool = False
    notify: str | None = None  # a command that receives alerts as JSON on stdin
    run_timeout_minutes: int = 120
    prefect_port: int = 4200  # the local Prefect server `serve` starts (loopback only)
    # what each DuckDB database of a run may hold in memory; beyond it, DuckDB spills to disk
    memory_limit: str = "1GB"

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(f"SIDELINE_TIMEZONE: unknown time zone {self.timezone!r}") from exc
        if not 1 <= self.season_start_month <= 12:
            raise SettingsError("SIDELINE_SEASON_START_MONTH must be a month number 1-12")
        if self.day_count not in ("ioc", "calendar"):
            raise SettingsError("SIDELINE_DAY_COUNT must be 'ioc' or 'calendar'")
        if self.open_injury_days < 1:
            raise SettingsError(
                "SIDELINE_OPEN_INJURY_DAYS must be a whole number of days, 1 or more"
            )
        if self.run_timeout_minutes < 1:
            raise SettingsError("SIDELINE_RUN_TIMEOUT_MINUTES must be 1 or more")
        if not 1024 <= self.prefect_port <= 65535:
            raise SettingsError("SIDELINE_PREFECT_PORT must be a port number 1024-65535")
        if not MEMORY.fullmatch(self.memory_limit.strip()):
            raise SettingsError(
                "SIDELINE_MEMORY_LIMIT must be an amount of memory such as 1GB or 1500MB"
            )
        if len(self.schedule.split()) != 5:
            raise SettingsError("SIDELINE_SCHEDULE must be a five-field cron expression")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def database(self) -> Path:
        """The pipeline's own database: history, names, quarantine. Never opened by analysts."""
        return self.home / "sideline.duckdb"

    @property
    def analyst_database(self) -> Path:
        """The analyst snapshot: replaced whole, atomically, at the end of every run."""
        return self.home / "analyst.duckdb"

    @property
    def staging(self) -> Path:
        """Where a run stages a large inbox (flows/stage.py); gone when the run ends, and
        removed by the next run if a killed one left it."""
        return self.home / "staging.duckdb"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def site(self) -> Path:
        return self.home / "site"

    @property
    def public_site_dir(self) -> Path:
        """The pseudonymised copy of the site, without names, for a wider audience."""
        return self.home / "site-public"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    def now(self) -> datetime:
        """The team's local wall-clock time, without a zone (the inbox's times are local)."""
        return datetime.now(self.tz).replace(tzinfo=None)

    @classmethod
    def variables(cls) -> tuple[str, ...]:
        """Every `SIDELINE_*` variable Sideline reads."""
        return tuple(PREFIX + f.name.upper() for f in fields(cls))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        kwargs: dict[str, object] = {}
        if v := env.get(PREFIX + "HOME"):
            kwargs["home"] = Path(v)
        if v := env.get(PREFIX + "TIMEZONE"):
            kwargs["timezone"] = v
        if v := env.get(PREFIX + "SCHEDULE"):
            kwargs["schedule"] = v
        if v := env.get(PREFIX + "NOTIFY"):
            kwargs["notify"] = v
        if v := env.get(PREFIX + "MEMORY_LIMIT"):
            kwargs["memory_limit"] = v.strip()
        for field_name in (
            "season_start_month",
            "open_injury_days",
            "run_timeout_minutes",
            "prefect_port",
        ):
            variable = PREFIX + field_name.upper()
            if v := env.get(variable):
                try:
                    kwargs[field_name] = int(v)
                except ValueError as exc:
                    raise SettingsError(f"{variable} must be a whole number") from exc
        for field_name in ("public_site", "analyst_free_text"):
            variable = PREFIX + field_name.upper()
            if v := env.get(variable):
                if v.strip().lower() not in ("1", "0", "true", "false", "yes", "no"):
                    raise SettingsError(f"{variable} must be true or false")
                kwargs[field_name] = v.strip().lower() in ("1", "true", "yes")
        if v := env.get(PREFIX + "DAY_COUNT"):
            kwargs["day_count"] = v.strip().lower()
        return cls(**kwargs)  # type: ignore[arg-type]


def unknown_variables(env: Mapping[str, str] | None = None) -> list[str]:
    """Warnings for `SIDELINE_*` variables Sideline does not read: a misspelt setting would
    otherwise be ignored without a word."""
    env = os.environ if env is None else env
    known = Settings.variables()
    warnings = []
    for name in sorted(env):
        if name.startswith(PREFIX) and name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            warnings.append(f"{name} is not a Sideline setting and is ignored{hint}")
    return warnings
