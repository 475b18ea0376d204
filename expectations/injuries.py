"""Suite guarding the injuries table."""

from __future__ import annotations

import great_expectations as gx

from sideline.catalogue import INJURIES

from .rules import Context, column_rules


def suite(ctx: Context) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(name="injuries", expectations=column_rules(INJURIES, ctx))
