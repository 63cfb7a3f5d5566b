"""Administrators change roles and deactivate accounts; every change is audited and nobody else may do it."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db

from ..conftest import sign_in
from ..helpers import csrf_token, error_summary, heading, page, submit_form


def audit_events(app, user_id, *actions):
    """(action, actor id, details) of the events about a user, oldest first."""
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "users", AuditEvent.subject_id == str(user_id),
                                     AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
        )
        return [(event.action, event.actor_id, event.details) for event in events]


def roles_of(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).roles


def deactivate(admin, user_id):
    token = csrf_token(admin.get(f"/admin/users/{user_id}"))
    return admin.post(f"/admin/users/{user_id}/deactivate", data={"csrf_token": token})


def test_changing_roles_grants_and_revokes_them_and_records_who_did_it(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    reviewer = make_user(Role.REVIEWER)

    response = submit_form(admin, f"/admin/users/{reviewer.id}/roles", {"roles": ["finance_officer"]})

    assert response.status_code == 302
    assert roles_of(app, reviewer.id) == {Role.FINANCE_OFFICER}
    assert audit_events(app, reviewer.id, "role.granted", "role.revoked") == [
        ("role.revoked", admin.person.id, {"role": "reviewer"}),
        ("role.granted", admin.person.id, {"role": "finance_officer"}),
    ]


def test_the_roles_page_shows_the_current_roles_ticked(login_as, make_user):
    admin = login_as(Role.ADMIN)
    officer = make_user(Role.GRANTS_OFFICER, Role.REVIEWER)

    response = admin.get(f"/admin/users/{officer.id}/roles")

    boxes = page(response).find_all("input", attrs={"name": "roles"})
    ticked = {box["value"] for box in boxes if box.has_attr("checked")}
    assert ticked == {"grants_officer", "reviewer"}


def test_an_administrator_cannot_change_their_own_roles(app, login_as):
    admin = login_as(Role.ADMIN)
    own_roles = f"/admin/users/{admin.person.id}/roles"
    token = csrf_token(admin.get("/admin/users"))

    assert admin.get(own_roles).status_code == 403
    assert admin.post(own_roles, data={"roles": ["reviewer"], "csrf_token": token}).status_code == 403
    assert roles_of(app, admin.person.id) == {Role.ADMIN}


def test_a_deactivated_user_cannot_sign_in(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    reviewer = make_user(Role.REVIEWER)

    assert deactivate(admin, reviewer.id).status_code == 302

    response = submit_form(app.test_client(), "/sign-in", {"email": reviewer.email, "password": reviewer.password})
    assert response.status_code == 200
    assert error_summary(response) == ["Enter a correct email address and password"]
    assert "Deactivated" in admin.get(f"/admin/users/{reviewer.id}").get_data(as_text=True)


def test_deactivating_a_user_ends_their_signed_in_session_at_once(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    reviewer = make_user(Role.REVIEWER)
    their_browser = app.test_client()
    sign_in(their_browser, reviewer)
    assert their_browser.get("/reviews").status_code == 200

    deactivate(admin, reviewer.id)

    response = their_browser.get("/reviews")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_deactivation_is_audited_and_the_users_past_actions_still_name_them(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")
    sign_in(app.test_client(), reviewer)

    deactivate(admin, reviewer.id)

    assert audit_events(app, reviewer.id, "user.deactivated") == [("user.deactivated", admin.person.id, {})]
    with app.app_context():
        their_sign_in = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sign_in.succeeded",
                                                                    AuditEvent.subject_id == str(reviewer.id)))
        assert their_sign_in.actor_id == reviewer.id
        assert their_sign_in.actor.name == "Rita Reviewer"


def test_an_administrator_cannot_deactivate_themselves(app, login_as):
    admin = login_as(Role.ADMIN)

    deactivate(admin, admin.person.id)

    assert admin.get("/admin/users").status_code == 200
    assert audit_events(app, admin.person.id, "user.deactivated") == []


NON_ADMINS = [role for role in Role if role != Role.ADMIN]


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_administrators_can_open_the_admin_pages(login_as, make_user, role):
    client = login_as(role)
    other = make_user(Role.REVIEWER)

    for url in ("/admin/users", "/admin/users/invite", f"/admin/users/{other.id}",
                f"/admin/users/{other.id}/roles"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert heading(response) == "You do not have permission to see this page"


@pytest.mark.parametrize("role", NON_ADMINS)
def test_only_administrators_can_change_accounts(app, login_as, make_user, role):
    client = login_as(role)
    other = make_user(Role.REVIEWER)
    token = csrf_token(client.get("/account"))  # the sign-out button's token is valid for the session

    for action in ("deactivate", "reactivate", "reset-two-factor", "roles"):
        response = client.post(f"/admin/users/{other.id}/{action}", data={"csrf_token": token, "roles": ["admin"]})
        assert response.status_code == 403, action
    invited = client.post("/admin/users/invite", data={
        "csrf_token": token, "name": "Mallory", "email": "mallory@example.org", "roles": ["admin"],
    })
    assert invited.status_code == 403

    with app.app_context():
        target = db.session.get(User, other.id)
        assert target.is_active
        assert target.roles == {Role.REVIEWER}
        assert db.session.scalar(select(User).where(User.email == "mallory@example.org")) is None
