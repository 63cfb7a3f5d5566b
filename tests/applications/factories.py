"""Quick ways to reach a state the tests start from: a draft ready to submit, a submitted
application, a second organisation, a moved deadline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import Application, ApplicationPriority, ApplicationStatus
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Round
from sv_grants.organisations.models import Document, Membership

from ..conftest import sign_in
from ..helpers import complete_organisation, csrf_token
from .journey import complete_every_section, start_application


def ready_draft(client: FlaskClient, app: Flask, setting: Any) -> int:
    """A draft of ``client``'s organisation with all ten sections complete; returns its id."""
    application_id = start_application(client, client.organisation_id, setting.round_id, setting.priority_ids[0])
    complete_every_section(client, app, application_id, client.organisation_id, setting.priority_ids,
                           setting.intervention_id)
    return application_id


def post_submit(client: FlaskClient, application_id: int) -> Any:
    """Press "Accept and submit" (the token comes from any page: the check page may show no form)."""
    check = client.get(f"/applications/{application_id}/check")
    return client.post(f"/applications/{application_id}/submit", data={"csrf_token": csrf_token(check)})


def submitted(client: FlaskClient, app: Flask, setting: Any) -> int:
    application_id = ready_draft(client, app, setting)
    response = post_submit(client, application_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].endswith(f"/applications/{application_id}/submitted")
    return application_id


def other_applicant(app: Flask, make_user: Any, name: str = "Westside Boxing Club",
                    person_name: str = "Olu Other") -> FlaskClient:
    """A second signed-in applicant, of another organisation that is ready to apply."""
    person = make_user(Role.APPLICANT, name=person_name)
    client = app.test_client()
    sign_in(client, person)
    client.person = person  # type: ignore[attr-defined]
    client.organisation_id = complete_organisation(app, person.id, name)  # type: ignore[attr-defined]
    return client


def add_member(app: Flask, organisation_id: int, user_id: int) -> None:
    with app.app_context():
        db.session.add(Membership(organisation_id=organisation_id, user_id=user_id))
        db.session.commit()


def move_deadline(app: Flask, round_id: int, closes_at: datetime) -> None:
    with app.app_context():
        db.session.get(Round, round_id).closes_at = closes_at
        db.session.commit()


def insert_application(app: Flask, round_id: int, organisation_id: int, user_id: int, *,
                       reference: str | None, status: ApplicationStatus = ApplicationStatus.SUBMITTED,
                       title: str = "A project", primary_priority_id: int | None = None,
                       requested_pence: int = 10_000_00) -> int:
    """An application row written straight to the database, for lists that need many of them."""
    with app.app_context():
        found = Application(round_id=round_id, organisation_id=organisation_id, created_by_id=user_id,
                            reference=reference, status=status, title=title, requested_pence=requested_pence,
                            eligibility={})
        if primary_priority_id is not None:
            found.priorities = [ApplicationPriority(priority_id=primary_priority_id, is_primary=True)]
        db.session.add(found)
        db.session.commit()
        return found.id


def stored_files(app: Flask) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def document_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Document))
