"""Documents that can run code when opened are refused at upload, through the real upload page.

Each file is built here as Office, LibreOffice or a PDF writer would lay it out, with the macro,
ActiveX control, script or attachment added; clean files of every kind must still go through.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.organisations.models import Document

from .applications.journey import section_url, start_application
from .helpers import complete_organisation, csrf_token, error_summary, field_error, real_pdf, set_up_organisation

DOCX_MACROS = "The selected file contains macros. Save it without macros (as .docx) and upload it again"
XLSX_MACROS = "The selected file contains macros. Save it without macros (as .xlsx) and upload it again"
ACTIVEX = "The selected file contains ActiveX controls. Remove them, save it (as .docx) and upload it again"
ODT_MACROS = "The selected file contains macros. Remove the macros, save it and upload it again"
PDF_SCRIPTS = ("The selected file contains scripts or commands that run when it is opened. "
               "Print it to a new PDF and upload that instead")
PDF_ATTACHMENTS = "The selected file has other files attached inside it. Print it to a new PDF and upload that instead"
PDF_PROTECTED = ("The selected file is protected with a password or encryption, so it cannot be checked. "
                 "Print it to a new PDF and upload that instead")
DAMAGED = "The selected file is damaged and could not be opened — save it again and upload the new copy"


# Building files ----------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            # ODF wants its mimetype first and uncompressed; the rest are deflated as Office does.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx(main: str = WORD_MAIN, extra_types: str = "", document_rels: str = "",
         parts: dict[str, bytes] | None = None) -> bytes:
    """A Word document laid out as Word saves one: content types, relationships, the document."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra_types}</Types>'
    )
    package_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'hyperlink" Target="https://example.org/macroEnabled-vbaProject-activeX" TargetMode="External"/>'
        f"{document_rels}</Relationships>"
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Our constitution</w:t></w:r></w:p></w:body></w:document>"
    )
    return zip_of({
        "[Content_Types].xml": content_types.encode(), "_rels/.rels": package_rels.encode(),
        "word/document.xml": document.encode(), "word/_rels/document.xml.rels": rels.encode(), **(parts or {}),
    })


VBA = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)  # the compound file header a vbaProject.bin starts with


def xlsx(change: Callable[[dict[str, bytes]], None] | None = None) -> bytes:
    """A workbook saved by openpyxl, optionally changed member by member afterwards."""
    workbook = Workbook()
    workbook.active.append(["Item", "Cost"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    members = members_of(buffer.getvalue())
    if change:
        change(members)
    return zip_of(members)


def macro_enabled_workbook(members: dict[str, bytes]) -> None:
    types = members["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert types != members["[Content_Types].xml"]
    members["[Content_Types].xml"] = types


ODF = "urn:oasis:names:tc:opendocument:xmlns"


def odt(manifest_entries: str = "", content_body: str = "", parts: dict[str, bytes] | None = None) -> bytes:
    """An OpenDocument text file laid out as LibreOffice saves one."""
    manifest = (
        f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{ODF}:manifest:1.0" '
        'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        f"{manifest_entries}</manifest:manifest>"
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{ODF}:office:1.0" '
        f'xmlns:text="{ODF}:text:1.0" xmlns:script="{ODF}:script:1.0" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.3">'
        f"<office:scripts><office:event-listeners/></office:scripts>{content_body}"
        "<office:body><office:text><text:p>Our safeguarding policy</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    return zip_of({
        "mimetype": b"application/vnd.oasis.opendocument.text", "META-INF/manifest.xml": manifest.encode(),
        "content.xml": content.encode(),
        # LibreOffice always writes this one empty, and deflated.
        "Configurations2/accelerator/current.xml": b"", **(parts or {}),
    })


BASIC_MODULE = (
    b'<?xml version="1.0" encoding="UTF-8"?><script:module xmlns:script="http://openoffice.org/2000/script" '
    b'script:name="Module1" script:language="StarBasic">Sub Main\n  Shell("calc")\nEnd Sub</script:module>'
)


def pdf_written_by_pypdf(change: Callable[[PdfWriter], None] | None = None, source: bytes | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source or real_pdf())))
    if change:
        change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_with_javascript(writer: PdfWriter) -> None:
    writer.add_open_action(JavaScript("app.launchURL('https://example.org/', true);"))


