"""A local Prefect server for `sideline serve`: started on the loopback address with its
database (SQLite) under the Sideline home, waited for until healthy, watched, and restarted
when it dies. Prefect's runner outlives a dead server and resumes when it is back (measured in
the project's PREFECT notes), so supervising means restarting the server only.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from sideline import prefect_env
from sideline.settings import Settings

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 180.0
WATCH_EVERY_SECONDS = 2.0


class ServerError(RuntimeError):
    """The local Prefect server could not be started."""


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.read().strip() == b"true"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((HOST, port)) == 0


class LocalServer:
    def __init__(self, settings: Settings, announce: Callable[[str], object]) -> None:
        self.settings = settings
        self.announce = announce
        self.port = settings.prefect_port
        self.api_url = f"http://{HOST}:{self.port}/api"
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def pid_file(self) -> Path:
        return self.settings.prefect_home / "server.pid"

    @property
    def log_file(self) -> Path:
        return self.settings.prefect_home / "server.log"

    def start(self) -> None:
        if port_in_use(self.port):
            raise ServerError(
                f"port {self.port} on {HOST} is already in use; set SIDELINE_PREFECT_PORT to a "
                "free port, or point PREFECT_API_URL at the Prefect server that holds it"
            )
        self._spawn()
        self._wait_healthy()

    def _spawn(self) -> None:
        self.settings.prefect_home.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, **prefect_env.offline_environment(self.settings)}
        env.pop("PREFECT_API_URL", None)  # the server is not a client of itself
        log = open(self.log_file, "ab")
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "prefect",
                    "server",
                    "start",
                    "--host",
                    HOST,
                    "--port",
                    str(self.port),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its workers die with it, not with a Ctrl-C to serve
            )
        finally:
            log.close()
        self.pid_file.write_text(f"{self.process.pid}\n", encoding="utf-8")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if healthy(self.api_url):
                self.announce(
                    f"Prefect server healthy at {self.api_url} (UI at http://{HOST}:{self.port})"
                )
                return
            if self.process is not None and self.process.poll() is not None:
                raise ServerError(
                    f"the Prefect server exited with {self.process.returncode} while starting; "
                    f"see {self.log_file.resolve()}"
                )
            time.sleep(0.5)
        raise ServerError(
            f"the Prefect server did not answer within {START_TIMEOUT_SECONDS:.0f} s; see "
            f"{self.log_file.resolve()}"
        )

    def watch(self) -> None:
        """Restart the server whenever it dies, from a thread, until `stop`."""

        def loop() -> None:
            while not self._stop.wait(WATCH_EVERY_SECONDS):
                if self.process is None or self.process.poll() is None:
                    continue
                self.announce(
                    f"the Prefect server died (exit {self.process.returncode}); restarting it"
                )
                try:
                    self._spawn()
                    self._wait_healthy()
                    self.restarts += 1
                except (ServerError, OSError) as exc:
                    self.announce(f"the Prefect server could not be restarted: {exc}")

        self._watcher = threading.Thread(target=loop, daemon=True, name="sideline-server-watch")
        self._watcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.pid_file.unlink(missing_ok=True)


def start_unless_named(
    settings: Settings, announce: Callable[[str], object], *, watch: bool = False
) -> LocalServer | None:
    """The local server, started and named in PREFECT_API_URL, unless that already names one
    (then None: Sideline supervises only a server it started)."""
    if os.environ.get("PREFECT_API_URL"):
        announce(f"using the Prefect server at {os.environ['PREFECT_API_URL']}")
        return None
    server = LocalServer(settings, announce)
    announce(f"starting a local Prefect server on port {server.port} (loopback only)")
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    if watch:
        server.watch()
    return server
