"""Discover stage: the inbox files not read before, by content hash, in name order.

Name order makes the run deterministic: of two files in one run with the same record, the one
whose name sorts later is the correction (exports carry dates in their names).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from sideline.db import sql

from .read import sha256_of


@dataclass(frozen=True)
class InboxFile:
    path: Path
    sha256: str
    size_bytes: int
    duplicate_of: str | None = None  # an earlier file of the same run with the same content


def discover(inbox: Path, con: duckdb.DuckDBPyConnection) -> list[InboxFile]:
    known = {row[0] for row in con.execute(sql("discover/known_files")).fetchall()}
    found: list[InboxFile] = []
    seen: dict[str, str] = {}
    if not inbox.is_dir():
        return found
    for path in sorted(p for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        digest = sha256_of(data)
        if digest in known:
            continue
        found.append(InboxFile(path, digest, len(data), seen.get(digest)))
        seen.setdefault(digest, path.name)
    return found
