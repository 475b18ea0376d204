"""Suite guarding the imaging table: the shared rules, and that a followed-up injury exists."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from sideline.catalogue import IMAGING

from .rules import Context, column_rules, meta

# `team_id` and `injury_record_id` joined, as the parse stage writes it for imaging rows
INJURY_KEY = "injury_key"


def suite(ctx: Context) -> gx.ExpectationSuite:
    rules = column_rules(IMAGING, ctx)
    rules.append(
        gxe.ExpectColumnValuesToBeInSet(
            column=INJURY_KEY,
            value_set=sorted(ctx.injury_keys),
            meta=meta("references_injury", "injury_record_id"),
        )
    )
    return gx.ExpectationSuite(name="imaging", expectations=rules)


def injury_key(team_id: str, record_id: str) -> str:
    return f"{team_id}\x1f{record_id}"


def add_injury_key(frame: pd.DataFrame) -> pd.DataFrame:
    """The column the reference rule checks; missing when the exam names no injury."""
    key = frame["team_id"].astype(object) + "\x1f" + frame["injury_record_id"].astype(object)
    return frame.assign(**{INJURY_KEY: key.where(frame["injury_record_id"].notna(), None)})