def open_with_launch(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )


def pdf_with_object_stream(catalog_extra: bytes = b"", encrypted: bool = False) -> bytes:
    """A PDF 1.5 file whose catalog, pages and page are deflated inside an object stream.

    Nothing in the catalog can be seen by searching the file's raw bytes, which is what a
    check that does not inflate object streams would miss.
    """
    inner = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    offsets, body = [], b""
    for obj in inner:
        offsets.append(len(body))
        body += obj + b"\n"
    header = b" ".join(b"%d %d" % (number, offset) for number, offset in zip((1, 2, 3), offsets, strict=True)) + b"\n"
    packed = zlib.compress(header + body)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    stream_at = len(out)
    out += (b"4 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (len(header), len(packed))) + packed + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"] + [b"\x02" + (4).to_bytes(4, "big") + i.to_bytes(2, "big")
                                                 for i in range(3)]
    rows += [b"\x01" + stream_at.to_bytes(4, "big") + b"\x00\x00", b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    encrypt = b" /Encrypt << /Filter /Standard /V 4 /R 4 >>" if encrypted else b""
    out += (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R%s /Length %d >>\nstream\n"
            % (encrypt, len(table))) + table + b"\nendstream\nendobj\n"
    return out + b"startxref\n%d\n%%%%EOF\n" % xref_at


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (29, 112, 184)).save(buffer, kind)
    return buffer.getvalue()


# Uploading ---------------------------------------------------------------------------------------


@pytest.fixture
def applicant(app, login_as):
    client = login_as(Role.APPLICANT)
    client.organisation_id = set_up_organisation(app, client.person.id)
    return client


def upload(client, filename: str, data: bytes):
    """Post the organisation's document upload form as a browser would."""
    url = f"/organisations/{client.organisation_id}/documents/upload"
    fields = {"csrf_token": csrf_token(client.get(url)), "kind": "constitution", "expires_on": ["", "", ""],
              "file": FileStorage(io.BytesIO(data), filename)}
    body, length, boundary = stream_encode_multipart(MultiDict(fields), use_tempfile=False)
    return client.post(url, input_stream=body, content_length=length,
                       content_type=f'multipart/form-data; boundary="{boundary}"')


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.iterdir()) if folder.exists() else []


def kept(app) -> tuple[int, int, int]:
    """Files on disk, document rows and upload audit events."""
    with app.app_context():
        documents = db.session.scalar(select(func.count()).select_from(Document))
        events = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "document.uploaded"))
    return len(stored_files(app)), documents, events


def assert_refused(app, response, message: str) -> None:
    assert response.status_code == 200
    assert field_error(response, "file") == message
    assert error_summary(response) == [message]
    assert kept(app) == (0, 0, 0)


