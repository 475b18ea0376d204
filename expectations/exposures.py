"""Suite guarding the exposures table."""

from __future__ import annotations

import great_expectations as gx

from sideline.catalogue import EXPOSURES

from .rules import Context, column_rules


def suite(ctx: Context) -> gx.ExpectationSuite:
    return gx.ExpectationSuite(name="exposures", expectations=column_rules(EXPOSURES, ctx))
