"""Database plumbing shared by every package: the UTC time column and SQLite's settings.

SQLite is the embedded default. It runs in WAL mode with foreign keys on, and a transaction
that may write starts with ``BEGIN IMMEDIATE`` so that two writers queue for the write lock at the
start instead of both reading, both deciding, and one failing (or losing an update) at the end.
Requests with a safe method (GET, HEAD, OPTIONS) only read, so they start a plain deferred
transaction and never wait for a writer. A connection opened with ``write_connection()`` always
takes the write lock at BEGIN, for the rare small write a reading request must make.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import DateTime, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite keeps no time zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def in_read_only_request() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS and not g.get("sv_writes_now")


def end_read_transaction() -> None:
    """Before a GET request writes (an audit line for a download), end the reading transaction it
    began with. On SQLite that transaction holds a snapshot, and once anyone else has committed since
    (the session's last-seen time, another user) the snapshot can never become a writer: the write
    would fail at once with "database is locked" instead of waiting its turn.

    The transaction after it takes the write lock at BEGIN, because reading first (reloading the
    signed-in user to name them in the audit line) would hold a snapshot again and fail the same way."""
    if in_read_only_request():
        db.session.commit()
        g.sv_writes_now = True


def refresh_statistics() -> None:
    """Re-read the tables' statistics that the query planner chooses indexes by.

    SQLite keeps none until told to: without them it picks an index on a status column over one on
    the fund, and a return for a fund of nine grants read every payment in the database (100 ms of
    SQL on national-scale data; 2 ms after ANALYZE). PostgreSQL's autovacuum does this by itself,
    but only some time after a bulk load, so the seeding commands call it on both."""
    db.session.execute(text("ANALYZE"))


def write_connection(engine: Engine) -> Connection:
    """A connection whose transaction is a writer's from its first statement, on every database."""
    return engine.connect().execution_options(sv_write=True)


def configure_sqlite(engine: Engine) -> None:
    """Install WAL, foreign keys and BEGIN IMMEDIATE on a SQLite engine (idempotent)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_sv_configured", False):
        return
    engine._sv_configured = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so we choose how each one begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get("sv_write") or not in_read_only_request()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
