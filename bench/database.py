"""Fresh databases for a run: migrated with the app's own migrations (never create_all), seeded
with the demo and, at national scale, the national data set; then the pages' subjects picked out."""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from sv_grants import create_app
from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment.models import Assignment
from sv_grants.auth.models import User, UserSession
from sv_grants.auth.tokens import new_token, token_hash
from sv_grants.config import normalise_database_url
from sv_grants.database import refresh_statistics
from sv_grants.demo import seed_demo
from sv_grants.extensions import db
from sv_grants.funds.models import Fund, Round
from sv_grants.grants.models import Grant
from sv_grants.organisations.models import Membership

SECRET_KEY = secrets.token_hex(32)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def app_config(url: str, workdir: Path) -> dict[str, Any]:
    """Production settings (no debug, no template reloading), with plain-HTTP cookies for the test client."""
    return {"APP_ENV": "production", "SECRET_KEY": SECRET_KEY, "DATABASE_URL": url, "REQUIRE_TWO_FACTOR": True,
            "SESSION_COOKIE_SECURE": False, "LOG_LEVEL": "WARNING", "LOG_FORMAT": "text", "REDIS_URL": None,
            "MAIL_OUTBOX_DIR": str(workdir / "outbox"), "UPLOAD_DIR": str(workdir / "uploads"),
            "PASSWORD_HASH_MEMORY_KIB": 1024, "SESSION_IDLE_MINUTES": 120}


def server_env(url: str, workdir: Path) -> dict[str, str]:
    """The same settings as environment variables, for gunicorn."""
    env = dict(os.environ)
    for name, value in app_config(url, workdir).items():
        if name != "SESSION_COOKIE_SECURE":
            env[name] = "" if value is None else str(value)
    return env


@dataclass
class Subjects:
    """Who signs in and what they open: the biggest round, reviewer's queue and fund in the data."""

    scale: str
    users: dict[str, int] = field(default_factory=dict)
    round_id: int = 0
    round_size: int = 0
    application_id: int = 0
    fund_slug: str = ""
    fund_grants: int = 0
    # The returns' HTML pages are timed on the busiest ordinary fund; the 5,000-grant fund is the
    # PDF's test, where a page of thousands of rows is a download rather than a page to read.
    page_fund_slug: str = ""
    page_fund_grants: int = 0
    counts: dict[str, int] = field(default_factory=dict)


