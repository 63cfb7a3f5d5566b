"""Who may see and change a grant: another organisation's applicant is told nothing exists (404),
applicants never reach the grants officer's pages (403), unknown ids are 404, and every change
made through the pages leaves an audit event naming who did it and to what."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, GrantStatus, Variation
from sv_grants.organisations.models import BankAccount

from ..assessment.factories import being_assessed
from ..conftest import sign_in
from ..helpers import csrf_token, page, set_up_organisation, submit_form
from .factories import Funded, approved_application, funded

CONFIRMATIONS = ["authorised", "terms", "reporting"]


def signed_in(app: Flask, person: Any) -> FlaskClient:
    client = app.test_client()
    sign_in(client, person)
    return client


@pytest.fixture
def offered(app: Flask, setting: Any, make_user: Any) -> Funded:
    """A £20,000 offer to Eastside Youth Trust, not yet accepted, with verified bank details."""
    return funded(app, setting, make_user, accepted=False)


@pytest.fixture
def outsider(app: Flask, make_user: Any) -> FlaskClient:
    """An applicant signed in, a member of a different organisation (Westside Boxing Club)."""
    person = make_user(Role.APPLICANT, name="Wes Westside")
    set_up_organisation(app, person.id, "Westside Boxing Club")
    return signed_in(app, person)


def grant_status(app: Flask, grant_id: int) -> str:
    with app.app_context():
        return db.session.get(Grant, grant_id).status


# --- another organisation's applicant --------------------------------------------------------------


def test_another_organisations_applicant_cannot_see_the_grant(app: Flask, offered: Funded,
                                                              outsider: FlaskClient) -> None:
    grant_id = offered.grant_id
    for url in (f"/your-grants/{grant_id}", f"/your-grants/{grant_id}/accept", f"/your-grants/{grant_id}/accepted",
                f"/your-grants/{grant_id}/agreement.pdf", f"/your-grants/{grant_id}/variations/new",
                f"/organisations/{offered.organisation_id}/bank-details"):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert "Eastside Youth Trust" not in response.get_data(as_text=True), url
        assert "GR-SVF-2425-0001" not in response.get_data(as_text=True), url
    # the same pages do open for the organisation's own applicant
    own = signed_in(app, offered.applicant)
    assert own.get(f"/your-grants/{grant_id}/accept").status_code == 200
    assert own.get(f"/organisations/{offered.organisation_id}/bank-details").status_code == 200


def test_another_organisations_applicant_cannot_accept_vary_or_change_bank_details(
        app: Flask, offered: Funded, outsider: FlaskClient) -> None:
    token = csrf_token(outsider.get("/organisation"))
    grant_id = offered.grant_id

    accepted = outsider.post(f"/your-grants/{grant_id}/accept", data={
        "name": "Wes Westside", "role": "Chair", "confirmations": CONFIRMATIONS, "csrf_token": token})
    varied = outsider.post(f"/your-grants/{grant_id}/variations/new", data={
        "kind": "amount", "amount": "40000", "reason": "More", "csrf_token": token})
    banked = outsider.post(f"/organisations/{offered.organisation_id}/bank-details", data={
        "account_name": "Westside", "sort_code": "112233", "account_number": "87654321", "csrf_token": token})

    assert (accepted.status_code, varied.status_code, banked.status_code) == (404, 404, 404)
    assert grant_status(app, grant_id) == GrantStatus.OFFERED
    with app.app_context():
        assert db.session.scalars(select(Variation)).all() == []
        assert [a.account_number for a in db.session.scalars(select(BankAccount))] == ["00733445"]


# --- applicants and the officer's pages ------------------------------------------------------------


def officer_pages(grant: Funded, variation_id: int) -> list[str]:
    g = grant.grant_id
    return ["/grants", "/officer", f"/grants/{g}", f"/grants/{g}/agreement.pdf", f"/grants/{g}/schedule",
            f"/applications/{grant.application_id}/offer", f"/grants/{g}/withdraw", f"/grants/{g}/suspend",
            f"/grants/{g}/resume", f"/grants/{g}/close", f"/grants/{g}/variations/new",
            f"/grants/{g}/variations/{variation_id}"]


def a_variation(app: Flask, grant: Funded) -> int:
    client = signed_in(app, grant.applicant)
    submit_form(client, f"/your-grants/{grant.grant_id}/variations/new",
                {"kind": "outputs", "targets-0": "50", "reason": "More referrals"})
    with app.app_context():
        return db.session.scalar(select(Variation.id))


def test_applicants_are_forbidden_the_grants_officers_pages_even_for_their_own_grant(
        app: Flask, setting: Any, make_user: Any) -> None:
    grant = funded(app, setting, make_user)
    variation_id = a_variation(app, grant)
    own = signed_in(app, grant.applicant)

    for url in officer_pages(grant, variation_id):
        assert own.get(url).status_code == 403, url

    token = csrf_token(own.get(f"/your-grants/{grant.grant_id}"))
    g = grant.grant_id
    for url, data in [(f"/grants/{g}/withdraw", {"reason": "Mine"}), (f"/grants/{g}/suspend", {"reason": "Mine"}),
                      (f"/grants/{g}/close", {"clawback": ""}),
                      (f"/grants/{g}/variations/{variation_id}", {"decision": "approve", "decision_reason": "Me"})]:
        assert own.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    assert grant_status(app, g) == GrantStatus.ACCEPTED
    with app.app_context():
        assert db.session.get(Variation, variation_id).status == "requested"


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.REVIEWER])
def test_other_staff_are_forbidden_the_grants_officers_pages(app: Flask, setting: Any, make_user: Any,
                                                             login_as: Any, role: Role) -> None:
    grant = funded(app, setting, make_user)
    variation_id = a_variation(app, grant)
    client = login_as(role)

    for url in officer_pages(grant, variation_id):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/your-grants/{grant.grant_id}").status_code == 403


# --- ids that do not exist -------------------------------------------------------------------------


def test_ids_that_do_not_exist_are_not_found(app: Flask, setting: Any, make_user: Any) -> None:
    grant = funded(app, setting, make_user)
    variation_id = a_variation(app, grant)
    officer = signed_in(app, grant.officer)
    applicant = signed_in(app, grant.applicant)
    missing = 999_999

    for url in (f"/grants/{missing}", f"/grants/{missing}/schedule", f"/grants/{missing}/withdraw",
                f"/grants/{missing}/suspend", f"/grants/{missing}/close", f"/grants/{missing}/agreement.pdf",
                f"/applications/{missing}/offer", f"/grants/{grant.grant_id}/variations/{missing}",
                f"/grants/{missing}/variations/{variation_id}"):
        assert officer.get(url).status_code == 404, url
    for url in (f"/your-grants/{missing}", f"/your-grants/{missing}/accept", f"/your-grants/{missing}/agreement.pdf",
                f"/your-grants/{missing}/variations/new", f"/organisations/{missing}/bank-details"):
        assert applicant.get(url).status_code == 404, url


def test_an_application_that_is_not_approved_cannot_be_offered(app: Flask, setting: Any, make_user: Any) -> None:
    applicant = make_user(Role.APPLICANT)
    officer = make_user(Role.GRANTS_OFFICER)
    application_id = being_assessed(app, setting, applicant.id)

    response = signed_in(app, officer).get(f"/applications/{application_id}/offer")

    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Grant)).all() == []


# --- the audit trail -------------------------------------------------------------------------------


class Trail:
    """The grant, payment and bank-details audit events recorded since the last look (other
    packages, such as monitoring, may add their own events to the same request)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.seen = self._last()

    def _last(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(db.func.max(AuditEvent.id))) or 0

    def new(self) -> list[tuple[str, int | None, str | None, str | None]]:
        with self.app.app_context():
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > self.seen)
                                        .order_by(AuditEvent.id)).all()
            self.seen = events[-1].id if events else self.seen
            return [(e.action, e.actor_id, e.subject_type, e.subject_id) for e in events
                    if e.action.startswith(("grant.", "payment.", "bank_details."))]


