"""Exit codes scripts can trust (README "Exit codes"), written once."""

from __future__ import annotations

import signal

EXIT_OK = 0
EXIT_ROWS_FAILED = 1  # `check` found failing rows, or `run --strict` quarantined some
EXIT_RUN_FAILED = 2  # the run failed; the database is as it was before it
EXIT_BUSY = 3  # another run holds the database
EXIT_NOT_PUBLISHED = 4  # loaded and committed, but publishing failed
EXIT_USAGE = 64  # bad usage or settings, or no Sideline home
EXIT_INTERRUPTED = 128 + signal.SIGINT  # 130: Ctrl-C cancelled the run
EXIT_TERMINATED = 128 + signal.SIGTERM  # 143: SIGTERM cancelled the run
