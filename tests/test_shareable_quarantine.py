"""`quarantine_shareable` blanks a raw value that holds a word of a known name (migration 023).

The view finds name words in values by a join of their pieces; it must blank exactly the values
the first view (migration 009) blanked by `contains` against every word. Both run here over the
same random names and values: mixed case, letters beyond ASCII, words at either end and inside.
"""

from __future__ import annotations

import json
import random

import duckdb
import pytest

from sideline.db import migrate

# the first view's check (sql/migrations/009_shareable_quarantine.sql), as the reference
CONTAINS_CHECK = """
with name_words as (
    select distinct lower(word) as word
    from (
        select unnest(regexp_split_to_array(athlete_name, '[^[:alpha:]]+')) as word
        from injuries_history
        where athlete_name is not null
        union all
        select unnest(regexp_split_to_array(record ->> 'athlete_name', '[^[:alpha:]]+'))
        from quarantine
        where record ->> 'athlete_name' is not null
    )
    where length(word) >= 3
)

select
    row_number,
    case
        when raw_value_shareable
            and not exists (
                select 1 from name_words
                where contains(lower(quarantine.raw_value), name_words.word)
            )
            then raw_value
    end as raw_value
from quarantine
order by row_number
"""

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßÅçñ"
OTHERS = " -'.,0123456789/_"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 9)))


def _name(rng: random.Random) -> str:
    return rng.choice([" ", "-", "'", ". "]).join(_word(rng) for _ in range(rng.randint(1, 3)))


def _value(rng: random.Random, names: list[str]) -> str | None:
    if rng.random() < 0.05:
        return None
    parts = []
    for _ in range(rng.randint(0, 4)):
        if rng.random() < 0.3:  # a piece of a known name, any case, maybe cut short
            name = rng.choice(names)
            start = rng.randint(0, len(name) - 1)
            piece = name[start : start + rng.randint(1, len(name))]
            parts.append(piece.upper() if rng.random() < 0.3 else piece)
        else:
            parts.append("".join(rng.choice(LETTERS + OTHERS) for _ in range(rng.randint(0, 8))))
    return "".join(parts)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    migrate(db)
    return db


def _fill(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    rng = random.Random(seed)
    names = [_name(rng) for _ in range(rng.randint(1, 40))]
    for i, name in enumerate(names):
        con.execute(
            "insert into injuries_history (record_key, version, row_hash, run_id, source_file, "
            "source_row, loaded_at, record_id, team_id, athlete_id, athlete_name, injury_date, "
            "activity, body_region, tissue, mechanism) values (?, 1, 1, 'r', 'f.csv', ?, now(), "
            "?, 't', ?, ?, date '2024-01-01', 'match', 'thigh', 'muscle_contusion', "
            "'direct_contact')",
            [f"k{i}", i, f"R{i}", f"A{i}", name],
        )
    quarantined = [_name(rng) for _ in range(rng.randint(0, 5))]  # names only in rejected rows
    for row in range(300):
        record = {"athlete_name": rng.choice(quarantined)} if quarantined and row % 7 == 0 else {}
        con.execute(
            "insert into quarantine (run_id, file, sha256, row_number, column_name, rule, "
            "raw_value, message, record, raw_value_shareable) "
            "values ('r', 'f.csv', 'x', ?, 'injury_date', 'type_date', ?, 'm', ?::json, ?)",
            [
                row,
                _value(rng, names + quarantined),
                json.dumps(record) if record else None,
                rng.choice([True, True, True, False, None]),
            ],
        )


@pytest.mark.parametrize("seed", range(12))
def test_the_view_blanks_exactly_what_contains_against_every_word_blanked(con, seed):
    _fill(con, seed)
    shown = con.execute(
        "select row_number, raw_value from quarantine_shareable order by row_number"
    ).fetchall()
    assert shown == con.execute(CONTAINS_CHECK).fetchall()
    # the random values did hold name words, and did not all
    blanked = con.execute(
        "select count(*) from quarantine join quarantine_shareable s using (row_number) "
        "where quarantine.raw_value_shareable and quarantine.raw_value is not null "
        "and s.raw_value is null"
    ).fetchone()
    assert blanked is not None and 0 < blanked[0] < 300


def test_a_word_at_the_very_end_or_start_of_a_value_is_found(con):
    _fill(con, 0)
    con.execute("delete from quarantine")
    con.execute("delete from injuries_history where record_key <> 'k0'")
    con.execute("update injuries_history set athlete_name = 'Ximena Quorra'")
    for row, value in enumerate(["12quorra", "XIMENA3", "quo", "ximen", "2024-01-0quorr4", "q"]):
        con.execute(
            "insert into quarantine (run_id, file, sha256, row_number, column_name, rule, "
            "raw_value, message, raw_value_shareable) "
            "values ('r', 'f.csv', 'x', ?, 'c', 'type_date', ?, 'm', true)",
            [row, value],
        )
    shown = con.execute("select raw_value from quarantine_shareable order by row_number").fetchall()
    assert shown == [(None,), (None,), ("quo",), ("ximen",), ("2024-01-0quorr4",), ("q",)]
