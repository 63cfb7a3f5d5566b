"""Members invite colleagues by e-mail; only the person invited can join, and only once."""

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.organisations.models import Organisation

from ..helpers import csrf_token, error_summary, heading, page, set_up_organisation, submit_form

COLLEAGUE = "sam.colleague@example.org"



def invite_colleague(app, login_as, outbox, email=COLLEAGUE):
    """A member invites ``email`` through the page; returns (organisation id, link in the e-mail)."""
    owner = login_as(Role.APPLICANT, name="Amina Okafor")
    organisation_id = set_up_organisation(app, owner.person.id)
    response = submit_form(owner, f"/organisations/{organisation_id}/members/invite", {"email": email})
    assert response.status_code == 302
    return organisation_id, outbox.link_in_last(to=email)


def register(app, email=COLLEAGUE, name="Sam Colleague"):
    client = app.test_client()
    response = submit_form(client, "/register",
                           {"name": name, "email": email, "password": "lantern orchard velvet compass"})
    assert response.status_code == 302
    return client


def join(client, link):
    return submit_form(client, link, {})


def members_of(app, organisation_id):
    with app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        return sorted(m.user.email for m in organisation.memberships)


def test_inviting_a_colleague_emails_them_a_link_to_join(app, login_as, outbox):
    _, link = invite_colleague(app, login_as, outbox)

    assert link.startswith("/join/")
    message = outbox.last(to=COLLEAGUE)
    assert "Eastside Youth Trust" in outbox.body(message)
    assert "Amina Okafor" in outbox.body(message)


def test_an_invited_colleague_registers_joins_and_then_sees_the_organisation(app, login_as, outbox):
    organisation_id, link = invite_colleague(app, login_as, outbox)
    colleague = register(app)

    invitation_page = colleague.get(link)
    assert heading(invitation_page) == "Join Eastside Youth Trust"
    assert page(invitation_page).select_one("form#join button").get_text(strip=True) == "Join Eastside Youth Trust"
    response = join(colleague, link)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/organisations/{organisation_id}"
    assert colleague.get(f"/organisations/{organisation_id}").status_code == 200
    assert COLLEAGUE in members_of(app, organisation_id)


def test_a_signed_out_colleague_following_the_link_is_asked_to_sign_in_and_brought_back(app, login_as, outbox):
    _, link = invite_colleague(app, login_as, outbox)

    response = app.test_client().get(link)

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/sign-in"
    assert parse_qs(location.query)["next"] == [link]


def test_an_invitation_link_works_only_once(app, login_as, outbox):
    _, link = invite_colleague(app, login_as, outbox)
    colleague = register(app)
    join(colleague, link)

    again = colleague.get(link)

    assert heading(again) == "This invitation has expired or has already been used"
    assert page(again).select_one("form#join") is None
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation.member_joined"))
        assert len(list(events)) == 1


def test_someone_signed_in_with_a_different_email_cannot_use_the_invitation(app, login_as, outbox):
    organisation_id, link = invite_colleague(app, login_as, outbox)
    stranger = login_as(Role.APPLICANT, email="stranger@example.org")

    invitation_page = stranger.get(link)
    warning = " ".join(page(invitation_page).select_one(".govuk-warning-text").get_text().split())
    assert f"This invitation was sent to {COLLEAGUE}" in warning
    assert page(invitation_page).select_one("form#join") is None

    forced = stranger.post(link, data={"csrf_token": csrf_token(invitation_page)})
    assert forced.status_code == 200
    assert error_summary(forced) == [
        f"This invitation was sent to {COLLEAGUE}. Sign in with that email address to accept it",
    ]
    assert stranger.get(f"/organisations/{organisation_id}").status_code == 404
    assert "stranger@example.org" not in members_of(app, organisation_id)


def test_a_refused_attempt_by_someone_else_leaves_the_invitation_usable(app, login_as, outbox):
    organisation_id, link = invite_colleague(app, login_as, outbox)
    stranger = login_as(Role.APPLICANT, email="stranger@example.org")
    stranger.post(link, data={"csrf_token": csrf_token(stranger.get(link))})

    colleague = register(app)

    assert join(colleague, link).status_code == 302
    assert COLLEAGUE in members_of(app, organisation_id)


def test_joining_is_audited_against_the_person_who_joined(app, login_as, outbox):
    organisation_id, link = invite_colleague(app, login_as, outbox)
    colleague = register(app)
    join(colleague, link)

    with app.app_context():
        colleague_id = db.session.scalar(select(User.id).where(User.email == COLLEAGUE))
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.member_joined"))
        assert (event.actor_id, event.subject_type, event.subject_id) == (
            colleague_id, "organisations", str(organisation_id))


def test_inviting_someone_who_is_already_a_member_is_refused(app, login_as, outbox):
    owner = login_as(Role.APPLICANT)
    organisation_id = set_up_organisation(app, owner.person.id)

    response = submit_form(owner, f"/organisations/{organisation_id}/members/invite", {"email": owner.person.email})

    assert response.status_code == 200
    assert error_summary(response) == [f"{owner.person.email} is already a member of Eastside Youth Trust"]
    assert outbox.messages() == []