# Office documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "make", "message"),
    [
        ("constitution.docx", lambda: docx(parts={"word/vbaProject.bin": VBA}), DOCX_MACROS),
        ("constitution.docx", lambda: docx(main=WORD_MACRO_MAIN), DOCX_MACROS),
        # A .docm renamed .docx: both the part and the content types give it away.
        ("constitution.docx", lambda: docx(main=WORD_MACRO_MAIN, parts={"word/vbaProject.bin": VBA}), DOCX_MACROS),
        # The project under another name still has to be declared for Word to load it.
        ("constitution.docx", lambda: docx(
            extra_types='<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
            document_rels='<Relationship Id="rId5" Type="http://schemas.microsoft.com/office/2006/relationships/'
                          'vbaProject" Target="project.bin"/>', parts={"word/project.bin": VBA}), DOCX_MACROS),
        # Character references are resolved by Word's XML parser, so they must not hide the type.
        ("constitution.docx", lambda: docx(main="application/vnd.ms-word.document.macro&#69;nabled.main+xml"),
         DOCX_MACROS),
        ("constitution.docx", lambda: docx(parts={"word/activeX/activeX1.xml": b"<ax:ocx/>",
                                                  "word/activeX/activeX1.bin": VBA}), ACTIVEX),
        ("costs.xlsx", lambda: xlsx(lambda m: m.update({"xl/vbaProject.bin": VBA})), XLSX_MACROS),
        ("costs.xlsx", lambda: xlsx(macro_enabled_workbook), XLSX_MACROS),
        ("costs.xlsx", lambda: xlsx(lambda m: m.update({"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})),
         XLSX_MACROS),
        # Named .docm, the macros are what the person needs to hear about, not the extension.
        ("constitution.docm", lambda: docx(main=WORD_MACRO_MAIN, parts={"word/vbaProject.bin": VBA}), DOCX_MACROS),
    ],
    ids=["docx-vba-project", "docx-macro-content-type", "docm-renamed", "docx-vba-under-another-name",
         "docx-escaped-content-type", "docx-activex", "xlsx-vba-project", "xlsm-content-type", "xlsx-xlm-macro-sheet",
         "named-docm"],
)
def test_office_documents_with_macros_or_activex_are_refused_and_nothing_is_kept(
        app, applicant, filename, make, message):
    assert_refused(app, upload(applicant, filename, make()), message)


def test_a_hyperlink_whose_address_mentions_macros_does_not_make_a_document_refused(app, applicant):
    # docx() always carries a hyperlink to ".../macroEnabled-vbaProject-activeX"; only types count.
    response = upload(applicant, "constitution.docx", docx())
    assert response.status_code == 302
    assert kept(app) == (1, 1, 1)


# OpenDocument ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: odt(manifest_entries='<manifest:file-entry manifest:full-path="Basic/Standard/Module1.xml" '
                                     'manifest:media-type="text/xml"/>',
                    parts={"Basic/Standard/Module1.xml": BASIC_MODULE, "Basic/script-lc.xml": b"<library/>"}),
        lambda: odt(parts={"Scripts/python/run.py": b"import os\nos.system('calc')\n"}),
        # Listed in the manifest only: LibreOffice goes by the manifest, so it is refused too.
        lambda: odt(manifest_entries='<manifest:file-entry manifest:full-path="Scripts/python/run.py" '
                                     'manifest:media-type=""/>'),
        # A macro bound to opening the document, with no library inside the file.
        lambda: odt(content_body='<office:event-listeners><script:event-listener script:language="ooo:script" '
                                 'script:event-name="office:load" xlink:href="vnd.sun.star.script:Standard.'
                                 'Module1.Main?language=Basic&amp;location=application"/></office:event-listeners>'),
    ],
    ids=["basic-library", "python-script", "manifest-only", "run-on-open"],
)
def test_an_odt_with_macros_is_refused_and_nothing_is_kept(app, applicant, make):
    assert_refused(app, upload(applicant, "safeguarding.odt", make()), ODT_MACROS)


# PDF ---------------------------------------------------------------------------------------------


