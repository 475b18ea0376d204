"""Discover stage: the inbox entries not read before, by content hash, in name order.

Name order makes the run deterministic: of two files in one run with the same record, the one
whose name sorts later is the correction (exports carry dates in their names).

Only regular files are read, and never through a link. An entry that cannot be read (a symbolic
link, a file the process may not open, a pipe) is not skipped silently: it comes out with its
reason, under a key that changes when the entry does, so it is reported once and retried only
after someone fixes it.

A regular file is hashed once: its hash is kept under its size, times and inode
(`inbox_seen`), and a file whose inode says the same is not read again. A league's inbox of
thousands of exports is listed, not read, each night.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from sideline.db import one_transaction, sql
from sideline.staging import Failure

from .read import read_bytes, sha256_of


@dataclass(frozen=True)
class InboxFile:
    path: Path
    sha256: str
    size_bytes: int
    duplicate_of: str | None = None  # an earlier file of the same run with the same content
    problem: Failure | None = None  # why the entry cannot be read at all

    @property
    def to_read(self) -> bool:
        """Whether the run reads and stages it: readable, and not a copy of an earlier one."""
        return self.problem is None and self.duplicate_of is None


def discover(inbox: Path, con: duckdb.DuckDBPyConnection) -> list[InboxFile]:
    known = {row[0] for row in con.execute(sql("discover/known_files")).fetchall()}
    before = {row[0]: row[1:] for row in con.execute(sql("discover/seen")).fetchall()}
    found: list[InboxFile] = []
    seen: dict[str, str] = {}
    if not inbox.is_dir():
        return found
    now: dict[str, tuple[int, int, int, int, str]] = {}
    # by name as text: comparing Path objects was a third of listing 3,925 files
    names = sorted(n for n in os.listdir(inbox) if not n.startswith("."))
    for path in (inbox / n for n in names):
        entry, inode = _entry(path, before.get(path.name))
        if inode is not None and entry is not None:
            now[path.name] = (*inode, entry.sha256)
        if entry is None or entry.sha256 in known:
            continue
        if entry.problem is None and entry.sha256 in seen:
            entry = InboxFile(path, entry.sha256, entry.size_bytes, seen[entry.sha256])
        found.append(entry)
        seen.setdefault(entry.sha256, path.name)
    if now != before:
        _remember(con, now, before)
    return found


Inode = tuple[int, int, int, int]  # size, modification and change times (ns), inode number


def _remember(
    con: duckdb.DuckDBPyConnection,
    now: dict[str, tuple[int, int, int, int, str]],
    before: dict[str, tuple[object, ...]],
) -> None:
    """Make the memo of the listing (`inbox_seen`) what this listing saw, writing only the
    entries that are new, changed or gone: a night adds a file or two to an inbox of
    thousands, and writing the memo whole took 60 ms at 3,925 files."""
    changed = [(name, *values) for name, values in now.items() if before.get(name) != values]
    gone = [name for name in before if name not in now or before[name] != now[name]]
    frame = pd.DataFrame(
        changed, columns=["name", "size_bytes", "mtime_ns", "ctime_ns", "inode", "sha256"]
    )
    con.register("seen_now", frame)
    try:
        with one_transaction(con):
            con.execute(sql("discover/seen_forget"), {"gone": gone})
            con.execute(sql("discover/seen_add"))
    finally:
        con.unregister("seen_now")


def _entry(
    path: Path, remembered: tuple[object, ...] | None
) -> tuple[InboxFile | None, Inode | None]:
    """The inbox entry at `path` (None: nothing to read) and, for a regular file, what its
    inode says of it; `remembered` is what it said when the file was last hashed."""
    try:
        info = os.lstat(path)
    except OSError:
        return None, None  # gone between listing and looking: nothing to read
    if stat.S_ISDIR(info.st_mode):
        return None, None  # folders (an archive a team keeps) are not inbox files
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path)
        return _problem(
            path,
            f"link:{target}",
            "symlink",
            "the entry is a symbolic link; Sideline reads only regular files in the inbox and "
            "never follows links: copy the file itself into the inbox",
        ), None
    if not stat.S_ISREG(info.st_mode):
        return _problem(
            path, f"special:{info.st_mode}", "not_a_file", "the entry is not a regular file"
        ), None
    inode = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
    if remembered is not None and tuple(remembered[:4]) == inode:
        return InboxFile(path, str(remembered[4]), info.st_size), inode
    try:
        data = read_bytes(path)
    except OSError as exc:
        # keyed by name, size and change time: fixing the permission changes the ctime, and
        # the file is read on the next run
        return _problem(
            path,
            f"unreadable:{info.st_size}:{info.st_ctime_ns}",
            "unreadable",
            f"the file cannot be read: {exc.strerror}",
        ), None
    return InboxFile(path, sha256_of(data), len(data)), inode


def _problem(path: Path, state: str, rule: str, message: str) -> InboxFile:
    key = "entry:" + sha256_of(f"{path.name}\0{state}".encode())
    return InboxFile(path, key, 0, problem=Failure(path.name, None, None, rule, None, message))
