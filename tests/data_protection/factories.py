"""The records retention and erasure act on: an unsuccessful application full of personal data,
with a file uploaded for it, and a funded grant closed by its officer."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment.models import Clarification, Decision
from sv_grants.auth.models import User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants import services as grant_services
from sv_grants.grants.models import Grant
from sv_grants.organisations.documents import upload_document
from sv_grants.organisations.models import DocumentKind, Organisation

from ..assessment.factories import being_assessed
from ..helpers import real_pdf

PERSONAL = {"declaration_name": "Dee Clarant", "declaration_role": "Treasurer",
            "summary": "Run by Jo Bloggs, our youth worker", "risks": "If Jo Bloggs leaves, we pause"}


def unsuccessful(app: Flask, setting: Any, applicant_id: int, officer_id: int, *, reference: str,
                 organisation: str, status: ApplicationStatus = ApplicationStatus.REJECTED) -> int:
    """An application refused (and told) or withdrawn now, with a declaration, narrative naming
    people, an applicant's answer to a question and a file uploaded for it. Returns its id."""
    application_id = being_assessed(app, setting, applicant_id, reference=reference, organisation=organisation,
                                    status=status)
    with app.test_request_context():
        application = db.session.get(Application, application_id)
        for name, value in PERSONAL.items():
            setattr(application, name, value)
        application.declared_by_id = application.submitted_by_id = applicant_id
        if status == ApplicationStatus.WITHDRAWN:
            application.withdrawn_at, application.withdrawal_reason = clock.now(), "Jo Bloggs left"
        else:
            db.session.add(Decision(application_id=application_id, outcome="rejected", panel_date=date(2025, 3, 1),
                                    decided_by_id=officer_id, notified_at=clock.now(), feedback="Not this time"))
        db.session.add(Clarification(application_id=application_id, question="Who leads?", asked_by_id=officer_id,
                                     answer="Jo Bloggs", answered_by_id=applicant_id, answered_at=clock.now()))
        upload_document(db.session.get(User, applicant_id), db.session.get(Organisation, application.organisation_id),
                        DocumentKind.OTHER, "jo-bloggs-cv.pdf", real_pdf("Jo Bloggs CV"), None, application_id)
        db.session.commit()
    return application_id


def close_grant(app: Flask, grant_id: int, officer_id: int) -> None:
    """Close the grant through the service, as if its final return had been accepted."""
    with app.test_request_context():
        grant = db.session.get(Grant, grant_id)
        grant.reporting_complete_at = clock.now()
        grant_services.close(db.session.get(User, officer_id), grant, 0, "")
        db.session.commit()


def stored_files(app: Flask) -> set[str]:
    return {path.name for path in Path(app.config["UPLOAD_DIR"]).iterdir()} \
        if Path(app.config["UPLOAD_DIR"]).exists() else set()
