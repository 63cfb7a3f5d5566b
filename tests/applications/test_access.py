"""Who can open an application: its own organisation's members, and grants officers once it is
submitted. Everyone else gets a 404 that gives nothing away."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from sv_grants.applications.models import ApplicationStatus
from sv_grants.applications.sections import SECTIONS
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.organisations.models import Document

from ..helpers import csrf_token, heading, page, real_pdf
from .factories import document_count, other_applicant, post_submit, ready_draft, stored_files
from .journey import application, section_url, start_application


@dataclass
class FirstOrganisation:
    organisation_id: int
    draft_id: int
    submitted_id: int
    extra_document_id: int  # added to the draft's documents section
    document_ids: list[int]  # every file the organisation has


def upload_extra(client: FlaskClient, application_id: int, name: str = "Letter.pdf") -> Any:
    token = csrf_token(client.get(section_url(application_id, "documents")))
    fields = MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(real_pdf(name)), name)})
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(f"/applications/{application_id}/documents", input_stream=body, content_length=length,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


@pytest.fixture
def first(app: Flask, applicant: FlaskClient, setting: Any) -> FirstOrganisation:
    """Eastside Youth Trust with a submitted application and a second, draft one holding an extra file."""
    submitted_id = ready_draft(applicant, app, setting)
    assert post_submit(applicant, submitted_id).status_code == 302
    draft_id = start_application(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[1])
    assert upload_extra(applicant, draft_id).status_code == 302
    with app.app_context():
        documents = db.session.scalars(select(Document).where(
            Document.organisation_id == applicant.organisation_id).order_by(Document.id)).all()
        extra = next(d.id for d in documents if d.application_id == draft_id)
        return FirstOrganisation(applicant.organisation_id, draft_id, submitted_id, extra, [d.id for d in documents])


@pytest.fixture
def outsider(app: Flask, make_user: Any, setting: Any) -> FlaskClient:
    return other_applicant(app, make_user)


def application_requests(application_id: int, extra_document_id: int) -> list[tuple[str, str]]:
    """Every page and form of one application, as (method, path)."""
    base = f"/applications/{application_id}"
    sections = [(method, section_url(application_id, s.key)) for s in SECTIONS for method in ("GET", "POST")]
    return [
        ("GET", base), *sections, ("GET", f"{base}/check"), ("POST", f"{base}/submit"),
        ("GET", f"{base}/submitted"), ("GET", f"{base}/view"), ("GET", f"{base}/application.pdf"),
        ("GET", f"{base}/withdraw"), ("POST", f"{base}/withdraw"), ("POST", f"{base}/documents"),
        ("POST", f"{base}/documents/{extra_document_id}/remove"),
    ]


def answers(client: FlaskClient, requests: list[tuple[str, str]]) -> dict[str, int]:
    """The status of each request, sent with a valid CSRF token and plausible form data."""
    token = csrf_token(client.get("/organisation"))
    data = {"csrf_token": token, "version": "1", "save": "y", "title": "Hijacked", "reason": "Because",
            "answer": "registered_charity"}
    statuses = {}
    for method, path in requests:
        if method == "GET":
            response = client.get(path)
        elif path.endswith("/documents"):
            fields = MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(real_pdf()), "mine.pdf")})
            body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
            response = client.post(path, input_stream=body, content_length=length,
                                   content_type=f'multipart/form-data; boundary="{boundary}"')
        else:
            response = client.post(path, data=data)
        with response:
            statuses[f"{method} {path}"] = response.status_code
    return statuses


@pytest.mark.parametrize("which", ["draft", "submitted"])
def test_another_organisations_applicant_gets_404_for_every_page_of_an_application(
        app: Flask, first: FirstOrganisation, outsider: FlaskClient, which: str) -> None:
    application_id = first.draft_id if which == "draft" else first.submitted_id
    before = application(app, application_id)
    documents_before, files_before = document_count(app), stored_files(app)

    statuses = answers(outsider, application_requests(application_id, first.extra_document_id))

    assert {request: status for request, status in statuses.items() if status != 404} == {}
    after = application(app, application_id)
    assert (after.status, after.title, after.version_id, after.withdrawal_reason) == (
        before.status, before.title, before.version_id, before.withdrawal_reason)
    assert document_count(app) == documents_before
    assert stored_files(app) == files_before
    with app.app_context():
        assert db.session.get(Document, first.extra_document_id).removed_at is None


def test_another_organisations_applicant_cannot_download_its_documents(
        first: FirstOrganisation, outsider: FlaskClient) -> None:
    assert len(first.document_ids) == 4  # constitution, accounts, safeguarding policy and the extra file
    statuses = answers(outsider, [("GET", f"/documents/{document_id}") for document_id in first.document_ids])
    assert set(statuses.values()) == {404}


def test_another_organisations_applicant_gets_404_for_its_eligibility_pages(
        first: FirstOrganisation, outsider: FlaskClient, setting: Any) -> None:
    base = f"/organisations/{first.organisation_id}/rounds/{setting.round_id}"
    questions = ["organisation_type", "delivers_locally", "priority", "amount", "start_date"]
    requests = [("GET", f"{base}/apply"), ("GET", f"{base}/eligibility"), ("POST", f"{base}/eligibility"),
                *((method, f"{base}/eligibility/{q}") for q in questions for method in ("GET", "POST"))]

    statuses = answers(outsider, requests)

    assert {request: status for request, status in statuses.items() if status != 404} == {}


def test_the_404_page_does_not_show_the_other_organisations_application(
        first: FirstOrganisation, outsider: FlaskClient) -> None:
    for path in (f"/applications/{first.submitted_id}/view", f"/applications/{first.draft_id}",
                 f"/applications/{first.submitted_id}/submitted"):
        response = outsider.get(path)
        assert response.status_code == 404
        assert heading(response) == "Page not found"
        text = page(response).get_text()
        for secret in ("Safe Streets Mentoring", "SVF-2425-0001", "Eastside Youth Trust"):
            assert secret not in text, f"{path} shows {secret}"


def test_an_officer_can_read_a_submitted_application_and_its_pdf(
        first: FirstOrganisation, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)

    view = officer.get(f"/applications/{first.submitted_id}/view")
    pdf = officer.get(f"/applications/{first.submitted_id}/application.pdf")

    assert view.status_code == 200
    assert heading(view) == "Safe Streets Mentoring"
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF-")


def test_an_officer_cannot_see_a_draft(app: Flask, first: FirstOrganisation, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    assert application(app, first.draft_id).status == ApplicationStatus.DRAFT
    statuses = answers(officer, [("GET", f"/applications/{first.draft_id}/view"),
                                 ("GET", f"/applications/{first.draft_id}/application.pdf"),
                                 ("GET", f"/documents/{first.extra_document_id}")])
    assert set(statuses.values()) == {404}


def test_an_officer_cannot_edit_or_withdraw_a_submitted_application(
        app: Flask, first: FirstOrganisation, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    base = f"/applications/{first.submitted_id}"
    statuses = answers(officer, [("GET", base), ("GET", section_url(first.submitted_id, "about")),
                                 ("POST", f"{base}/withdraw")])
    assert set(statuses.values()) <= {403, 404}
    assert application(app, first.submitted_id).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.FINANCE_OFFICER, Role.PCC_VIEWER])
def test_other_staff_cannot_open_a_submitted_application(
        first: FirstOrganisation, login_as: Any, role: Role) -> None:
    staff = login_as(role)
    for path in (f"/applications/{first.submitted_id}/view", f"/applications/{first.submitted_id}/application.pdf"):
        response = staff.get(path)
        assert response.status_code in (403, 404), path
        assert "Safe Streets Mentoring" not in response.get_data(as_text=True)
