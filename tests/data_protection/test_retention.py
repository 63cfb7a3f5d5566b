"""``purge-expired`` applies the retention policy: dry run, purge, idempotence, with time travel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from sv_grants.applications.models import Application, ApplicationDocument, ApplicationStatus, BudgetLine
from sv_grants.assessment.models import Clarification, Decision
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.config import ConfigError
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants.models import Grant, Instalment
from sv_grants.organisations.models import BankAccount, Document, Organisation

from ..assessment.factories import being_assessed
from ..grants.factories import funded
from ..helpers import page
from .factories import PERSONAL, close_grant, stored_files, unsuccessful


@dataclass
class World:
    grant_id: int
    funded_application_id: int
    organisation_id: int
    refused_id: int  # rejected now: expires after 2 years
    withdrawn_id: int  # withdrawn a year later: expires a year after that


@pytest.fixture
def world(app, setting, make_user) -> World:
    grant = funded(app, setting, make_user)
    close_grant(app, grant.grant_id, grant.officer.id)
    applicant = make_user(Role.APPLICANT, name="Bo Boxer")
    refused = unsuccessful(app, setting, applicant.id, grant.officer.id, reference="SVF-2425-0002",
                           organisation="Westside Boxing Club")
    clock.advance(days=365)
    other = make_user(Role.APPLICANT, name="Cy Cook")
    withdrawn = unsuccessful(app, setting, other.id, grant.officer.id, reference="SVF-2425-0003",
                             organisation="Northside Kitchen", status=ApplicationStatus.WITHDRAWN)
    return World(grant.grant_id, grant.application_id, grant.organisation_id, refused, withdrawn)


def purge(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["purge-expired", *args])
    assert result.exit_code == 0, result.output
    return result.output


def money(app) -> dict[str, Any]:
    """Every amount the service holds: none of them may change under the retention policy."""
    with app.app_context():
        return {
            "grants": [(g.reference, g.awarded_pence, g.paid_pence, g.underspend_pence, g.status)
                       for g in db.session.scalars(select(Grant).order_by(Grant.id))],
            "instalments": [(i.amount_pence, i.status)
                            for i in db.session.scalars(select(Instalment).order_by(Instalment.id))],
            "decisions": [(d.outcome, d.awarded_pence)
                          for d in db.session.scalars(select(Decision).order_by(Decision.id))],
            "requested": [(a.reference, a.title, a.requested_pence, a.status)
                          for a in db.session.scalars(select(Application).order_by(Application.id))],
            "budget": [b.amount_pence for b in db.session.scalars(select(BudgetLine).order_by(BudgetLine.id))],
            "funds": [f.committed_pence for f in db.session.scalars(select(Fund))],
            "organisations": [o.name for o in db.session.scalars(select(Organisation).order_by(Organisation.id))],
        }


def personal(app, application_id: int) -> dict[str, Any]:
    with app.app_context():
        application = db.session.get(Application, application_id)
        return {
            **{name: getattr(application, name) for name in PERSONAL},
            "answers": [c.answer for c in db.session.scalars(
                select(Clarification).where(Clarification.application_id == application_id))],
            "documents": db.session.scalar(select(func.count()).select_from(Document)
                                           .where(Document.application_id == application_id)),
        }


def test_dry_run_lists_what_has_expired_by_reference_and_changes_nothing(app, world):
    clock.advance(days=365 + 3)  # past two years whichever leap days fall between
    before, files = money(app), stored_files(app)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    output = purge(app, "--dry-run")

    assert "Dry run: nothing has been changed." in output
    assert "Would anonymise 1 unsuccessful application: SVF-2425-0002." in output
    assert "Would anonymise 0 grant records." in output
    assert "Would delete 1 uploaded document." in output
    assert "Bo Boxer" not in output and "Jo Bloggs" not in output and "Dee Clarant" not in output
    assert personal(app, world.refused_id)["declaration_name"] == "Dee Clarant"
    assert personal(app, world.refused_id)["documents"] == 1
    assert money(app) == before and stored_files(app) == files
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_nothing_has_expired_a_day_before_the_period_ends(app, world):
    clock.advance(days=365 - 1)  # the refused application is one day short of two years old

    output = purge(app)

    assert "Anonymised 0 unsuccessful applications." in output
    assert personal(app, world.refused_id)["summary"] == PERSONAL["summary"]


def test_purge_anonymises_exactly_the_expired_application_keeps_newer_ones_and_all_money(app, world):
    clock.advance(days=365 + 3)  # past two years whichever leap days fall between
    before, files = money(app), stored_files(app)

    output = purge(app)

    assert "Anonymised 1 unsuccessful application: SVF-2425-0002." in output
    assert personal(app, world.refused_id) == {**{name: None for name in PERSONAL},
                                               "answers": ["Removed under the retention policy"], "documents": 0}
    assert len(stored_files(app)) == len(files) - 1  # the file itself is gone, not just its row
    assert personal(app, world.withdrawn_id)["declaration_name"] == "Dee Clarant"  # a year younger: kept
    assert personal(app, world.withdrawn_id)["documents"] == 1
    assert money(app) == before
    with app.app_context():
        assert db.session.get(Grant, world.grant_id).acceptance_name == "Pat Chair"  # 7 years, not 2
        assert db.session.scalar(select(func.count()).select_from(ApplicationDocument)
                                 .where(ApplicationDocument.application_id == world.refused_id)) == 0
        actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[-2:] == ["application.anonymised", "retention.applied"]
        summary = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention.applied"))
        assert summary.details["applications"] == ["SVF-2425-0002"] and summary.actor_id is None


def test_purging_twice_changes_nothing_the_second_time(app, world):
    clock.advance(days=365 + 3)  # past two years whichever leap days fall between
    purge(app)
    after_first = money(app), personal(app, world.refused_id), personal(app, world.withdrawn_id)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))

    output = purge(app)

    assert "Anonymised 0 unsuccessful applications." in output
    assert (money(app), personal(app, world.refused_id), personal(app, world.withdrawn_id)) == after_first
    with app.app_context():  # only the security purge's own event: no second retention event
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events + 1


def test_grant_records_lose_their_people_seven_years_after_closure_and_keep_every_amount(app, world):
    clock.advance(days=7 * 365 + 1)  # from the closure, a year before "now" in the fixture
    before = money(app)

    output = purge(app)

    assert "Anonymised 1 grant record: GR-SVF-2425-0001." in output
    assert "Anonymised 1 application of those grants: SVF-2425-0001." in output
    assert "Anonymised 2 unsuccessful applications: SVF-2425-0002, SVF-2425-0003." in output
    assert "Masked 1 set of bank details." in output
    assert money(app) == before
    with app.app_context():
        grant = db.session.get(Grant, world.grant_id)
        assert (grant.acceptance_name, grant.acceptance_role) == (None, None)
        assert grant.awarded_pence == 20_000_00 and grant.organisation.name == "Eastside Youth Trust"
        assert db.session.get(Application, world.funded_application_id).summary is None
        account = db.session.scalar(select(BankAccount).where(BankAccount.organisation_id == world.organisation_id))
        assert (account.account_name, account.sort_code, account.account_number) == ("Removed", "000000", "00000000")
    assert "Anonymised 0 grant records." in purge(app)


def test_the_periods_are_settings_and_the_privacy_notice_quotes_them(make_app, setting, make_user):
    app = make_app(RETENTION_UNSUCCESSFUL_YEARS=1, RETENTION_CLOSED_GRANT_YEARS=10)  # on the same database
    applicant_id, officer_id = make_user(Role.APPLICANT).id, make_user(Role.GRANTS_OFFICER).id
    unsuccessful(app, setting, applicant_id, officer_id, reference="SVF-2425-0009", organisation="Tiny Trust")
    clock.advance(days=365 + 3)  # past two years whichever leap days fall between

    assert "Would anonymise 1 unsuccessful application: SVF-2425-0009." in purge(app, "--dry-run")
    text = page(app.test_client().get("/privacy")).get_text(" ", strip=True)
    assert "1 year after we tell you the outcome" in text
    assert "10 years after the grant closes" in text
    assert "90 days" in text


@pytest.mark.parametrize("value", [0, -1, "2"])
def test_a_retention_period_must_be_a_whole_number_of_years(make_app, value):
    with pytest.raises(ConfigError, match="RETENTION_UNSUCCESSFUL_YEARS"):
        make_app(RETENTION_UNSUCCESSFUL_YEARS=value)


def test_a_draft_never_sent_expires_two_years_after_its_round_closed(app, setting, make_user):
    applicant = make_user(Role.APPLICANT)
    draft_id = being_assessed(app, setting, applicant.id, reference=None, status=ApplicationStatus.DRAFT)
    with app.app_context():
        db.session.get(Application, draft_id).summary = PERSONAL["summary"]
        db.session.commit()
    clock.advance(days=2 * 365 + 1)  # two years from now, but the round closes six weeks from now

    assert "Would anonymise 0 unsuccessful applications." in purge(app, "--dry-run")
    clock.advance(days=45)  # past the round closing two years ago, whichever leap days fall between
    assert f"Anonymised 1 unsuccessful application: draft {draft_id}." in purge(app)
    assert personal(app, draft_id)["summary"] is None
