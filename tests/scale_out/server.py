"""The real server: gunicorn with two workers in production mode, as `make serve` runs it, on a
free loopback port; and the operator's `flask` commands against the same settings."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
WORKERS = 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(database_url: str, folder: Path, redis_url: str | None, port: int) -> dict[str, str]:
    """Production settings with a fresh secret key; Redis only when ``redis_url`` is given."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_DEBUG", "FLASK_APP")}
    env.update(APP_ENV="production", SECRET_KEY=secrets.token_hex(32), DATABASE_URL=database_url,
               UPLOAD_DIR=str(folder / "uploads"), MAIL_OUTBOX_DIR=str(folder / "outbox"),
               BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(WORKERS), TRUSTED_HOSTS="127.0.0.1",
               # A prefix of its own keeps this run's counters apart from anyone else's on the Redis.
               RATE_LIMIT_PREFIX=f"sv_grants_scale_out:{secrets.token_hex(8)}:")
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    env: dict[str, str]
    log_path: Path

    @property
    def upload_dir(self) -> Path:
        return Path(self.env["UPLOAD_DIR"])

    def worker_pids(self) -> set[int]:
        """The master's children: gunicorn's workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def kill_a_worker(self) -> int:
        pid = min(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid

    def wait_for_workers(self, gone: set[int] = frozenset(), timeout: float = 60) -> set[int]:
        """Until the master has its workers again, none of them one in ``gone``."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.worker_pids()
            if len(pids) == WORKERS and not pids & gone:
                return pids
            assert self.process.poll() is None, self.log()
            assert time.monotonic() < deadline, f"gunicorn has workers {pids}, not {WORKERS} new ones"
            time.sleep(0.1)

    def wait_until_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert self.process.poll() is None, self.log()
            assert time.monotonic() < deadline, f"gunicorn was not ready within {timeout} seconds:\n{self.log()}"
            time.sleep(0.2)
        self.wait_for_workers()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request_lines(self) -> list[dict[str, Any]]:
        """The app's own JSON line for each request it answered."""
        lines = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                entry = json.loads(line)
                if "status" in entry and "path" in entry:
                    lines.append(entry)
        return lines

    def flask(self, *args: str) -> subprocess.CompletedProcess[str]:
        """An operator's `flask` command with the server's own settings."""
        return subprocess.run([str(BIN / "flask"), "--app", "sv_grants", *args], cwd=ROOT, env=self.env,  # noqa: S603 - our own command
                              capture_output=True, text=True, timeout=60, check=False)


def start(database_url: str, folder: Path, redis_url: str | None = None) -> Server:
    port = free_port()
    env = production_env(database_url, folder, redis_url, port)
    log_path = folder / "gunicorn.log"
    # The log goes to a file: a pipe nobody reads fills up and would stall the workers mid-request.
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=log)
    server = Server(process, port, env, log_path)
    try:
        server.wait_until_ready()
    except BaseException:
        server.stop()
        raise
    return server