def test_every_change_made_through_the_pages_is_audited(app: Flask, setting: Any, make_user: Any) -> None:
    applicant = make_user(Role.APPLICANT, name="Ada Applicant")
    officer = make_user(Role.GRANTS_OFFICER, name="Olu Officer")
    reviewer = make_user(Role.REVIEWER, name="Rae Reviewer")
    finance = make_user(Role.FINANCE_OFFICER, name="Fin One")
    finance2 = make_user(Role.FINANCE_OFFICER, name="Fin Two")
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id)
    as_officer, as_applicant = signed_in(app, officer), signed_in(app, applicant)
    as_finance, as_finance2 = signed_in(app, finance), signed_in(app, finance2)
    trail = Trail(app)

    submit_form(as_officer, f"/applications/{application_id}/offer",
                {"start_date": ["1", "4", "2025"], "end_date": ["31", "3", "2026"]})
    with app.app_context():
        grant = db.session.scalar(select(Grant))
        grant_id, organisation_id = grant.id, grant.organisation_id
        instalment_id = grant.instalments[0].id
    on_grant, on_organisation = ("grants", str(grant_id)), ("organisations", str(organisation_id))
    assert trail.new() == [("grant.offered", officer.id, *on_grant)]

    submit_form(as_applicant, f"/your-grants/{grant_id}/accept",
                {"name": "Pat Chair", "role": "Chair", "confirmations": CONFIRMATIONS})
    assert trail.new() == [("grant.accepted", applicant.id, *on_grant)]

    submit_form(as_applicant, f"/organisations/{organisation_id}/bank-details",
                {"account_name": "Eastside Youth Trust", "sort_code": "309430", "account_number": "00733445"})
    assert trail.new() == [("bank_details.changed", applicant.id, *on_organisation),
                           ("payment.held", applicant.id, *on_organisation)]

    with app.app_context():
        account_id = db.session.scalar(select(BankAccount.id))
    submit_form(as_finance, f"/bank-details/{account_id}/verify", {"method": "Phoned", "confirm": ["confirmed"]})
    assert trail.new() == [("bank_details.verified", finance.id, *on_organisation),
                           ("payment.released", finance.id, *on_organisation)]

    submit_form(as_finance, "/payments", {}, action=f"/payments/{instalment_id}/approve")
    assert trail.new() == [("payment.approved", finance.id, *on_grant)]

    submit_form(as_finance2, f"/payments/{instalment_id}/paid", {"paid_on": ["2", "4", "2025"], "remittance": "B1"})
    assert trail.new() == [("payment.paid", finance2.id, *on_grant)]

    submit_form(as_applicant, f"/your-grants/{grant_id}/variations/new",
                {"kind": "outputs", "targets-0": "50", "reason": "More referrals"})
    assert trail.new() == [("grant.variation_requested", applicant.id, *on_grant)]

    with app.app_context():
        variation_id = db.session.scalar(select(Variation.id))
    submit_form(as_officer, f"/grants/{grant_id}/variations/{variation_id}",
                {"decision": "approve", "decision_reason": "Referrals have doubled"})
    assert trail.new() == [("grant.variation_approved", officer.id, *on_grant)]

    submit_form(as_officer, f"/grants/{grant_id}/suspend", {"reason": "Safeguarding concern"})
    assert trail.new() == [("grant.suspended", officer.id, *on_grant)]

    submit_form(as_officer, f"/grants/{grant_id}/resume", {"reason": "Concern resolved"})
    assert trail.new() == [("grant.resumed", officer.id, *on_grant)]

    submit_form(as_officer, f"/grants/{grant_id}/withdraw", {"reason": "Organisation has closed"})
    assert trail.new() == [("grant.withdrawn", officer.id, *on_grant)]
    assert grant_status(app, grant_id) == GrantStatus.WITHDRAWN


