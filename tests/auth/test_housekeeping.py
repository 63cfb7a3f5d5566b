"""Security records are deleted after the 90 days the privacy notice promises."""

from sqlalchemy import func, select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, SignInAttempt, UserSession
from sv_grants.dates import clock
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import submit_form


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_purge_deletes_sign_in_records_older_than_90_days_and_keeps_newer_ones(app, make_user):
    person = make_user(Role.APPLICANT)
    sign_in(app.test_client(), person)
    submit_form(app.test_client(), "/sign-in", {"email": person.email, "password": "wrong password!!"})
    clock.advance(days=60)
    sign_in(app.test_client(), person)  # this one is only 31 days old at the purge
    clock.advance(days=31)

    result = app.test_cli_runner().invoke(args=["purge-expired"])

    assert result.exit_code == 0, result.output
    assert "Deleted 2 sign-in attempts, 1 sessions" in result.output
    with app.app_context():
        assert count(SignInAttempt) == 1
        assert count(UserSession) == 1
        purge = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "security_records.purged"))
        assert purge.details["sign-in attempts"] == 2
