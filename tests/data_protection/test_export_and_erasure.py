"""A person's data export and the erasure of an applicant's account: admin only, audited, and
the organisation's financial record survives."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from sv_grants.applications.models import Application
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, SignInAttempt, User, UserSession
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, Instalment
from sv_grants.organisations.models import Membership, Organisation

from ..conftest import sign_in
from ..grants.factories import funded
from ..helpers import csrf_token, page, submit_form
from .factories import unsuccessful


@pytest.fixture
def grant(app, setting, make_user):
    """Ada Applicant's organisation holds an accepted grant she accepted as "Pat Chair"; Bo Boxer
    of another organisation had an application refused."""
    world = funded(app, setting, make_user)
    bo = make_user(Role.APPLICANT, name="Bo Boxer", email="bo@example.org")
    unsuccessful(app, setting, bo.id, world.officer.id, reference="SVF-2425-0002", organisation="Westside Boxing Club")
    return world


def events(app, action):
    with app.app_context():
        return [(e.actor_id, e.subject_type, e.subject_id, e.details)
                for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == action))]


def test_export_holds_the_persons_own_data_and_nothing_about_anyone_else(app, login_as, grant):
    sign_in(app.test_client(), grant.applicant)
    clock.advance(days=30)
    admin = login_as(Role.ADMIN)

    response = admin.get(f"/admin/users/{grant.applicant.id}/data.json")

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["name"] == "Ada Applicant" and data["profile"]["email"] == grant.applicant.email
    assert [m["organisation"] for m in data["memberships"]] == ["Eastside Youth Trust"]
    assert [a["reference"] for a in data["applications"]] == ["SVF-2425-0001"]
    assert data["grant_acceptances"][0]["name_given"] == "Pat Chair"
    assert len(data["sessions"]) == 1 and data["sign_in_attempts"][0]["succeeded"] is True
    assert {"organisation.created", "grant.accepted"} <= {e["action"] for e in data["audit_events"]}
    assert {d["kind"] for d in data["documents_uploaded"]} == {"constitution", "accounts", "safeguarding_policy"}
    text = response.get_data(as_text=True)
    for someone_else in ("Bo Boxer", "bo@example.org", "Olu Officer", grant.officer.email, "Fin One", "Jo Bloggs",
                         "Westside Boxing Club", "password_hash", "totp_secret", "token_hash"):
        assert someone_else not in text
    assert events(app, "user.data_exported") == [(admin.person.id, "users", str(grant.applicant.id), {})]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.GRANTS_OFFICER, Role.FINANCE_OFFICER])
def test_only_administrators_may_export_or_erase(login_as, grant, role):
    someone = login_as(role)
    token = csrf_token(someone.get("/privacy"))  # the sign-out form in the header carries it

    assert someone.get(f"/admin/users/{grant.applicant.id}/data.json").status_code == 403
    assert someone.get(f"/admin/users/{grant.applicant.id}/erase").status_code == 403
    assert someone.post(f"/admin/users/{grant.applicant.id}/erase", data={"csrf_token": token}).status_code == 403
    assert events(someone.application, "user.erased") == []


def test_the_user_page_offers_the_download_and_erasure_only_for_applicants(login_as, grant):
    admin = login_as(Role.ADMIN)

    links = {a.get_text(strip=True) for a in page(admin.get(f"/admin/users/{grant.applicant.id}")).select("a")}
    staff_links = {a.get_text(strip=True) for a in page(admin.get(f"/admin/users/{grant.officer.id}")).select("a")}

    assert {"Download their data", "Erase this applicant's personal data"} <= links
    assert "Download their data" in staff_links and "Erase this applicant's personal data" not in staff_links


def test_erasure_anonymises_the_applicant_signs_them_out_and_keeps_the_grant_and_payments(app, login_as, grant):
    their_browser = app.test_client()
    sign_in(their_browser, grant.applicant)
    assert their_browser.get("/organisation").status_code == 200
    with app.app_context():
        money = [(i.amount_pence, i.status) for i in db.session.scalars(select(Instalment).order_by(Instalment.id))]
        history = db.session.scalar(select(func.count()).select_from(AuditEvent))
    clock.travel_to(clock.now() + timedelta(days=400))  # a year on, the applicant asks to be forgotten
    admin = login_as(Role.ADMIN)

    confirm = admin.get(f"/admin/users/{grant.applicant.id}/erase")
    assert "only member of Eastside Youth Trust, which has a live grant" in page(confirm).get_text(" ", strip=True)
    response = submit_form(admin, f"/admin/users/{grant.applicant.id}/erase", {})

    assert response.status_code == 302
    assert "has been erased" in page(admin.get(response.headers["Location"])).get_text(" ", strip=True)
    signed_out = their_browser.get("/organisation")
    assert signed_out.status_code == 302 and urlsplit(signed_out.headers["Location"]).path == "/sign-in"
    with app.app_context():
        user = db.session.get(User, grant.applicant.id)
        assert (user.name, user.email) == ("Erased user", f"erased-{user.id}@invalid")
        assert user.password_hash is None and user.totp_secret is None and not user.is_active
        assert user.deactivated_at == clock.now()
        assert db.session.scalar(select(func.count()).select_from(UserSession)
                                 .where(UserSession.user_id == user.id)) == 0
        assert db.session.scalar(select(func.count()).select_from(SignInAttempt)
                                 .where(SignInAttempt.email == grant.applicant.email)) == 0
        assert db.session.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == user.id)) == 0
        kept = db.session.get(Grant, grant.grant_id)
        assert kept.organisation.name == "Eastside Youth Trust" and kept.awarded_pence == 20_000_00
        assert kept.acceptance_name == "Pat Chair"  # the signed agreement waits for the grant's own period
        assert db.session.get(Organisation, grant.organisation_id).safeguarding_lead_name == "Sam Lead"
        assert [(i.amount_pence, i.status)
                for i in db.session.scalars(select(Instalment).order_by(Instalment.id))] == money
        # The audit log is only added to: the erasure itself and the sign-out it caused.
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) > history
    assert events(app, "user.erased") == [(admin.person.id, "users", str(grant.applicant.id),
                                           {"organisation_ids": [grant.organisation_id]})]
    assert sign_in_fails(app, grant.applicant)


def sign_in_fails(app, person) -> bool:
    response = submit_form(app.test_client(), "/sign-in", {"email": person.email, "password": person.password})
    return response.status_code == 200  # the form again, with an error


def test_erasing_twice_is_refused(app, login_as, grant):
    admin = login_as(Role.ADMIN)
    submit_form(admin, f"/admin/users/{grant.applicant.id}/erase", {})

    page_text = page(admin.get(f"/admin/users/{grant.applicant.id}/erase")).get_text(" ", strip=True)

    assert "This account has already been erased." in page_text
    assert len(events(app, "user.erased")) == 1


def test_staff_accounts_cannot_be_erased(app, login_as, grant):
    admin = login_as(Role.ADMIN)

    refusal = admin.get(f"/admin/users/{grant.officer.id}/erase")
    token = csrf_token(admin.get(f"/admin/users/{grant.officer.id}"))
    response = admin.post(f"/admin/users/{grant.officer.id}/erase", data={"csrf_token": token}, follow_redirects=True)

    assert "Only applicants' accounts can be erased" in page(refusal).get_text(" ", strip=True)
    assert "Only applicants' accounts can be erased" in page(response).get_text(" ", strip=True)
    with app.app_context():
        assert db.session.get(User, grant.officer.id).name == "Olu Officer"
    assert events(app, "user.erased") == []


def test_erasure_removes_their_declarations_on_unfunded_applications_and_their_safeguarding_lead_role(
        app, login_as, grant):
    with app.app_context():
        bo = db.session.scalar(select(User).where(User.email == "bo@example.org"))
        application = db.session.scalar(select(Application).where(Application.reference == "SVF-2425-0002"))
        application.organisation.safeguarding_lead_name = "Bo Boxer"
        application.organisation.safeguarding_lead_email = "bo@example.org"
        db.session.commit()
        bo_id, application_id = bo.id, application.id
    admin = login_as(Role.ADMIN)

    submit_form(admin, f"/admin/users/{bo_id}/erase", {})

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert (application.declaration_name, application.declaration_role) == (None, None)
        assert application.requested_pence == 10_000_00 and application.organisation.name == "Westside Boxing Club"
        assert application.organisation.safeguarding_lead_email is None
        assert application.organisation.safeguarding_lead_name is None
