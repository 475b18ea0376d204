"""The floor: what DuckDB alone takes for the work of a full run, the yardstick of the budgets in
benchmarks/run.py.

In one transaction on a new file database: load every CSV and JSON Lines file of the inbox as
text (DuckDB's own readers; a workbook would need an extension fetched from the network, so
XLSX files are left out and counted), run the contract's checks as SQL (one pass per table of
`count(*) filter (where ...)` for required, type, enum, range and not-future, and a uniqueness
count per file and key), and build a per-team-season injury rate table.

    .venv/bin/python benchmarks/floor.py INBOX [--today 2026-11-24]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from sideline.catalogue import TABLES, Column, Table

TYPE_CHECK = {
    "date": "try_strptime({c}, '%Y-%m-%d') is null",
    "time": "try_cast({c} as time) is null",
    "timestamp": "try_cast({c} as timestamp) is null",
    "integer": "try_cast({c} as bigint) is null",
    "number": "try_cast(replace({c}, ',', '.') as double) is null",
    "boolean": "lower({c}) not in ('true', 'false', 'yes', 'no', 'y', 'n', '1', '0', 't', 'f', "
    "'unknown')",
}


def checks(table: Table, columns: set[str], today: date) -> list[str]:
    """The contract's row rules for `table` as filtered counts over its text relation."""
    out = []
    for c in table.columns:
        name = f'"{c.name}"'
        if c.name not in columns:
            if c.required:
                out.append("count(*)")
            continue
        present = f"nullif(trim({name}), '') is not null"
        if c.required:
            out.append(f"count(*) filter (where not ({present}))")
        if c.kind in TYPE_CHECK:
            out.append(f"count(*) filter (where {present} and {TYPE_CHECK[c.kind].format(c=name)})")
        if c.kind == "enum":
            allowed = ", ".join(f"'{v}'" for v in c.allowed)
            out.append(
                f"count(*) filter (where {present} and "
                f"regexp_replace(lower(trim({name})), '[\\s\\-]+', '_', 'g') not in ({allowed}))"
            )
        out += _range(c, name)
        if c.kind == "date":
            out.append(
                f"count(*) filter (where try_strptime({name}, '%Y-%m-%d') > "
                f"'{today.isoformat()}'::date)"
            )
    return out


def _range(c: Column, name: str) -> list[str]:
    if c.minimum is None and c.maximum is None:
        return []
    value = f"try_cast(replace({name}, ',', '.') as double)"
    low = c.minimum if c.minimum is not None else float("-inf")
    high = c.maximum if c.maximum is not None else float("inf")
    return [f"count(*) filter (where not ({value} between {low} and {high}))"]


def _delimiter(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        header = handle.readline()
    return ";" if header.count(";") > header.count(",") else ","


def floor(inbox: Path, today: date) -> dict[str, object]:
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="sideline-floor-"))
    con = duckdb.connect(str(folder / "floor.duckdb"))
    skipped = 0
    violations = 0
    rows = {}
    con.begin()
    for name, table in TABLES.items():
        files = sorted(p for p in inbox.glob(f"{name}_*") if p.is_file())
        parts = []
        for delimiter in (",", ";"):
            group = [str(p) for p in files if p.suffix == ".csv" and _delimiter(p) == delimiter]
            if group:
                parts.append(
                    f"select * from read_csv({group!r}, all_varchar = true, header = true, "
                    f"delim = '{delimiter}', union_by_name = true, filename = true, "
                    "null_padding = true, ignore_errors = true)"
                )
        jsonl = [str(p) for p in files if p.suffix == ".jsonl"]
        if jsonl:
            parts.append(
                f"select * from read_json({jsonl!r}, format = 'newline_delimited', "
                "union_by_name = true, filename = true, ignore_errors = true)"
            )
        skipped += sum(1 for p in files if p.suffix == ".xlsx")
        if not parts:
            continue
        union = " union all by name ".join(f"({p})" for p in parts)
        con.execute(f"create table {name} as select * from ({union})")
        columns = {r[0] for r in con.execute(f"describe {name}").fetchall()}
        text = {c: f'cast("{c}" as varchar)' for c in columns}
        con.execute(
            f"create or replace table {name} as select "
            + ", ".join(f'{expr} as "{c}"' for c, expr in text.items())
            + f" from {name}"
        )
        counts = con.execute(
            f"select {', '.join(checks(table, columns, today))} from {name}"
        ).fetchone()
        violations += sum(counts or ())
        key = ", ".join(f'"{c}"' for c in table.unique_key if c in columns)
        duplicates = con.execute(
            f"select count(*) - count(distinct (filename, {key})) from {name}"
        ).fetchone()
        violations += duplicates[0] if duplicates else 0
        rows[name] = con.execute(f"select count(*) from {name}").fetchone()[0]
    con.execute(
        """
        create table rates as
        with hours as (
            select team_id, year(try_strptime(date, '%Y-%m-%d') - interval 6 month) as season,
                sum(try_cast(minutes as double)) / 60 as hours
            from exposures group by all
        ),
        cases as (
            select team_id,
                year(try_strptime(injury_date, '%Y-%m-%d') - interval 6 month) as season,
                count(*) as injuries
            from injuries group by all
        )
        select team_id, season, injuries, hours, 1000 * injuries / hours as per_1000_h
        from hours left join cases using (team_id, season)
        """
    )
    con.commit()
    con.close()
    seconds = time.perf_counter() - started
    for leftover in folder.iterdir():
        leftover.unlink()
    folder.rmdir()
    return {
        "seconds": round(seconds, 2),
        "rows": rows,
        "violations": violations,
        "xlsx_files_left_out": skipped,
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inbox", type=Path)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()
    print(json.dumps(floor(args.inbox, args.today)))


if __name__ == "__main__":
    main()