def test_a_refused_change_leaves_no_audit_event(app: Flask, setting: Any, make_user: Any) -> None:
    grant = funded(app, setting, make_user)
    officer = signed_in(app, grant.officer)
    trail = Trail(app)

    submit_form(officer, f"/grants/{grant.grant_id}/withdraw", {"reason": ""})
    submit_form(officer, f"/grants/{grant.grant_id}/close", {"clawback": ""})

    assert trail.new() == []
    assert "Withdraw the grant" in page(officer.get(f"/grants/{grant.grant_id}")).get_text()


def test_an_officer_who_declared_an_interest_in_the_organisation_cannot_open_its_grant(
        app: Flask, offered: Funded, make_user: Any, setting: Any) -> None:
    from ..assessment.factories import assign, declare

    conflicted = make_user(Role.GRANTS_OFFICER, Role.REVIEWER, name="Cal Conflicted")
    other = being_assessed(app, setting, offered.applicant.id, organisation_id=offered.organisation_id,
                           reference="SVF-2425-0002")
    declare(app, assign(app, other, conflicted.id, offered.officer.id), interest=True, details="I am a trustee")
    client = signed_in(app, conflicted)
    with app.app_context():
        variation = Variation(grant_id=offered.grant_id, kind="end_date", before={}, after={}, reason="Later",
                              requested_by_id=offered.applicant.id)
        db.session.add(variation)
        db.session.commit()
        variation_id = variation.id
    for url in (f"/grants/{offered.grant_id}", f"/grants/{offered.grant_id}/agreement.pdf",
                f"/grants/{offered.grant_id}/schedule", f"/grants/{offered.grant_id}/withdraw",
                f"/grants/{offered.grant_id}/variations/{variation_id}",
                f"/applications/{offered.application_id}/offer"):
        assert client.get(url).status_code == 404, url
    # A colleague with no interest still can.
    assert signed_in(app, offered.officer).get(f"/grants/{offered.grant_id}").status_code == 200
