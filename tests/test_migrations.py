"""Migrations are the only way the schema changes: they build it, remove it, and match the models."""

import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from sv_grants.config import normalise_database_url
from sv_grants.extensions import db

from .conftest import CONFIGURED_URL, USES_POSTGRES

FOUNDATION_TABLES = {
    "users", "user_roles", "user_sessions", "sign_in_attempts", "account_tokens", "organisations",
    "organisation_members", "organisation_invitations", "funds", "priorities", "rounds", "criteria",
    "intervention_types", "areas", "audit_events",
}


@pytest.fixture
def empty_postgres_url():
    """A brand-new database on the configured PostgreSQL server, dropped afterwards."""
    server = make_url(normalise_database_url(CONFIGURED_URL))
    name = f"sv_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_databases():
    # Always SQLite; PostgreSQL too whenever the suite is given a server (CI's second run).
    return ["sqlite", "postgresql"] if USES_POSTGRES else ["sqlite"]


@pytest.mark.parametrize("backend", empty_databases())
def test_upgrade_builds_every_table_and_downgrade_removes_them(backend, make_app, tmp_path, request):
    url = request.getfixturevalue("empty_postgres_url") if backend == "postgresql" else (
        f"sqlite:///{tmp_path / 'empty.db'}")
    app = make_app(DATABASE_URL=url)
    with app.app_context():
        upgrade()
        assert set(inspect(db.engine).get_table_names()) >= FOUNDATION_TABLES
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_models_and_migrations_agree(app):
    """Autogenerate finds nothing to do: every model change came with its migration."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_app_never_creates_tables_itself():
    package = Path(__file__).parent.parent / "sv_grants"
    offenders = [path for path in package.rglob("*.py") if "create_all(" in path.read_text()]
    assert offenders == []
