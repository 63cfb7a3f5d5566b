"""Fixtures: a real, migrated database per test, the app, a client, and signed-in users.

The schema comes from the migrations (not ``create_all``), so tests run against exactly what
production runs, triggers included. SQLite: migrated once into a template file that each test
copies. PostgreSQL (when ``DATABASE_URL`` names one): migrated once, emptied after each test.

The app fixture pushes no app context: each request must get a fresh one, as in production, or
``g`` (and Flask-Login's cached user) would leak from one request to the next. Tests that touch
the database directly open ``with app.app_context():``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import create_engine, text
from sqlalchemy.pool import StaticPool

from sv_grants import create_app
from sv_grants.auth.models import Role, User, UserRole
from sv_grants.auth.passwords import hash_password
from sv_grants.config import normalise_database_url
from sv_grants.dates import clock
from sv_grants.extensions import db

from .helpers import Outbox, Setting, open_round, submit_form

CONFIGURED_URL = os.environ.get("DATABASE_URL", "")
USES_POSTGRES = CONFIGURED_URL.startswith(("postgres://", "postgresql"))
PASSWORD = "correct horse battery staple"


def pytest_configure(config: pytest.Config) -> None:
    """CI's second pass sets SV_GRANTS_REQUIRE_SERVICES=1: the PostgreSQL and Redis tests skip where
    those servers are missing, so in that pass a missing server is an error, never a quiet skip."""
    if os.environ.get("SV_GRANTS_REQUIRE_SERVICES") == "1":
        missing = [name for name, there in (("PostgreSQL DATABASE_URL", USES_POSTGRES),
                                            ("REDIS_URL", bool(os.environ.get("REDIS_URL")))) if not there]
        if missing:
            raise pytest.UsageError("SV_GRANTS_REQUIRE_SERVICES=1 but missing: " + ", ".join(missing))


def app_config(database_url: str, tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    config = {
        "APP_ENV": "test",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "REQUIRE_TWO_FACTOR": True,
        # Throttling counts in the database even when CI exports REDIS_URL: Redis would keep counts
        # between tests and ignores the test clock. tests/test_production.py tests Redis itself.
        "REDIS_URL": None,
        # Cheaper hashing keeps the suite quick; a test checks the production setting separately.
        "PASSWORD_HASH_MEMORY_KIB": 1024,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


def _migrate(url: str, tmp_path: Path) -> None:
    app = create_app(app_config(url, tmp_path))
    with app.app_context():
        upgrade()
        db.engine.dispose()


_EMPTYING: dict[str, Any] = {}


def _empty_postgres(url: str) -> None:
    """Empty every table and restart every id, as a fresh database would have them.

    TRUNCATE of every table costs about a third of a second on each test, so the tables are emptied
    with DELETE (children first), which is quick on the few rows a test writes. The append-only
    audit log refuses DELETE by trigger, but TRUNCATE fires no row triggers, so it alone is truncated.
    All of it goes to the server as one script on a connection kept for the run: a statement and a
    new connection each cost more than the deleting."""
    if url not in _EMPTYING:
        statements = [f'{"TRUNCATE" if table.name == "audit_events" else "DELETE FROM"} "{table.name}"'
                      for table in reversed(db.metadata.sorted_tables)]
        statements.append("SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
                          "FROM pg_sequences WHERE schemaname = current_schema()")
        _EMPTYING[url] = (create_engine(normalise_database_url(url), poolclass=StaticPool), "; ".join(statements))
    engine, script = _EMPTYING[url]
    with engine.begin() as connection:
        # The driver's own execute, without parameters: psycopg then sends a script as it stands.
        connection.connection.driver_connection.execute(script)


def _stop_emptying(url: str) -> None:
    if url in _EMPTYING:
        _EMPTYING.pop(url)[0].dispose()


def _worker_database(url: str, worker: str) -> str:
    """A database of this xdist worker's own beside the configured one, created afresh.

    Tests empty the database after each test, so two workers sharing one would empty each other's."""
    server, name = url.rsplit("/", 1)
    own = f"{name}_{worker}"
    engine = create_engine(normalise_database_url(f"{server}/postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{own}"'))
    engine.dispose()
    return f"{server}/{own}"


def _drop_worker_database(url: str) -> None:
    server, name = url.rsplit("/", 1)
    engine = create_engine(normalise_database_url(f"{server}/postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database at the newest migration: the configured PostgreSQL one, or a SQLite template."""
    folder = tmp_path_factory.mktemp("database")
    if not USES_POSTGRES:
        template = folder / "template.db"
        _migrate(f"sqlite:///{template}", folder)
        yield str(template)
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = _worker_database(CONFIGURED_URL, worker) if worker else CONFIGURED_URL
    _migrate(url, folder)
    yield url
    _stop_emptying(url)
    if worker:
        _drop_worker_database(url)


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> Iterator[str]:
    if USES_POSTGRES:
        yield migrated_database
        _empty_postgres(migrated_database)
        return
    copy = tmp_path / "sv_grants.db"
    shutil.copyfile(migrated_database, copy)
    yield f"sqlite:///{copy}"


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()


class CompiledTemplates(BytecodeCache):
    """Templates compiled once for the whole run. Each test builds its own app, and each app's Jinja
    environment would otherwise parse and compile every template it renders again: about a third
    of a typical test's time. Keyed by Jinja on the template's source, so an edit still shows."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Any]:
    """Build apps on this test's database (several, to act as separate worker processes)."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app(app_config(database_url, tmp_path, **overrides))
        app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def setting(app: Flask) -> Setting:
    """The demo fund's shape: four priorities and a round open now (see ``helpers.open_round``)."""
    return open_round(app)


@pytest.fixture
def outbox(app: Flask) -> Outbox:
    return Outbox(Path(app.config["MAIL_OUTBOX_DIR"]))


@dataclass
class Person:
    id: int
    email: str
    password: str
    totp_secret: str | None


@pytest.fixture
def make_user(app: Flask) -> Any:
    counter = iter(range(1, 10_000))

    def make(*roles: Role, email: str | None = None, name: str = "Test Person",
             password: str = PASSWORD, two_factor: bool = True, active: bool = True) -> Person:
        roles = roles or (Role.APPLICANT,)
        email = email or f"{roles[0].value}{next(counter)}@example.org"
        secret = pyotp.random_base32() if two_factor and any(r != Role.APPLICANT for r in roles) else None
        with app.app_context():
            user = User(email=email, name=name, password_hash=hash_password(password), is_active=active,
                        totp_secret=secret, totp_enabled_at=clock.now() if secret else None)
            user.role_grants.extend(UserRole(role=role) for role in roles)
            db.session.add(user)
            db.session.commit()
            return Person(user.id, email, password, secret)

    return make


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def sign_in(client: FlaskClient, person: Person) -> Any:
    """Sign in through the real pages, with a two-factor code where the account has one."""
    response = submit_form(client, "/sign-in", {"email": person.email, "password": person.password})
    if response.status_code == 302 and response.headers["Location"].endswith("/sign-in/two-factor"):
        response = submit_form(client, "/sign-in/two-factor", {"code": current_code(person.totp_secret)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@pytest.fixture
def login_as(app: Flask, make_user: Any) -> Any:
    """A new client signed in as a new user holding ``roles``."""

    def login(*roles: Role, **kwargs: Any) -> FlaskClient:
        person = make_user(*roles, **kwargs)
        client = app.test_client()
        sign_in(client, person)
        client.person = person  # type: ignore[attr-defined]
        return client

    return login
