"""Two people in one organisation working on the same application: a save that crosses someone
else's is refused with their name and time, nothing typed is lost, and every save is audited
(``_claim_section`` in ``sv_grants/applications/services.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.applications.models import Application, ApplicationSection
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.dates import format_datetime
from sv_grants.extensions import db
from sv_grants.organisations.models import Membership

from ..conftest import sign_in
from ..helpers import page
from .journey import section_url, start_application


@dataclass
class OpenForm:
    """A section page as one person opened it: the version and token it carried."""

    client: FlaskClient
    application_id: int
    key: str
    version: str
    token: str

    def save(self, data: dict[str, Any], button: str = "save") -> Any:
        return self.client.post(section_url(self.application_id, self.key),
                                data={**data, "version": self.version, "csrf_token": self.token, button: "y"})


def open_section(client: FlaskClient, application_id: int, key: str) -> OpenForm:
    response = client.get(section_url(application_id, key))
    assert response.status_code == 200
    return form_on(response, client, application_id, key)


def form_on(response: Any, client: FlaskClient, application_id: int, key: str) -> OpenForm:
    soup = page(response)
    return OpenForm(client, application_id, key, soup.find("input", attrs={"name": "version"})["value"],
                    soup.find("input", attrs={"name": "csrf_token"})["value"])


def about(title: str) -> dict[str, str]:
    return {"title": title, "summary": f"{title}: a summary.", "description": f"{title}: the full description."}


def stored_about(app: Flask, application_id: int) -> tuple[str, str, str]:
    with app.app_context():
        application = db.session.get(Application, application_id)
        return application.title, application.summary, application.description


def section_row(app: Flask, application_id: int, key: str) -> tuple[str, int, str]:
    """The section's status, version and when it was last saved, as the conflict page writes it."""
    with app.app_context():
        section = db.session.scalar(select(ApplicationSection).where(
            ApplicationSection.application_id == application_id, ApplicationSection.key == key))
        return section.status, section.version, format_datetime(section.updated_at)


@pytest.fixture
def application_id(applicant: FlaskClient, setting: Any) -> int:
    return start_application(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0])


@pytest.fixture
def colleague(app: Flask, make_user: Any, applicant: FlaskClient) -> FlaskClient:
    """A second signed-in member of the applicant's organisation."""
    person = make_user(Role.APPLICANT, name="Jo Colleague")
    with app.app_context():
        db.session.add(Membership(organisation_id=applicant.organisation_id, user_id=person.id))
        db.session.commit()
    client = app.test_client()
    sign_in(client, person)
    client.person = person  # type: ignore[attr-defined]
    return client


def test_a_save_that_crosses_a_colleagues_is_refused_with_their_name_and_nothing_typed_is_lost(
        app: Flask, applicant: FlaskClient, colleague: FlaskClient, application_id: int) -> None:
    alex = open_section(applicant, application_id, "about")
    jo = open_section(colleague, application_id, "about")
    assert alex.version == jo.version == "0"

    assert alex.save(about("Alex's project")).status_code == 302
    refused = jo.save(about("Jo's project"))

    assert refused.status_code == 409
    _, version, saved_at = section_row(app, application_id, "about")
    banner = " ".join(page(refused).select_one(".govuk-notification-banner").get_text().split())
    assert f"This section was changed by Alex Applicant on {saved_at}" in banner
    soup = page(refused)
    assert soup.find("input", attrs={"name": "title"})["value"] == "Jo's project"
    assert soup.find("textarea", attrs={"name": "summary"}).get_text().strip() == "Jo's project: a summary."
    assert soup.find("input", attrs={"name": "version"})["value"] == str(version)
    assert stored_about(app, application_id) == ("Alex's project", "Alex's project: a summary.",
                                                 "Alex's project: the full description.")


def test_saving_again_from_the_conflict_page_keeps_the_second_persons_answers(
        app: Flask, applicant: FlaskClient, colleague: FlaskClient, application_id: int) -> None:
    alex = open_section(applicant, application_id, "about")
    jo = open_section(colleague, application_id, "about")
    alex.save(about("Alex's project"))
    refused = jo.save(about("Jo's project"))
    assert refused.status_code == 409

    again = form_on(refused, colleague, application_id, "about").save(about("Jo's project"))

    assert again.status_code == 302
    assert stored_about(app, application_id) == ("Jo's project", "Jo's project: a summary.",
                                                 "Jo's project: the full description.")
    assert section_row(app, application_id, "about")[:2] == ("completed", 2)


def test_a_stale_page_cannot_overwrite_even_when_saved_for_later(
        app: Flask, applicant: FlaskClient, colleague: FlaskClient, application_id: int) -> None:
    alex = open_section(applicant, application_id, "about")
    jo = open_section(colleague, application_id, "about")
    alex.save(about("Alex's project"))

    assert jo.save({"title": "Jo's draft"}, button="save_draft").status_code == 409
    assert stored_about(app, application_id)[0] == "Alex's project"
    assert section_row(app, application_id, "about")[:2] == ("completed", 1)


def test_colleagues_saving_different_sections_from_pages_opened_together_both_succeed(
        app: Flask, applicant: FlaskClient, colleague: FlaskClient, setting: Any, application_id: int) -> None:
    alex = open_section(applicant, application_id, "about")
    jo = open_section(colleague, application_id, "delivery")

    assert alex.save(about("Alex's project")).status_code == 302
    delivery = {"start_date": ["1", "6", "2025"], "end_date": ["31", "3", "2026"],
                "milestones": "Recruit mentors by July.", "risks": "Staff turnover."}
    assert jo.save(delivery).status_code == 302

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert (application.title, application.milestones) == ("Alex's project", "Recruit mentors by July.")
    assert section_row(app, application_id, "about")[:2] == ("completed", 1)
    assert section_row(app, application_id, "delivery")[:2] == ("completed", 1)


def test_every_section_save_is_recorded_in_the_applications_audit_trail(
        app: Flask, applicant: FlaskClient, colleague: FlaskClient, application_id: int) -> None:
    open_section(applicant, application_id, "about").save({"title": "Draft"}, button="save_draft")
    jo = open_section(colleague, application_id, "about")
    jo.save(about("Jo's project"))
    open_section(applicant, application_id, "about").save(about("stale"), button="save")  # fresh page: saves
    jo.save(about("Jo again"))  # stale: refused, so not recorded

    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.subject_type == "applications", AuditEvent.subject_id == str(application_id),
            AuditEvent.action == "application.section_saved").order_by(AuditEvent.id)).all()
        trail = [(e.actor_id, e.details["section"], e.details["status"], e.details["version"]) for e in events]
    alex_id, jo_id = applicant.person.id, colleague.person.id
    assert trail == [(alex_id, "about", "in_progress", 1), (jo_id, "about", "completed", 2),
                     (alex_id, "about", "completed", 3)]