def escaped_javascript() -> bytes:
    # "/J#61vaScript" is "/JavaScript" to a PDF reader; the offsets shift, which readers repair.
    data = pdf_written_by_pypdf(open_with_javascript)
    hidden = data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS (", b"/J#53 (")
    assert b"/JavaScript" not in hidden and b"/JS" not in hidden
    return hidden


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: pdf_written_by_pypdf(open_with_javascript), PDF_SCRIPTS),
        (lambda: pdf_written_by_pypdf(open_with_launch), PDF_SCRIPTS),
        (escaped_javascript, PDF_SCRIPTS),
        (lambda: pdf_with_object_stream(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), PDF_SCRIPTS),
        # Some readers take a stream as an object stream from the cross-reference alone.
        (lambda: pdf_with_object_stream(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
         .replace(b"/Type /ObjStm ", b""), PDF_SCRIPTS),
        (lambda: pdf_written_by_pypdf(lambda w: w.add_attachment("run.docm", b"anything")), PDF_ATTACHMENTS),
        (lambda: pdf_with_object_stream(encrypted=True), PDF_PROTECTED),
    ],
    ids=["javascript-on-open", "launch", "escaped-names", "inside-object-stream", "inside-untyped-object-stream",
         "attachment", "encrypted-objects"],
)
def test_a_pdf_with_scripts_launch_actions_or_attachments_is_refused_and_nothing_is_kept(
        app, applicant, make, message):
    assert_refused(app, upload(applicant, "accounts.pdf", make()), message)


def test_the_object_stream_fixture_really_hides_the_script_where_a_reader_finds_it():
    data = pdf_with_object_stream(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    assert b"JavaScript" not in data
    assert PdfReader(io.BytesIO(data)).trailer["/Root"]["/OpenAction"]["/S"] == "/JavaScript"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.5\n4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\nnot deflated at all",
        b"%PDF-1.5\n4 0 obj << /Type /ObjStm /N 1 /First 4 >> endobj",
        b"%PDF-1.5\n4 0 obj << /Type /ObjStm /DecodeParms << /Predictor 12 >> >>\nstream\n" + zlib.compress(b"x"),
    ],
    ids=["not-deflated", "no-stream", "predictor"],
)
def test_a_pdf_whose_object_streams_cannot_be_read_is_refused_as_damaged_not_a_server_error(app, applicant, data):
    assert_refused(app, upload(applicant, "accounts.pdf", data), DAMAGED)


def test_a_file_with_macros_added_to_an_application_is_refused_on_the_documents_page(app, login_as, setting):
    client = login_as(Role.APPLICANT)
    organisation_id = complete_organisation(app, client.person.id)
    application_id = start_application(client, organisation_id, setting.round_id, setting.priority_ids[0])
    before = kept(app)
    fields = MultiDict({"csrf_token": csrf_token(client.get(section_url(application_id, "documents"))),
                        "file": FileStorage(io.BytesIO(docx(main=WORD_MACRO_MAIN)), "budget.docx")})
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    response = client.post(f"/applications/{application_id}/documents", input_stream=body, content_length=length,
                           content_type=f'multipart/form-data; boundary="{boundary}"')
    assert response.status_code == 400
    assert field_error(response, "file") == DOCX_MACROS
    assert error_summary(response) == [DOCX_MACROS]
    assert kept(app) == before


# Clean files still go through --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("constitution.pdf", real_pdf),
        ("constitution.pdf", pdf_written_by_pypdf),
        ("constitution.pdf", pdf_with_object_stream),
        # Restricted ("secured") PDFs that open without a password are common from accountants.
        ("constitution.pdf", lambda: pdf_written_by_pypdf(lambda w: w.encrypt("", "owner secret"))),
        # An opening action that only sets the view is not a script.
        ("constitution.pdf", lambda: pdf_with_object_stream(b"/OpenAction [3 0 R /Fit]")),
        ("constitution.docx", docx),
        ("constitution.xlsx", xlsx),
        ("constitution.odt", odt),
        ("constitution.jpg", lambda: image("JPEG")),
        ("constitution.png", lambda: image("PNG")),
    ],
    ids=["pdf", "pdf-pypdf", "pdf-object-stream", "pdf-restricted", "pdf-open-view", "docx", "xlsx", "odt",
         "jpeg", "png"],
)
def test_clean_files_of_each_kind_still_upload(app, applicant, filename, make):
    data = make()
    response = upload(applicant, filename, data)
    assert response.status_code == 302, field_error(response, "file")
    assert kept(app) == (1, 1, 1)
    assert stored_files(app)[0].read_bytes() == data
