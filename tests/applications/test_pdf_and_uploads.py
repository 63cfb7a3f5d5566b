"""The application as a PDF, and the extra files an applicant may add to the documents section."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from sv_grants.applications.models import ApplicationDocument
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.organisations.models import Document, DocumentKind

from ..helpers import csrf_token, error_summary, field_error, page, real_pdf
from .factories import document_count, post_submit, ready_draft, stored_files, submitted
from .journey import section_url, start_application

# The PDF ---------------------------------------------------------------------------------------


def pdf_text(reader: PdfReader) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_the_pdf_of_a_submitted_application_has_its_reference_title_and_total(
        app: Flask, applicant: FlaskClient, setting: Any) -> None:
    application_id = submitted(applicant, app, setting)

    response = applicant.get(f"/applications/{application_id}/application.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="SVF-2425-0001.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = pdf_text(reader)
    assert "SVF-2425-0001" in text
    assert "Safe Streets Mentoring" in text
    assert "£13,500.50" in text
    assert "Eastside Youth Trust" in text
    assert "SVF-2425-0001" in reader.metadata.title
    assert "Safe Streets Mentoring" in reader.metadata.title
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in (reader.pages[0].extract_text() or "")
    assert f"Page {pages} of {pages}" in (reader.pages[-1].extract_text() or "")


# Extra files on the documents section ----------------------------------------------------------


@pytest.fixture
def draft_id(applicant: FlaskClient, setting: Any) -> int:
    return start_application(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0])


def upload(client: FlaskClient, application_id: int, name: str, data: bytes) -> Any:
    """Post the "Upload file" form as a browser would, with the file as multipart data."""
    token = csrf_token(client.get(section_url(application_id, "documents")))
    fields = MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(data), name)})
    # Encoded in memory: the test client spools big bodies to a temporary file it never closes.
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(f"/applications/{application_id}/documents", input_stream=body, content_length=length,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def extra_file_links(response: Any) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select("form.app-inline-form a")]


def test_a_real_pdf_is_accepted_listed_and_attached_to_the_application(
        app: Flask, applicant: FlaskClient, draft_id: int) -> None:
    files_before = stored_files(app)

    response = upload(applicant, draft_id, "Letter of support.pdf", real_pdf("We support this project"))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(section_url(draft_id, "documents"))
    documents_page = applicant.get(response.headers["Location"])
    assert extra_file_links(documents_page) == ["Letter of support.pdf"]
    with app.app_context():
        [attachment] = db.session.scalars(select(ApplicationDocument).where(
            ApplicationDocument.application_id == draft_id, ApplicationDocument.kind == DocumentKind.OTHER)).all()
        document = attachment.document
        assert document.original_name == "Letter of support.pdf"
        assert document.application_id == draft_id
        assert document.content_type == "application/pdf"
        stored_name = document.stored_name
    assert stored_files(app) - files_before == {stored_name}


def zip_bomb_docx() -> bytes:
    """A real DOCX's two marker files, one of which inflates to 50MB of zeros from about 50KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))
    return buffer.getvalue()


REFUSALS = [
    pytest.param("report.pdf", lambda: b"<!doctype html><html><body><script>alert(1)</script></body></html>",
                 "The file's content does not match its name: it ends .pdf but is not a PDF", id="html-named-pdf"),
    pytest.param("big.pdf", lambda: real_pdf() + b"\0" * (11 * 1024 * 1024),
                 "The selected file must be smaller than 10MB", id="eleven-megabytes"),
    pytest.param("bid.docx", zip_bomb_docx,
                 "The selected file could not be opened safely — save it again and upload the new copy",
                 id="docx-zip-bomb"),
    pytest.param("../../evil.pdf", real_pdf,
                 "The file name must not contain slashes or '..' — rename the file and try again",
                 id="path-in-name"),
]


@pytest.mark.parametrize(("name", "content", "message"), REFUSALS)
def test_a_refused_upload_shows_why_on_the_documents_page_and_stores_nothing(
        app: Flask, applicant: FlaskClient, draft_id: int, name: str, content: Any, message: str) -> None:
    documents_before, files_before = document_count(app), stored_files(app)

    response = upload(applicant, draft_id, name, content())

    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#file"
    assert field_error(response, "file") == message
    assert page(response).find("input", attrs={"type": "file", "id": "file"}) is not None
    assert extra_file_links(response) == []
    assert document_count(app) == documents_before
    assert stored_files(app) == files_before
    with app.app_context():
        assert db.session.scalars(select(ApplicationDocument).where(
            ApplicationDocument.application_id == draft_id, ApplicationDocument.kind == DocumentKind.OTHER)).all() == []


def test_officers_see_files_on_a_submitted_application_marked_not_scanned(
        app: Flask, applicant: FlaskClient, setting: Any, login_as: Any) -> None:
    application_id = ready_draft(applicant, app, setting)
    assert upload(applicant, application_id, "Evaluation.pdf", real_pdf("Evaluation")).status_code == 302
    assert post_submit(applicant, application_id).status_code == 302
    officer = login_as(Role.GRANTS_OFFICER)

    view = officer.get(f"/applications/{application_id}/view")

    assert view.status_code == 200
    rows = page(view).select("table.govuk-table tbody tr")
    files = {row.select("td")[1].get_text(strip=True): row.select("td")[2].get_text(strip=True) for row in rows}
    assert files == {"constitution.pdf": "Not scanned", "accounts.pdf": "Not scanned",
                     "safeguarding_policy.pdf": "Not scanned", "Evaluation.pdf": "Not scanned"}
    with app.app_context():
        evaluation = db.session.scalar(select(Document).where(Document.original_name == "Evaluation.pdf"))
    with officer.get(f"/documents/{evaluation.id}") as download:
        assert download.status_code == 200
        assert download.data.startswith(b"%PDF-")
