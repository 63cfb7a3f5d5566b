"""An organisation's documents: uploaded once, checked by their bytes, private to its members."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.organisations.document_routes import safe_return_path
from sv_grants.organisations.models import Document

from ..helpers import csrf_token, error_summary, field_error, heading, page, real_pdf, set_up_organisation

BAD_NAME = "The file name must not contain slashes or '..' — rename the file and try again"


@pytest.fixture
def late_evening():
    """23:40 in London on 31 March 2027 (British Summer Time), set before anyone signs in."""
    clock.travel_to(datetime(2027, 3, 31, 22, 40, tzinfo=UTC))


@pytest.fixture
def applicant(app, login_as):
    client = login_as(Role.APPLICANT)
    client.organisation_id = set_up_organisation(app, client.person.id)
    return client


def list_url(client) -> str:
    return f"/organisations/{client.organisation_id}/documents"


def upload_url(client, query: str = "") -> str:
    return f"/organisations/{client.organisation_id}/documents/upload{query}"


def upload(client, filename: str | None = "constitution.pdf", data: bytes | None = None,
           kind: str | None = "constitution", expires: tuple[str, str, str] = ("", "", ""), url: str | None = None):
    """Post the upload form as a browser would, with the file as multipart data."""
    url = url or upload_url(client)
    fields = {"csrf_token": csrf_token(client.get(url)), "expires_on": list(expires)}
    if kind is not None:
        fields["kind"] = kind
    if filename is not None:
        fields["file"] = FileStorage(io.BytesIO(real_pdf() if data is None else data), filename)
    # Encoded in memory: the test client spools big bodies to a temporary file it never closes.
    body, length, boundary = stream_encode_multipart(MultiDict(fields), use_tempfile=False)
    return client.post(url, input_stream=body, content_length=length,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def listed(response) -> list[dict[str, str]]:
    """The rows of the documents table, by column heading."""
    table = page(response).find("table")
    if table is None:
        return []
    headers = [" ".join(th.get_text().split()) for th in table.select("thead th")]
    return [dict(zip(headers, (" ".join(td.get_text(" ").split()) for td in row.find_all("td")), strict=True))
            for row in table.select("tbody tr")]


def banner(response) -> str:
    title = page(response).select_one(".govuk-notification-banner__heading")
    return " ".join(title.get_text().split()) if title else ""


def missing(response) -> list[str]:
    return [li.get_text(strip=True) for li in page(response).select("#missing-documents li")]


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def document_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Document))


def test_an_uploaded_pdf_is_listed_with_its_expiry_date(app, applicant):
    response = upload(applicant, "insurance 2026.pdf", kind="insurance", expires=("31", "3", "2027"))
    assert response.status_code == 302
    assert response.headers["Location"] == list_url(applicant)
    shown = applicant.get(list_url(applicant))
    assert banner(shown) == "insurance 2026.pdf has been uploaded."
    assert heading(shown) == "Your organisation's documents"
    [row] = listed(shown)
    assert row["Document"] == "Insurance certificate"
    assert row["File"] == "insurance 2026.pdf"
    assert row["Expires"] == "31 March 2027"
    assert "Expired" not in row["Expires"]
    assert len(stored_files(app)) == 1


def test_the_upload_is_recorded_and_audited_with_its_checksum(app, applicant):
    data = real_pdf()
    upload(applicant, data=data)
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert (document.kind, document.original_name, document.content_type) == \
            ("constitution", "constitution.pdf", "application/pdf")
        assert document.size_bytes == len(data)
        assert document.application_id is None and document.expires_on is None
        assert document.uploaded_by_id == applicant.person.id
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
        assert event.actor_id == applicant.person.id
        assert event.subject_id == str(document.id)
        assert event.details["sha256"] == document.sha256
        assert event.details["scan_status"] == "not_scanned"


def test_the_download_returns_the_same_bytes_as_an_attachment_that_is_never_sniffed(applicant):
    data = real_pdf("Latest accounts, year to March 2026")
    upload(applicant, "accounts.pdf", data=data, kind="accounts")
    link = page(applicant.get(list_url(applicant))).find("a", string="accounts.pdf")["href"]
    assert link.startswith("/documents/")
    response = applicant.get(link)
    body = response.get_data()
    response.close()  # send_file streams from an open file
    assert response.status_code == 200
    assert body == data
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename=accounts.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"


def test_an_html_file_named_pdf_is_refused_beside_the_field_and_nothing_is_kept(app, applicant):
    response = upload(applicant, "constitution.pdf", data=b"<!doctype html><script>alert(1)</script>",
                      expires=("1", "4", "2027"))
    message = "The file's content does not match its name: it ends .pdf but is not a PDF"
    assert response.status_code == 200
    assert field_error(response, "file") == message
    assert error_summary(response) == [message]
    assert stored_files(app) == []
    assert document_count(app) == 0
    form = page(response)
    assert form.find("input", attrs={"name": "kind", "value": "constitution"}).has_attr("checked")
    assert form.find(id="expires_on-year")["value"] == "2027"


def test_a_file_over_the_size_limit_is_refused_with_the_limit_not_a_server_error(app, applicant):
    response = upload(applicant, "accounts.pdf", data=b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024), kind="accounts")
    assert response.status_code == 200
    assert field_error(response, "file") == "The selected file must be smaller than 10MB"
    assert stored_files(app) == []
    assert document_count(app) == 0


def test_the_hint_tells_people_the_types_and_size_allowed(applicant):
    hint = page(applicant.get(upload_url(applicant))).find(id="file-hint").get_text()
    assert "PDF" in hint and "smaller than 10MB" in hint


def test_a_file_name_that_climbs_folders_is_refused(app, applicant):
    response = upload(applicant, "../../constitution.pdf")
    assert field_error(response, "file") == BAD_NAME
    assert stored_files(app) == []
    assert document_count(app) == 0


def test_a_missing_file_and_a_missing_kind_are_each_named(app, applicant):
    response = upload(applicant, filename=None, kind=None)
    assert response.status_code == 200
    assert error_summary(response) == ["Select what the document is", "Select a file to upload"]
    assert field_error(response, "kind") == "Select what the document is"
    assert field_error(response, "file") == "Select a file to upload"
    assert document_count(app) == 0


def test_an_impossible_expiry_date_is_named_and_the_kind_chosen_is_kept(app, applicant):
    response = upload(applicant, kind="insurance", expires=("31", "2", "2027"))
    assert response.status_code == 200
    assert field_error(response, "expires_on") == "Expiry date must be a real date, like 27 3 2026"
    assert error_summary(response) == ["Expiry date must be a real date, like 27 3 2026"]
    form = page(response)
    assert form.find("input", attrs={"name": "kind", "value": "insurance"}).has_attr("checked")
    assert form.find(id="expires_on-day")["value"] == "31"
    assert document_count(app) == 0


def test_a_document_is_tagged_expired_from_the_day_after_its_expiry_date_in_london(late_evening, applicant):
    upload(applicant, "insurance.pdf", kind="insurance", expires=("31", "3", "2027"))
    assert "Expired" not in listed(applicant.get(list_url(applicant)))[0]["Expires"]
    clock.advance(minutes=25)  # 00:05 on 1 April in London, still 31 March in UTC
    tag = page(applicant.get(list_url(applicant))).select_one("tbody .govuk-tag--red")
    assert tag is not None and tag.get_text(strip=True) == "Expired"


def test_the_list_names_the_required_documents_still_missing(applicant):
    empty = applicant.get(list_url(applicant))
    assert page(empty).find(id="no-documents") is not None
    assert missing(empty) == ["Constitution or governing document", "Latest accounts", "Safeguarding policy"]

    upload(applicant, kind="constitution")
    upload(applicant, "policy.pdf", kind="safeguarding_policy")
    assert missing(applicant.get(list_url(applicant))) == ["Latest accounts"]


def test_newest_documents_are_listed_first(late_evening, applicant):
    upload(applicant, "old.pdf")
    clock.advance(minutes=5)
    upload(applicant, "new.pdf")
    assert [row["File"] for row in listed(applicant.get(list_url(applicant)))] == ["new.pdf", "old.pdf"]


def test_removing_a_document_hides_it_but_keeps_the_file_for_applications(app, applicant):
    upload(applicant, "old constitution.pdf")
    listing = applicant.get(list_url(applicant))
    form = page(listing).select_one("tbody form")
    response = applicant.post(form["action"], data={"csrf_token": csrf_token(listing)})
    assert response.status_code == 302
    shown = applicant.get(response.headers["Location"])
    assert banner(shown) == "old constitution.pdf has been removed."
    assert listed(shown) == []
    assert len(stored_files(app)) == 1
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.removed_at is not None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.removed")) is not None
    assert applicant.post(form["action"], data={"csrf_token": csrf_token(listing)}).status_code == 404


def test_another_organisations_member_cannot_see_upload_remove_or_download(app, applicant, login_as):
    upload(applicant)
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    outsider = login_as(Role.APPLICANT)
    set_up_organisation(app, outsider.person.id, "Westside Boxing Club")
    token = csrf_token(outsider.get("/organisation"))

    assert outsider.get(list_url(applicant)).status_code == 404
    assert outsider.get(upload_url(applicant)).status_code == 404
    hijack = {"csrf_token": token, "kind": "constitution", "file": (io.BytesIO(real_pdf()), "fake.pdf")}
    assert outsider.post(upload_url(applicant), data=hijack, content_type="multipart/form-data").status_code == 404
    remove = f"{list_url(applicant)}/{document_id}/remove"
    assert outsider.post(remove, data={"csrf_token": token}).status_code == 404
    assert outsider.get(f"/documents/{document_id}").status_code == 404
    assert document_count(app) == 1
    with app.app_context():
        assert db.session.get(Document, document_id).removed_at is None


def test_a_document_cannot_be_removed_through_another_organisation(app, applicant):
    upload(applicant)
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    other_id = set_up_organisation(app, applicant.person.id, "Second Trust")
    token = csrf_token(applicant.get(list_url(applicant)))
    response = applicant.post(f"/organisations/{other_id}/documents/{document_id}/remove", data={"csrf_token": token})
    assert response.status_code == 404


def test_the_organisation_page_links_to_its_documents(applicant):
    shown = page(applicant.get(f"/organisations/{applicant.organisation_id}"))
    link = shown.find("a", string=lambda text: text and "Manage documents" in text)
    assert link["href"] == list_url(applicant)


def test_after_uploading_people_go_back_to_the_application_page_they_came_from(applicant):
    back_to = "/applications/7/sections/documents"
    url = upload_url(applicant, f"?return={back_to}")
    assert page(applicant.get(url)).select_one(".govuk-back-link")["href"] == back_to
    response = upload(applicant, url=url)
    assert response.status_code == 302
    assert response.headers["Location"] == back_to


def test_the_return_path_survives_a_refused_upload(applicant):
    back_to = "/applications/7/sections/documents"
    url = upload_url(applicant, f"?return={back_to}")
    refused = upload(applicant, filename=None, url=url)
    action = page(refused).find("form", attrs={"enctype": "multipart/form-data"})["action"]
    response = upload(applicant, url=action)
    assert response.headers["Location"] == back_to


@pytest.mark.parametrize("elsewhere", [
    "https://evil.example/", "//evil.example/applications/1", "/applications//evil.example",
    "/applications/1\\..\\..\\admin", "/organisations/1", "/applications", "javascript:alert(1)",
])
def test_a_return_address_outside_the_applications_is_ignored(applicant, elsewhere):
    response = upload(applicant, url=upload_url(applicant, "?" + urlencode({"return": elsewhere})))
    assert response.status_code == 302
    assert response.headers["Location"] == list_url(applicant)


@pytest.mark.parametrize(("value", "expected"), [
    ("/applications/12/sections/documents", "/applications/12/sections/documents"),
    ("/applications/12?tab=files", "/applications/12?tab=files"),
    (None, None), ("", None), ("https://evil.example/applications/1", None), ("//evil.example", None),
    ("/applications/1//x", None), ("/applications\\1", None), ("/applications/1\n/x", None),
    ("/applications/1 x", None), ("/admin/users", None), ("applications/1", None),
])
def test_only_paths_within_applications_are_safe_to_return_to(value, expected):
    assert safe_return_path(value) == expected
