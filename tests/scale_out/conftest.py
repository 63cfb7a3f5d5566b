"""The real server for these tests, started on this test's database and stopped afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from . import server as gunicorn


@pytest.fixture
def run_server(database_url: str, tmp_path: Path) -> Iterator[Callable[..., gunicorn.Server]]:
    """Start gunicorn (two workers, production settings) on this test's database; stopped before
    the database is emptied."""
    started: list[gunicorn.Server] = []

    def start(redis_url: str | None = None) -> gunicorn.Server:
        server = gunicorn.start(database_url, tmp_path, redis_url)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
