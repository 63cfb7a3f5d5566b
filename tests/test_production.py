"""The production set-up: request ids, request logs, trusted hosts, health checks, Redis counters
and gunicorn itself."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from flask import Flask

from sv_grants.auth.models import Role
from sv_grants.auth.permissions import public
from sv_grants.config import ConfigError
from sv_grants.rate_limits import RedisCounter, shared_counter
from sv_grants.request_log import JsonFormatter

from .auth.test_sign_in import WRONG_PASSWORD, attempt, is_refused_as_throttled

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: no Redis to test against")
ROOT = Path(__file__).parent.parent


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "sv_grants.requests"]


# Request ids --------------------------------------------------------------------------------------

def test_a_request_id_from_the_proxy_is_returned_and_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="sv_grants"):
        response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a-0042"})
    assert response.headers["X-Request-ID"] == "lb-7f3a-0042"
    [line] = request_lines(caplog)
    assert line.request_id == "lb-7f3a-0042"


def test_each_request_without_an_id_gets_a_fresh_one(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.parametrize("offered", ["has spaces", "<script>", "semi;colon", "x" * 65, "ünïcode"])
def test_an_unsafe_request_id_is_replaced(client, offered):
    returned = client.get("/healthz", headers={"X-Request-ID": offered}).headers["X-Request-ID"]
    assert returned != offered
    assert len(returned) == 32 and returned.isalnum()


# Request logs -------------------------------------------------------------------------------------

def test_each_request_is_one_json_line_without_personal_data_or_query_string(client, make_user, caplog):
    person = make_user(email="private.person@example.org")
    with caplog.at_level(logging.INFO, logger="sv_grants"):
        client.post("/sign-in?next=%2Fsecret-token", data={"email": person.email, "password": person.password})
    [record] = request_lines(caplog)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["method"] == "POST"
    assert entry["path"] == "/sign-in"
    assert entry["status"] == 400  # no CSRF token
    assert entry["request_id"] and entry["duration_ms"] >= 0
    for secret in ("private.person", "example.org", "secret-token", person.password, "next="):
        assert secret not in line


def test_the_signed_in_users_id_is_logged_and_nothing_else_about_them(login_as, caplog):
    officer = login_as(Role.GRANTS_OFFICER)
    caplog.clear()  # signing in made lines of its own
    with caplog.at_level(logging.INFO, logger="sv_grants"):
        officer.get("/")
    [record] = request_lines(caplog)
    assert record.fields["user_id"] == officer.person.id
    assert set(record.fields) == {"method", "path", "status", "duration_ms", "user_id"}


def test_an_unexpected_error_logs_its_reference_with_the_request_id(make_app, caplog):
    app = make_app()
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @public
    def boom():
        raise RuntimeError("kaboom")

    app.add_url_rule("/boom", "boom", boom)
    with caplog.at_level(logging.ERROR, logger="sv_grants"):
        response = app.test_client().get("/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    [error] = [r for r in caplog.records if r.name == "sv_grants.errors" and r.levelno == logging.ERROR]
    assert "request req-42" in error.getMessage()


def test_logs_are_json_in_production_and_text_elsewhere(make_app):
    assert make_app(APP_ENV="production", SECRET_KEY="k" * 40).config["LOG_FORMAT"] == "json"
    assert make_app().config["LOG_FORMAT"] == "text"
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        make_app(LOG_FORMAT="xml")


# Trusted hosts and health -------------------------------------------------------------------------

def test_a_host_not_in_trusted_hosts_is_refused(make_app):
    client = make_app(TRUSTED_HOSTS="grants.example.org, grants.internal").test_client()
    assert client.get("/healthz", headers={"Host": "grants.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "grants.internal"}).status_code == 200
    refused = client.get("/healthz", headers={"Host": "evil.example.com"})
    assert refused.status_code == 400
    assert "evil.example.com" not in refused.text


def test_without_trusted_hosts_any_host_is_answered(client):
    assert client.get("/healthz", headers={"Host": "anything.example"}).status_code == 200


def test_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_not_ready_when_the_database_cannot_be_reached(make_app, tmp_path):
    # A SQLite file in a folder that does not exist cannot be opened.
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert app.test_client().get("/healthz").status_code == 200


# Rate-limit counters ------------------------------------------------------------------------------

def test_sign_in_throttling_falls_back_to_the_database_when_redis_is_down(make_app, make_user, caplog):
    # Nothing listens on port 1, so every Redis call fails at once.
    client = make_app(REDIS_URL="redis://127.0.0.1:1/0").test_client()
    person = make_user()
    for _ in range(10):
        assert attempt(client, person.email, WRONG_PASSWORD).status_code == 200
    assert is_refused_as_throttled(attempt(client, person.email, person.password))
    assert "Redis unreachable: sign-in throttling counted in the database" in caplog.messages


@pytest.fixture
def redis_app(make_app) -> Flask:
    # A prefix of its own keeps this test's counts apart from other runs sharing the server.
    return make_app(REDIS_URL=REDIS_URL, RATE_LIMIT_PREFIX=f"sv_grants_test:{uuid.uuid4().hex}:")


@needs_redis
def test_the_redis_counter_counts_within_its_window_and_forgets_after_it(redis_app):
    with redis_app.app_context():
        counter = shared_counter()
        assert isinstance(counter, RedisCounter)
        assert counter.count("k") == 0
        assert [counter.hit("k", 1) for _ in range(3)] == [1, 2, 3]
        assert counter.count("k") == 3
        assert counter.count("other") == 0
        assert counter.client.ttl(counter.prefix + "k") in (0, 1)  # -1 would mean it never expires
        time.sleep(1.2)
        assert counter.count("k") == 0


@needs_redis
def test_sign_in_throttling_uses_redis_and_keeps_no_email_in_it(redis_app, make_user):
    person = make_user(email="throttled.person@example.org")
    client = redis_app.test_client()
    for _ in range(10):
        assert attempt(client, person.email, WRONG_PASSWORD).status_code == 200
    assert is_refused_as_throttled(attempt(client, person.email, person.password))
    with redis_app.app_context():
        counter = shared_counter()
        keys = [k.decode() for k in counter.client.scan_iter(match=counter.prefix + "*")]
        counter.client.delete(*keys)
    assert len(keys) == 2
    assert not any("throttled" in k or "127.0.0.1" in k for k in keys)


# gunicorn -----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local http URL we built
        return response.status


def test_gunicorn_serves_health_checks_with_two_workers_in_production_mode(database_url, tmp_path):
    """Starts the real server (a few seconds): the config file, wsgi.py and production settings
    together."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_DEBUG")}
    env.update(APP_ENV="production", SECRET_KEY="s" * 40, DATABASE_URL=database_url,
               UPLOAD_DIR=str(tmp_path / "uploads"), MAIL_OUTBOX_DIR=str(tmp_path / "outbox"),
               BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2", TRUSTED_HOSTS="127.0.0.1")
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90  # a busy CI machine can take a while to boot two workers
        while True:
            try:
                assert get_status(f"http://127.0.0.1:{port}/healthz") == 200
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 90 seconds"
                time.sleep(0.2)
        assert get_status(f"http://127.0.0.1:{port}/readyz") == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    log = stderr.decode()
    assert "Booting worker" in log and log.count("Booting worker") == 2
    request_lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    # The first probe may be retried while workers boot, so /healthz can appear more than once.
    assert {(entry["path"], entry["status"]) for entry in request_lines} == {("/healthz", 200), ("/readyz", 200)}
    assert all(entry["request_id"] for entry in request_lines)


def test_the_production_entry_point_hides_its_start_up_heap_from_the_garbage_collector(database_url, tmp_path):
    """Full collections walking the app's start-up objects made one view in ten twice as slow, so
    wsgi.py freezes them once the app is built (see sv_grants/runtime.py)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_DEBUG")}
    env.update(APP_ENV="production", SECRET_KEY="s" * 40, DATABASE_URL=database_url,
               UPLOAD_DIR=str(tmp_path / "uploads"), MAIL_OUTBOX_DIR=str(tmp_path / "outbox"))
    frozen = subprocess.run(
        [sys.executable, "-c", "import gc, wsgi; print(gc.get_freeze_count())"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert int(frozen.stdout.strip()) > 10_000  # the app, its routes and SQLAlchemy's mappers
