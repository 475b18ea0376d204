"""`sideline export DIR`: analyst extracts without names, from the analyst snapshot only.

Writes injurytools-compatible CSV tables (so results can be cross-checked with that package)
and a Parquet file of every analyst relation.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sideline.db import sql

DISCLAIMER = "Decision support for qualified medical staff; not a diagnosis."


def export(analyst_database: Path, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "parquet").mkdir(exist_ok=True)
    con = duckdb.connect(str(analyst_database), read_only=True)
    written: list[Path] = []
    try:
        for name in ("injurytools_injuries", "injurytools_exposures"):
            path = directory / f"{name}.csv"
            con.sql(sql(f"export/{name}")).write_csv(str(path))
            written.append(path)
        for (relation,) in con.execute(sql("export/relations")).fetchall():
            path = directory / "parquet" / f"{relation}.parquet"
            con.table(relation).write_parquet(str(path))
            written.append(path)
    finally:
        con.close()
    readme = directory / "README.txt"
    readme.write_text(
        "Sideline analyst extract: no athlete names.\n"
        "injurytools_injuries.csv / injurytools_exposures.csv: for injurytools::prepare_inj\n"
        "and prepare_exp (person_id, date_injured, date_recovered; person_id, date,\n"
        "time_expo in minutes). parquet/: every relation of the analyst database.\n"
        f"{DISCLAIMER}\n",
        encoding="utf-8",
    )
    written.append(readme)
    return written
