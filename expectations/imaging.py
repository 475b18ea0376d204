"""Suite guarding the imaging table: the shared rules, and that a followed-up injury exists.

Whether it exists is a join in DuckDB (sql/validate/injury_found.sql), done where the data is,
whatever the number of stored injuries; the suite checks its verdict column, so Great
Expectations stays the engine of record and the rule is reported as every other.
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from sideline.catalogue import IMAGING
from sideline.staging import INJURY_FOUND

from .rules import Context, column_rules, meta


def suite(ctx: Context) -> gx.ExpectationSuite:
    rules = column_rules(IMAGING, ctx)
    rules.append(
        gxe.ExpectColumnValuesToBeInSet(
            column=INJURY_FOUND,
            value_set=[True],
            meta=meta("references_injury", "injury_record_id"),
        )
    )
    return gx.ExpectationSuite(name="imaging", expectations=rules)