class Backend:
    """One database: a file under a temp dir for SQLite, or a database of our own on PostgreSQL."""

    def __init__(self, kind: str, workdir: Path, admin_url: str | None = None) -> None:
        self.kind, self.workdir, self.admin_url = kind, workdir, admin_url
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        if kind == "sqlite":
            self.url = f"sqlite:///{workdir / (self.name + '.db')}"
        else:
            self.url = make_url(normalise_database_url(admin_url or DEFAULT_POSTGRES)).set(
                database=self.name).render_as_string(hide_password=False)

    def create(self) -> None:
        if self.kind == "postgresql":
            self._on_server(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.kind == "sqlite":
            Path(make_url(self.url).database or "").unlink(missing_ok=True)
        else:
            self._on_server(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def _on_server(self, statement: str) -> None:
        """CREATE and DROP DATABASE run outside a transaction, on the server's maintenance database."""
        engine = create_engine(normalise_database_url(self.admin_url or DEFAULT_POSTGRES), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def app(self) -> Flask:
        return create_app(app_config(self.url, self.workdir))


def postgres_admin_url() -> tuple[str | None, str]:
    """The server to use and, when there is none, why not."""
    for name in ("BENCH_DATABASE_URL", "DATABASE_URL"):
        value = os.environ.get(name, "")
        if value.startswith(("postgres://", "postgresql")):
            candidate, source = value, name
            break
    else:
        candidate, source = DEFAULT_POSTGRES, "the default address"
    try:
        engine = create_engine(normalise_database_url(candidate), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
        engine.dispose()
    except Exception as problem:  # noqa: BLE001 - any failure means "not measured", said with its reason
        return None, f"no PostgreSQL server answered at {source} ({type(problem).__name__}: {str(problem)[:120]})"
    return candidate, str(version)


def national_module() -> Any:
    try:
        from sv_grants import demo_national
    except ImportError:
        return None
    return demo_national


def build(backend: Backend, scale: str, national_scale: float) -> tuple[Flask, Subjects]:
    backend.create()
    app = backend.app()
    # Alembic's logging set-up prints a line per migration, which would bury the table.
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()) as migration_log:
        try:
            upgrade()
        except Exception:
            print(migration_log.getvalue(), file=sys.stderr)
            raise
    with app.test_request_context("/"):  # as `flask seed-demo`: the demo's e-mails render in a request
        seed_demo()
        db.session.commit()
        counts: dict[str, int] = {}
        if scale == "national":
            counts = dict(national_module().seed_national(national_scale) or {})
            db.session.commit()
        refresh_statistics()  # as `flask seed-demo` does after loading
        db.session.commit()
        subjects = _pick(scale, counts)
    return app, subjects


def _pick(scale: str, counts: dict[str, int]) -> Subjects:
    subjects = Subjects(scale=scale, counts=counts)
    email = {"applicant": "applicant@example.org", "officer": "officer@example.org", "pcc": "pcc@example.org"}
    for role, address in email.items():
        subjects.users[role] = db.session.scalar(select(User.id).where(User.email == address))
    subjects.users["applicant"] = db.session.scalar(
        select(Membership.user_id).join(Application, Application.organisation_id == Membership.organisation_id)
        .group_by(Membership.user_id).order_by(func.count().desc(), Membership.user_id).limit(1))
    visible = Application.status != ApplicationStatus.DRAFT
    by_round = select(Application.round_id, func.count()).where(visible).group_by(Application.round_id)
    national = national_module() if scale == "national" else None
    if national is not None:  # the round and fund the national data set builds for exactly this
        by_round = by_round.join(Round).join(Fund).where(Fund.slug == national.NATIONAL_BIG_ROUND_FUND)
    subjects.round_id, subjects.round_size = db.session.execute(
        by_round.order_by(func.count().desc(), Application.round_id).limit(1)).one()
    subjects.application_id = db.session.scalar(
        select(Application.id).where(Application.round_id == subjects.round_id, visible)
        .order_by(Application.id).limit(1))
    subjects.users["reviewer"] = db.session.scalar(
        select(Assignment.reviewer_id).group_by(Assignment.reviewer_id)
        .order_by(func.count().desc(), Assignment.reviewer_id).limit(1))
    by_fund = select(Grant.fund_id, func.count()).join(Fund).group_by(Grant.fund_id).order_by(func.count().desc())
    big = by_fund.where(Fund.slug == national.NATIONAL_BIG_GRANTS_FUND) if national is not None else by_fund
    fund_id, subjects.fund_grants = db.session.execute(big.limit(1)).one()
    subjects.fund_slug = db.session.get(Fund, fund_id).slug
    ordinary = by_fund.where(Fund.id != fund_id) if national is not None else by_fund
    page_fund_id, subjects.page_fund_grants = db.session.execute(ordinary.limit(1)).one()
    subjects.page_fund_slug = db.session.get(Fund, page_fund_id).slug
    return subjects


def round_fund_id(round_id: int) -> int:
    return db.session.get(Round, round_id).fund_id


def session_cookie(app: Flask, user_id: int) -> str:
    """A signed-in session, as sign-in would make it: a live ``user_sessions`` row and the signed cookie."""
    token = new_token()
    with app.app_context():
        db.session.add(UserSession(token_hash=token_hash(token), user_id=user_id))
        db.session.commit()
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return serializer.dumps({"sid": token, "_user_id": str(user_id), "_fresh": True})


def cookie_name(app: Flask) -> str:
    return app.config["SESSION_COOKIE_NAME"]


def temp_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sv-grants-bench-"))
