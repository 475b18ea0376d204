"""Every relation and column of the analyst database says what it holds (COMMENT ON), and the
README's relation table is the one generated from those comments."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from sideline.flows import nightly

from sideline import analyst_docs

from .conftest import TODAY, rows

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_relation_and_column_of_the_snapshot_has_a_comment(settings, put):
    for name in ("injuries_valid.csv", "exposures_valid.csv", "imaging_valid.jsonl"):
        put(name)
    # with free text on, so the opt-in columns are covered too
    nightly.run(dataclasses.replace(settings, analyst_free_text=True), now=TODAY)
    relations = rows(
        settings.analyst_database,
        "select table_name, comment from duckdb_tables() where not internal",
    )
    assert {r for r, _ in relations} == set(analyst_docs.RELATIONS)
    assert all(c and c.startswith("One row per ") for _, c in relations)
    missing = rows(
        settings.analyst_database,
        "select table_name, column_name from duckdb_columns() "
        "where not internal and (comment is null or comment = '')",
    )
    assert missing == []


def test_the_readme_relation_table_is_generated_from_the_comments():
    text = README.read_text(encoding="utf-8")
    block = re.search(
        re.escape(analyst_docs.BEGIN) + r"\n(.*?)\n" + re.escape(analyst_docs.END), text, re.S
    )
    assert block is not None, "README has the generated block"
    assert block.group(1) == analyst_docs.relation_table(), (
        "README is stale: run python -m sideline.analyst_docs README.md"
    )


def test_the_readme_risk_model_tables_are_generated_from_the_parameter_table():
    text = README.read_text(encoding="utf-8")
    block = re.search(
        re.escape(analyst_docs.MODEL_BEGIN) + r"\n(.*?)\n" + re.escape(analyst_docs.MODEL_END),
        text,
        re.S,
    )
    assert block is not None, "README has the generated block"
    assert block.group(1) == analyst_docs.model_tables(), (
        "README is stale: run python -m sideline.analyst_docs README.md"
    )
