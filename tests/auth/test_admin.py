"""Administrators find users and invite members of staff, who set a password once and then set up two-factor."""

from urllib.parse import urlsplit

from sqlalchemy import select

from sv_grants.auth import services
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db

from ..conftest import PASSWORD
from ..helpers import error_summary, field_error, heading, page, submit_form

NEW_PASSWORD = "lantern orchard velvet compass"


def table_names(response):
    return [" ".join(cell.get_text().split()) for cell in page(response).select("tbody tr td:first-child")]


def invite(app, admin_id, name="Priya Shah", email="priya@example.org", roles=(Role.REVIEWER,)):
    """Set up an invitation as an administrator would; the e-mail goes to the outbox."""
    with app.test_request_context():
        admin = db.session.get(User, admin_id)
        invitation = services.invite_staff(admin, name, email, set(roles))
        db.session.commit()
        return invitation.link_path


def test_an_administrator_sees_every_user_by_name(login_as, make_user):
    admin = login_as(Role.ADMIN, name="Ada Admin")
    make_user(Role.REVIEWER, name="Rita Reviewer")
    make_user(Role.APPLICANT, name="Alan Applicant")

    response = admin.get("/admin/users")

    assert heading(response) == "Users"
    assert table_names(response) == ["Ada Admin", "Alan Applicant", "Rita Reviewer"]


def test_searching_by_name_shows_only_matching_users(login_as, make_user):
    admin = login_as(Role.ADMIN, name="Ada Admin")
    make_user(Role.REVIEWER, name="Rita Reviewer")
    make_user(Role.APPLICANT, name="Alan Applicant")

    response = admin.get("/admin/users", query_string={"q": "rita"})

    assert table_names(response) == ["Rita Reviewer"]
    assert page(response).find("input", attrs={"name": "q"})["value"] == "rita"


def test_inviting_a_member_of_staff_emails_them_a_link_to_set_a_password(app, login_as, outbox):
    admin = login_as(Role.ADMIN)

    response = submit_form(admin, "/admin/users/invite", {
        "name": "Priya Shah", "email": "Priya@Example.org", "roles": ["reviewer", "finance_officer"],
    })

    assert response.status_code == 302
    user_page = admin.get(response.headers["Location"])
    assert heading(user_page) == "Priya Shah"
    assert "Panel reviewer" in user_page.get_data(as_text=True)
    assert "Finance officer" in user_page.get_data(as_text=True)
    assert outbox.link_in_last(to="priya@example.org").startswith("/invitation/")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "priya@example.org"))
        assert user.roles == {Role.REVIEWER, Role.FINANCE_OFFICER}
        assert user.password_hash is None


def test_an_invitation_without_name_email_or_roles_shows_each_error_and_sends_nothing(login_as, outbox):
    admin = login_as(Role.ADMIN)

    response = submit_form(admin, "/admin/users/invite", {"name": "", "email": ""})

    assert response.status_code == 200
    assert error_summary(response) == [
        "Enter their full name", "Enter their email address", "Select at least one role",
    ]
    assert field_error(response, "name") == "Enter their full name"
    assert field_error(response, "email") == "Enter their email address"
    assert field_error(response, "roles") == "Select at least one role"
    assert outbox.messages() == []


def test_an_invitation_with_errors_keeps_what_was_typed(login_as):
    admin = login_as(Role.ADMIN)

    missing_email = submit_form(admin, "/admin/users/invite", {"name": "Priya Shah", "roles": ["reviewer"]})
    missing_name = submit_form(admin, "/admin/users/invite", {"email": "priya@example.org", "roles": ["reviewer"]})

    assert page(missing_email).find("input", attrs={"name": "name"})["value"] == "Priya Shah"
    assert page(missing_email).find("input", attrs={"name": "roles", "value": "reviewer"}).has_attr("checked")
    assert page(missing_name).find("input", attrs={"name": "email"})["value"] == "priya@example.org"


def test_inviting_an_email_address_that_already_has_an_account_is_refused(login_as, make_user, outbox):
    admin = login_as(Role.ADMIN)
    make_user(Role.APPLICANT, email="taken@example.org")

    response = submit_form(admin, "/admin/users/invite", {
        "name": "Someone Else", "email": "taken@example.org", "roles": ["reviewer"],
    })

    assert response.status_code == 200
    assert error_summary(response) == ["A user with this email address already exists"]
    assert field_error(response, "email") == "A user with this email address already exists"
    assert outbox.messages() == []


def test_the_invitation_link_sets_a_password_once_and_then_shows_it_has_expired(app, make_user, outbox):
    admin = make_user(Role.ADMIN)
    invite(app, admin.id)
    link = outbox.link_in_last(to="priya@example.org")
    invited = app.test_client()

    assert heading(invited.get(link)) == "Set your password"
    response = submit_form(invited, link, {"password": NEW_PASSWORD})
    assert response.status_code == 302

    second_use = app.test_client().get(link)
    assert heading(second_use) == "This link has expired or has already been used"
    assert page(second_use).find("input", attrs={"name": "password"}) is None


def test_after_setting_a_password_a_member_of_staff_is_taken_to_set_up_two_factor(app, make_user, outbox):
    admin = make_user(Role.ADMIN)
    invite(app, admin.id)
    invited = app.test_client()

    response = submit_form(invited, outbox.link_in_last(to="priya@example.org"), {"password": NEW_PASSWORD})

    assert urlsplit(response.headers["Location"]).path == "/sign-in/set-up-two-factor"
    assert heading(invited.get("/sign-in/set-up-two-factor")) == "Set up two-factor sign-in"
    assert invited.get("/reviews").status_code == 302  # not signed in until two-factor is set up


def test_an_invited_member_of_staff_cannot_sign_in_before_setting_a_password(app, make_user, outbox):
    admin = make_user(Role.ADMIN)
    invite(app, admin.id)

    response = submit_form(app.test_client(), "/sign-in", {"email": "priya@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert error_summary(response) == ["Enter a correct email address and password"]
