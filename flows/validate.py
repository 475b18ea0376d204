"""Validate stage: parse each staged file and run its table's suite over the run's rows.

Injuries are validated before imaging, so an exam may follow up an injury of the same run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd
from sideline.expectations.imaging import injury_key
from sideline.expectations.rules import Context
from sideline.expectations.run import validate

from sideline.catalogue import TABLES
from sideline.db import sql
from sideline.settings import Settings
from sideline.staging import Failure

from .parse import detect_format, parse_frame
from .read import Staged


@dataclass
class Validated:
    valid: dict[str, pd.DataFrame] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    results: list[dict[str, object]] = field(default_factory=list)


def validate_files(
    staged: list[Staged], settings: Settings, con: duckdb.DuckDBPyConnection, now: datetime
) -> Validated:
    out = Validated()
    keys = {row[0] for row in con.execute(sql("validate/injury_keys")).fetchall()}
    for name, table in TABLES.items():  # injuries first: imaging refers to them
        files = [s for s in staged if s.table is table and not s.frame.empty]
        for s in staged:
            if s.table is table:
                out.failures.extend(s.failures)
        if not files:
            continue
        frames = [
            parse_frame(s.frame, table, detect_format(s.frame, table, s.delimiter), settings.tz)
            for s in files
        ]
        frame = pd.concat(frames, ignore_index=True)
        ctx = Context(today=now.date(), now=now, injury_keys=frozenset(keys))
        verdict = validate(name, frame, ctx)
        out.failures.extend(verdict.failures)
        out.results.extend(verdict.results)
        valid = frame.drop(index=list(verdict.failed_index))
        out.valid[name] = valid
        if name == "injuries":
            keys |= {
                injury_key(t, r) for t, r in zip(valid["team_id"], valid["record_id"], strict=True)
            }
    return out
