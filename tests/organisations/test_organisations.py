"""Applicants set up their organisation, and only its members can see it."""

from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.organisations.models import Membership, Organisation

from ..helpers import error_summary, field_error, heading, page, set_up_organisation, submit_form


def test_an_applicant_without_an_organisation_is_asked_to_set_one_up(login_as):
    response = login_as(Role.APPLICANT).get("/organisation")

    assert heading(response) == "Your applications"
    button = page(response).find("a", string=lambda text: text and "Set up your organisation" in text)
    assert button is not None
    assert button["href"] == "/organisations/new"


def test_setting_up_an_organisation_shows_it_and_makes_the_applicant_its_main_contact(app, login_as):
    applicant = login_as(Role.APPLICANT, name="Amina Okafor")

    response = submit_form(applicant, "/organisations/new",
                           {"name": "Eastside Youth Trust", "legal_form": "registered_charity"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/details")  # next: the organisation's details
    with app.app_context():
        organisation_id = db.session.scalar(select(Organisation.id))
    shown = applicant.get(f"/organisations/{organisation_id}")
    assert heading(shown) == "Eastside Youth Trust"
    members = [" ".join(li.get_text().split()) for li in page(shown).select("ul.govuk-list--bullet li")]
    assert members == [f"Amina Okafor ({applicant.person.email}) – main contact"]
    assert "Registered charity" in shown.get_data(as_text=True)
    dashboard = applicant.get("/organisation")
    assert "Eastside Youth Trust" in [a.get_text(strip=True) for a in page(dashboard).select("main ul a")]
    with app.app_context():
        organisation = db.session.scalar(select(Organisation))
        assert [(m.user_id, m.is_main_contact) for m in organisation.memberships] == [(applicant.person.id, True)]


def test_setting_up_an_organisation_is_audited(app, login_as):
    applicant = login_as(Role.APPLICANT)

    submit_form(applicant, "/organisations/new", {"name": "Eastside Youth Trust", "legal_form": "cic"})

    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.created"))
        organisation = db.session.scalar(select(Organisation))
        assert (event.actor_id, event.subject_type, event.subject_id) == (
            applicant.person.id, "organisations", str(organisation.id))


def test_an_organisation_without_a_name_or_type_shows_errors_and_is_not_saved(app, login_as):
    applicant = login_as(Role.APPLICANT)

    response = submit_form(applicant, "/organisations/new", {"name": ""})

    assert response.status_code == 200
    assert error_summary(response) == [
        "Enter the name of your organisation", "Select what type of organisation it is",
    ]
    assert field_error(response, "name") == "Enter the name of your organisation"
    assert field_error(response, "legal_form") == "Select what type of organisation it is"
    with app.app_context():
        assert db.session.scalar(select(Organisation)) is None


def test_an_organisation_without_a_type_keeps_the_name_that_was_typed(login_as):
    applicant = login_as(Role.APPLICANT)

    response = submit_form(applicant, "/organisations/new", {"name": "Eastside Youth Trust"})

    assert error_summary(response) == ["Select what type of organisation it is"]
    assert page(response).find("input", attrs={"name": "name"})["value"] == "Eastside Youth Trust"


def test_a_member_sees_their_organisation(app, login_as):
    applicant = login_as(Role.APPLICANT)
    organisation_id = set_up_organisation(app, applicant.person.id)

    response = applicant.get(f"/organisations/{organisation_id}")

    assert response.status_code == 200
    assert heading(response) == "Eastside Youth Trust"


def test_another_applicant_is_told_the_organisation_does_not_exist(app, login_as):
    owner = login_as(Role.APPLICANT)
    organisation_id = set_up_organisation(app, owner.person.id)
    outsider = login_as(Role.APPLICANT)

    for url in (f"/organisations/{organisation_id}", f"/organisations/{organisation_id}/members/invite"):
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert heading(response) == "Page not found"
        assert "Eastside Youth Trust" not in response.get_data(as_text=True)


def test_another_organisation_looks_the_same_as_one_that_does_not_exist(app, login_as):
    owner = login_as(Role.APPLICANT)
    organisation_id = set_up_organisation(app, owner.person.id)
    outsider = login_as(Role.APPLICANT)

    theirs = outsider.get(f"/organisations/{organisation_id}")
    missing = outsider.get(f"/organisations/{organisation_id + 1000}")

    assert (theirs.status_code, heading(theirs)) == (missing.status_code, heading(missing))


def test_another_applicant_cannot_invite_people_to_an_organisation(app, login_as, outbox):
    owner = login_as(Role.APPLICANT)
    organisation_id = set_up_organisation(app, owner.person.id)
    outsider = login_as(Role.APPLICANT)
    token = page(outsider.get("/organisation")).find("input", attrs={"name": "csrf_token"})["value"]

    response = outsider.post(f"/organisations/{organisation_id}/members/invite",
                             data={"email": "friend@example.org", "csrf_token": token})

    assert response.status_code == 404
    assert outbox.messages() == []
    with app.app_context():
        assert db.session.scalar(select(Membership.user_id).where(Membership.user_id == outsider.person.id)) is None
