"""Driving the applicant's pages the way a person would: answer, save, submit."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.applications.models import Application
from sv_grants.extensions import db
from sv_grants.organisations.models import Document, DocumentKind

from ..helpers import page, submit_form

ELIGIBLE = {"organisation_type": "registered_charity", "delivers_locally": "yes", "amount": "15000",
            "start_date": ["1", "6", "2025"]}


def answer_eligibility(client: FlaskClient, organisation_id: int, round_id: int, priority_id: int,
                       **changes: Any) -> Any:
    """Answer every question; returns the last response (the check page, or a stop page)."""
    answers = {**ELIGIBLE, "priority": str(priority_id), **changes}
    base = f"/organisations/{organisation_id}/rounds/{round_id}/eligibility"
    response = None
    for question in ("organisation_type", "delivers_locally", "priority", "amount", "start_date"):
        response = submit_form(client, f"{base}/{question}", {"answer": answers[question]})
        if response.status_code != 302:
            return response
    return client.get(response.headers["Location"])


def start_application(client: FlaskClient, organisation_id: int, round_id: int, priority_id: int) -> int:
    answer_eligibility(client, organisation_id, round_id, priority_id)
    url = f"/organisations/{organisation_id}/rounds/{round_id}/eligibility"
    response = submit_form(client, url, {})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def section_url(application_id: int, key: str) -> str:
    return f"/applications/{application_id}/sections/{key}"


def save_section(client: FlaskClient, application_id: int, key: str, data: dict[str, Any],
                 button: str = "save") -> Any:
    """Open the section, keep the version it shows, and post ``data`` with the chosen button."""
    form_page = client.get(section_url(application_id, key))
    assert form_page.status_code == 200
    soup = page(form_page)
    version = soup.find("input", attrs={"name": "version"})["value"]
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(section_url(application_id, key),
                       data={**data, "version": version, "csrf_token": token, button: "y"})


def documents_of_kind(app: Flask, organisation_id: int, kind: DocumentKind) -> int:
    with app.app_context():
        return db.session.scalar(select(Document.id).where(Document.organisation_id == organisation_id,
                                                           Document.kind == kind).order_by(Document.id.desc()))


def valid_sections(app: Flask, organisation_id: int, priority_ids: list[int], intervention_id: int) -> dict[str, Any]:
    first, second = priority_ids[0], priority_ids[1]
    return {
        "about": {"title": "Safe Streets Mentoring", "summary": "Mentoring for young people at risk.",
                  "description": "Weekly mentoring sessions in Darlington town centre."},
        "priorities": {"addresses": [str(first), str(second)], "primary": str(first),
                       f"how_{first}": "We reach young people early.", f"how_{second}": "We work in hot spots."},
        "reach": {"age_bands": ["10_13", "14_17"], "gender_focus": "all", "people_expected": "120",
                  "referral_routes": "Schools and youth justice.", "delivery_areas": ["E06000005"],
                  "delivery_places": "Darlington town centre"},
        "approach": {"intervention_type": str(intervention_id), "approach_reason": "Mentoring fits our work.",
                     "evidence": "The Toolkit rates it moderate."},
        "outputs": {"outputs-0-measure": "Mentoring sessions delivered", "outputs-0-unit": "sessions",
                    "outputs-0-target": "400", "outputs-0-priority": str(first),
                    "outcomes-0-indicator": "% feeling safer", "outcomes-0-target": "70%"},
        "budget": {"lines-0-category": "staff", "lines-0-description": "Mentor salary",
                   "lines-0-amount": "£12,000", "lines-1-category": "venue",
                   "lines-1-description": "Room hire", "lines-1-amount": "1500.50"},
        "delivery": {"start_date": ["1", "6", "2025"], "end_date": ["31", "3", "2026"],
                     "milestones": "Recruit mentors by July.", "risks": "Staff turnover: we train two."},
        "safeguarding": {"policy": str(documents_of_kind(app, organisation_id, DocumentKind.SAFEGUARDING_POLICY)),
                         "dbs_checks": "all", "lead_confirmed": ["yes"]},
        "documents": {"constitution": str(documents_of_kind(app, organisation_id, DocumentKind.CONSTITUTION)),
                      "accounts": str(documents_of_kind(app, organisation_id, DocumentKind.ACCOUNTS))},
        "declaration": {"declaration_name": "Alex Applicant", "declaration_role": "Chair of trustees",
                        "confirmations": ["true", "purposes", "monitoring"]},
    }


def complete_every_section(client: FlaskClient, app: Flask, application_id: int, organisation_id: int,
                           priority_ids: list[int], intervention_id: int) -> None:
    for key, data in valid_sections(app, organisation_id, priority_ids, intervention_id).items():
        response = save_section(client, application_id, key, data)
        assert response.status_code == 302, f"{key}: {response.status_code} " + " | ".join(
            e.get_text(" ", strip=True) for e in page(response).select(".govuk-error-summary__list a"))


def application(app: Flask, application_id: int) -> Application:
    with app.app_context():
        found = db.session.get(Application, application_id)
        db.session.expunge(found)
        return found
