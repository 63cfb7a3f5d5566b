"""The database holds the invariants: SQLite's settings, constraints and the append-only audit log."""

import threading
import time
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from sv_grants.audit.models import AuditEvent
from sv_grants.audit.services import record
from sv_grants.extensions import db
from sv_grants.funds.models import Fund


def make_fund(total_pence=50_000_000):
    fund = Fund(slug=f"fund-{time.monotonic_ns()}", name="Test fund", funder_name="PCC",
                financial_year="2024/25", total_pence=total_pence, committed_pence=0)
    db.session.add(fund)
    db.session.flush()
    fund_id = fund.id
    db.session.commit()  # and start no new transaction: outside a request it would hold the write lock
    return fund_id


@pytest.fixture
def sqlite_app(make_app, tmp_path):
    """An app on its own migrated SQLite file, whatever database the suite runs on."""
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'own.db'}")
    with app.app_context():
        upgrade()
    return app


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(sqlite_app):
    with sqlite_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_two_sqlite_writers_queue_instead_of_losing_an_update(sqlite_app):
    """Both read the ledger, then write read-value + 1. BEGIN IMMEDIATE makes the second wait for
    the first to commit before it reads, so both increments survive."""
    with sqlite_app.app_context():
        fund_id = make_fund()
    first_has_read = threading.Event()
    errors = []

    def add_one(wait_for=None, signal=None):
        try:
            with sqlite_app.app_context():
                if wait_for:
                    wait_for.wait(5)
                committed = db.session.scalar(select(Fund.committed_pence).where(Fund.id == fund_id))
                if signal:
                    signal.set()
                    time.sleep(0.3)  # hold the transaction open while the other writer starts
                db.session.execute(update(Fund).where(Fund.id == fund_id).values(committed_pence=committed + 1))
                db.session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    first = threading.Thread(target=add_one, kwargs={"signal": first_has_read})
    second = threading.Thread(target=add_one, kwargs={"wait_for": first_has_read})
    first.start()
    second.start()
    first.join()
    second.join()
    assert errors == []
    with sqlite_app.app_context():
        assert db.session.scalar(select(Fund.committed_pence).where(Fund.id == fund_id)) == 2


def test_pages_that_only_read_do_not_wait_for_a_writer(sqlite_app):
    with sqlite_app.app_context():
        make_fund()
        writer = db.engine.connect()
        writer.execute(text("UPDATE funds SET name = 'held'"))  # BEGIN IMMEDIATE: holds the write lock
        try:
            started = time.monotonic()
            response = sqlite_app.test_client().get("/readyz")
            assert response.status_code == 200
            assert time.monotonic() - started < 5  # the busy timeout is 10 seconds
        finally:
            writer.rollback()
            writer.close()


def test_the_fund_can_never_be_committed_beyond_its_total(app):
    with app.app_context():
        fund_id = make_fund(total_pence=100)
        with pytest.raises(IntegrityError):
            db.session.execute(update(Fund).where(Fund.id == fund_id).values(committed_pence=101))
            db.session.flush()
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(update(Fund).where(Fund.id == fund_id).values(committed_pence=-1))
            db.session.flush()


def test_audit_events_cannot_be_changed_or_deleted(app):
    with app.app_context():
        event = record("test.happened", details_ignored=True)
        db.session.commit()
        event_id = event.id
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(update(AuditEvent).where(AuditEvent.id == event_id).values(action="rewritten"))
        db.session.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()
        assert db.session.get(AuditEvent, event_id).action == "test.happened"


def test_times_come_back_from_the_database_as_aware_utc(app):
    with app.app_context():
        moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
        event = AuditEvent(action="test.timed", at=moment, details={})
        db.session.add(event)
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(AuditEvent, event.id).at
        assert stored == moment
        assert stored.tzinfo is not None


def test_a_form_sent_after_a_quiet_minute_is_saved_without_waiting(login_as):
    """The session's last-seen time is written inside the request's own transaction, so a POST
    (which holds SQLite's write lock from its first statement) does not wait on itself."""
    from sv_grants.auth.models import Role
    from sv_grants.dates import clock

    from .helpers import heading, submit_form

    client = login_as(Role.APPLICANT)
    clock.advance(minutes=2)
    started = time.monotonic()
    response = submit_form(client, "/organisations/new", {"name": "Quiet Minute Trust",
                                                          "legal_form": "registered_charity"})
    assert response.status_code == 302
    assert time.monotonic() - started < 5
    details = client.get(response.headers["Location"])
    assert heading(details) == "Your organisation's details"
    assert "Quiet Minute Trust" in details.get_data(as_text=True)


def test_the_daily_purge_refreshes_the_planners_statistics(app, setting):
    """Without statistics SQLite chose a status index over the fund's and read every payment in the
    database for one fund's return; the daily command keeps them current on either database."""
    def statistics() -> object:
        """SQLite: the rows it holds about the priorities table; PostgreSQL: when it last analysed it."""
        with app.app_context():
            if db.engine.dialect.name == "sqlite":
                if not db.session.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")):
                    return None
                return db.session.scalar(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'priorities'"))
            return db.session.scalar(text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'priorities'"))

    before = statistics()
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    after = statistics()
    assert after is not None and after != before
