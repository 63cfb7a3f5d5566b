"""Uploads: real files of each type are built here and judged by their bytes, then saved and scanned.

The virus scanner is tested against a small clamd stand-in that parses the real INSTREAM framing,
so a framing mistake in ``ClamdScanner`` fails here rather than against a production clamd.
"""

from __future__ import annotations

import hashlib
import io
import socket
import socketserver
import stat
import struct
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from PIL import Image

from sv_grants import storage
from sv_grants.storage import (
    ClamdScanner,
    NoScanner,
    ScannerUnavailable,
    ScanStatus,
    UploadRefused,
    check_and_store,
    inspect_upload,
    path_of,
    save,
    scanner_for,
)

from .helpers import real_pdf

MIB = 1024 * 1024
# Split so that antivirus on a developer's machine does not quarantine this test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CONTENT_TYPES_XML = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)
DAMAGED = "The selected file is damaged and could not be opened — save it again and upload the new copy"
UNSAFE = "The selected file could not be opened safely — save it again and upload the new copy"
BAD_NAME = "The file name must not contain slashes or '..' — rename the file and try again"


def real_image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (29, 112, 184)).save(buffer, image_format)
    return buffer.getvalue()


def real_xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Item", "Cost"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            # ODF wants its mimetype first and uncompressed; the rest are deflated as Office does.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, content, compress_type=method)
    return buffer.getvalue()


def real_docx(document: bytes = b"<w:document/>") -> bytes:
    return zip_of({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": document})


def real_odt() -> bytes:
    return zip_of(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "META-INF/manifest.xml": b"<manifest:manifest/>",
            "content.xml": b"<office:document-content/>",
        }
    )


def refusal(filename: str, data: bytes, max_bytes: int = 10 * MIB) -> str:
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(filename, data, max_bytes)
    return str(refused.value)


def test_a_real_pdf_is_accepted_with_its_content_type_and_checksum() -> None:
    pdf = real_pdf()

    checked = inspect_upload("Budget 2026.pdf", pdf, 10 * MIB)

    assert checked.content_type == "application/pdf"
    assert checked.extension == ".pdf"
    assert checked.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (checked.size, checked.data, checked.original_name) == (len(pdf), pdf, "Budget 2026.pdf")


@pytest.mark.parametrize(
    ("filename", "make", "content_type"),
    [
        ("scan.PNG", lambda: real_image("PNG"), "image/png"),
        ("photo.jpg", lambda: real_image("JPEG"), "image/jpeg"),
        ("photo.JPEG", lambda: real_image("JPEG"), "image/jpeg"),
        ("plan.docx", real_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("costs.xlsx", real_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("plan.odt", real_odt, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_each_allowed_type_is_accepted_by_its_content(
    filename: str, make: Callable[[], bytes], content_type: str
) -> None:
    assert inspect_upload(filename, make(), 10 * MIB).content_type == content_type


def test_an_html_file_renamed_pdf_is_refused_as_not_a_pdf() -> None:
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

    assert refusal("invoice.pdf", html) == "The file's content does not match its name: it ends .pdf but is not a PDF"


def test_a_pdf_named_docx_is_refused_as_being_a_pdf() -> None:
    assert refusal("plan.docx", real_pdf()) == "The file's content does not match its name: it ends .docx but is a PDF"


def test_a_pdf_without_an_allowed_extension_is_told_which_one_to_use() -> None:
    message = refusal("budget.txt", real_pdf())

    assert message == "The file's content does not match its name: it is a PDF, so its name should end .pdf"


def test_a_file_of_another_type_is_refused_with_the_list_of_allowed_types() -> None:
    message = refusal("notes.txt", b"just some text")

    assert message.startswith("The selected file must be a PDF, Word document (DOCX), Excel spreadsheet (XLSX)")


def test_a_plain_zip_named_docx_is_refused_as_not_a_word_document() -> None:
    message = refusal("plan.docx", zip_of({"readme.txt": b"hello"}))

    assert message == "The file's content does not match its name: it ends .docx but is not a Word document (DOCX)"


def test_an_11mb_file_is_refused_with_the_size_limit_in_the_message() -> None:
    assert refusal("big.pdf", b"%PDF-" + bytes(11 * MIB)) == "The selected file must be smaller than 10MB"


def test_the_size_limit_in_the_message_follows_the_setting() -> None:
    message = refusal("big.pdf", b"%PDF-" + bytes(MIB), max_bytes=MIB // 2)

    assert message == "The selected file must be smaller than 0.5MB"


def test_an_empty_file_is_refused() -> None:
    assert refusal("empty.pdf", b"") == "The selected file is empty"


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.pdf", "..\\x.pdf", "a/b.pdf", "", "   ", "nul\x00.pdf", "gnp\u202e.exe.pdf"]
)
def test_a_file_name_that_could_be_read_as_a_path_or_hides_characters_is_refused(filename: str) -> None:
    assert refusal(filename, real_pdf()) == BAD_NAME


def test_file_names_are_tidied_and_long_ones_are_shortened_keeping_the_extension() -> None:
    assert inspect_upload("  My   budget\t2026.pdf ", real_pdf(), MIB).original_name == "My budget 2026.pdf"

    long_name = inspect_upload("x" * 300 + ".pdf", real_pdf(), MIB).original_name

    assert len(long_name) == 200
    assert long_name.endswith("x.pdf")


def test_a_docx_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        with archive.open("word/document.xml", "w") as member:
            zeros = bytes(MIB)
            for _ in range(200):  # 200 MiB of zeros, streamed so the test stays light
                member.write(zeros)
    bomb = buffer.getvalue()
    assert len(bomb) < MIB

    assert refusal("plan.docx", bomb) == UNSAFE


def test_small_members_adding_up_past_the_budget_are_refused() -> None:
    # Each member stays under the ratio check's floor; only the running total catches them.
    members = {f"word/media/part{i}.xml": bytes(1_000_000) for i in range(storage.MAX_UNZIPPED_BYTES // 1_000_000 + 1)}
    archive = zip_of({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b"<w:document/>", **members})

    assert refusal("plan.docx", archive) == UNSAFE


def claim_size(archive: bytes, member: str, claimed: int) -> bytes:
    """Rewrite a member's uncompressed size in its local header and its central directory entry."""
    patched = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as reader:
        struct.pack_into("<I", patched, reader.getinfo(member).header_offset + 22, claimed)
        position = reader.start_dir
    while patched[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", patched, position + 28)
        if patched[position + 46 : position + 46 + name_length] == member.encode():
            struct.pack_into("<I", patched, position + 24, claimed)
        position += 46 + name_length + extra_length + comment_length
    return bytes(patched)


def test_a_zip_whose_headers_understate_a_members_size_is_refused() -> None:
    document = b"<w:document>" + b"".join(b"<w:p>%d</w:p>" % i for i in range(50_000)) + b"</w:document>"
    honest = real_docx(document)
    liar = claim_size(honest, "word/document.xml", 1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as reader:
        assert reader.getinfo("word/document.xml").file_size == 1000  # the lie is in place

    assert inspect_upload("plan.docx", honest, 10 * MIB).extension == ".docx"
    assert refusal("plan.docx", liar) == UNSAFE


def test_a_zip_with_more_than_a_thousand_entries_is_refused() -> None:
    members = {f"word/part{i}.xml": b"" for i in range(storage.MAX_ZIP_ENTRIES)}
    archive = zip_of({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": b"<w:document/>", **members})

    assert refusal("plan.docx", archive) == UNSAFE


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda good: b"PK\x03\x04" + b"\x00" * 200, DAMAGED),  # a zip signature and nothing behind it
        (lambda good: good[: len(good) // 2], DAMAGED),  # cut off part-way
        (lambda good: good.replace(b"<w:document/>", b"<w:documenT/>"), UNSAFE),  # checksum no longer fits
    ],
    ids=["signature only", "cut off", "wrong checksum"],
)
def test_a_damaged_zip_is_refused(damage: Callable[[bytes], bytes], message: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:  # stored, so the damage is easy to aim
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", b"<w:document/>")
    assert inspect_upload("plan.docx", buffer.getvalue(), MIB).extension == ".docx"

    assert refusal("plan.docx", damage(buffer.getvalue())) == message


def test_a_saved_file_lands_in_the_folder_under_a_random_hex_name(tmp_path: Path) -> None:
    checked = inspect_upload("budget.pdf", real_pdf(), 10 * MIB)
    upload_dir = str(tmp_path / "uploads" / "nested")

    first, second = save(checked, upload_dir), save(checked, upload_dir)

    assert first != second
    assert len(first) == 32 and int(first, 16) >= 0
    assert path_of(first, upload_dir).read_bytes() == checked.data
    assert stat.S_IMODE(path_of(first, upload_dir).stat().st_mode) == 0o640
    assert sorted(p.name for p in Path(upload_dir).iterdir()) == sorted([first, second])  # no temp files left


@pytest.mark.parametrize("name", ["../x", "", "A" * 32, "0" * 31, "0" * 33, "0" * 31 + "/", "0" * 32 + "\n"])
def test_path_of_refuses_names_that_save_could_not_have_made(name: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a stored file name"):
        path_of(name, str(tmp_path))


def test_delete_removes_a_stored_file_and_ignores_one_already_gone(tmp_path: Path) -> None:
    stored = save(inspect_upload("budget.pdf", real_pdf(), 10 * MIB), str(tmp_path))

    storage.delete(stored, str(tmp_path))
    storage.delete(stored, str(tmp_path))

    assert not path_of(stored, str(tmp_path)).exists()


@dataclass
class Received:
    command: bytes
    chunk_sizes: list[int]
    data: bytes


class FakeClamdHandler(socketserver.BaseRequestHandler):
    """Reads INSTREAM exactly as clamd does and answers as clamd would."""

    def handle(self) -> None:
        with self.request.makefile("rb") as stream:
            command = stream.read(len(b"zINSTREAM\0"))
            chunks: list[bytes] = []
            while (length := struct.unpack(">I", stream.read(4))[0]) != 0:
                chunks.append(stream.read(length))
        data = b"".join(chunks)
        self.server.received.append(Received(command, [len(c) for c in chunks], data))  # type: ignore[attr-defined]
        if command != b"zINSTREAM\0" or b"garble" in data:
            self.request.sendall(b"UNKNOWN COMMAND\0")
        elif EICAR in data:
            self.request.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


class FakeClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, address: Any) -> None:
        super().__init__(address, FakeClamdHandler)
        self.received: list[Received] = []


class FakeUnixClamd(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, address: Any) -> None:
        super().__init__(address, FakeClamdHandler)
        self.received: list[Received] = []


@dataclass
class Running:
    address: str
    server: FakeClamd | FakeUnixClamd


@contextmanager
def serve(server: FakeClamd | FakeUnixClamd, address: str) -> Iterator[Running]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Running(address, server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def clamd() -> Iterator[Running]:
    server = FakeClamd(("127.0.0.1", 0))
    with serve(server, f"127.0.0.1:{server.server_address[1]}") as running:
        yield running


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_clamd_scanner_reports_a_clean_file_and_frames_it_in_chunks(clamd: Running) -> None:
    data = real_pdf() + bytes(200_000)

    result = ClamdScanner(clamd.address).scan(data)

    assert result.status == ScanStatus.CLEAN
    [received] = clamd.server.received
    assert received.command == b"zINSTREAM\0"
    assert received.data == data
    assert len(received.chunk_sizes) > 1 and max(received.chunk_sizes) <= 64 * 1024


def test_clamd_scanner_reports_an_infected_file_with_the_signature_name(clamd: Running) -> None:
    result = ClamdScanner(clamd.address).scan(b"%PDF-1.4\n" + EICAR)

    assert (result.status, result.detail) == (ScanStatus.INFECTED, "Eicar-Test-Signature")


def test_clamd_scanner_works_over_a_unix_socket() -> None:
    with tempfile.TemporaryDirectory() as folder:  # short path: Unix socket paths are limited to ~100 bytes
        address = str(Path(folder) / "clamd.sock")
        with serve(FakeUnixClamd(address), address):
            assert ClamdScanner(address).scan(EICAR).status == ScanStatus.INFECTED
            assert ClamdScanner(address).scan(b"fine").status == ScanStatus.CLEAN


def test_an_answer_clamd_would_not_give_means_the_scanner_is_unavailable(clamd: Running) -> None:
    with pytest.raises(ScannerUnavailable, match="UNKNOWN COMMAND"):
        ClamdScanner(clamd.address).scan(b"garble")


def test_a_scanner_pointed_at_a_closed_port_is_unavailable() -> None:
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(f"127.0.0.1:{closed_port()}", timeout=5).scan(b"anything")


def test_a_malformed_clamd_address_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="CLAMD_ADDRESS"):
        ClamdScanner("localhost")


def test_scanner_for_an_empty_address_keeps_files_as_not_scanned() -> None:
    scanner = scanner_for({"CLAMD_ADDRESS": ""})

    assert isinstance(scanner, NoScanner)
    assert scanner.scan(b"anything").status == ScanStatus.NOT_SCANNED


def config_for(tmp_path: Path, clamd_address: str = "") -> dict[str, Any]:
    return {"MAX_UPLOAD_BYTES": 10 * MIB, "UPLOAD_DIR": str(tmp_path / "uploads"), "CLAMD_ADDRESS": clamd_address}


def test_check_and_store_saves_a_clean_file_with_its_scan_status(tmp_path: Path, clamd: Running) -> None:
    pdf = real_pdf()

    stored = check_and_store("budget.pdf", pdf, config_for(tmp_path, clamd.address))

    assert stored.scan_status == ScanStatus.CLEAN
    assert (stored.original_name, stored.content_type, stored.size) == ("budget.pdf", "application/pdf", len(pdf))
    assert path_of(stored.stored_name, str(tmp_path / "uploads")).read_bytes() == pdf


def test_check_and_store_keeps_a_file_as_not_scanned_without_a_scanner(tmp_path: Path) -> None:
    assert check_and_store("budget.pdf", real_pdf(), config_for(tmp_path)).scan_status == ScanStatus.NOT_SCANNED


def test_check_and_store_refuses_an_infected_file_and_keeps_nothing(tmp_path: Path, clamd: Running) -> None:
    with pytest.raises(UploadRefused, match=r"^The selected file contains a virus$"):
        check_and_store("budget.pdf", real_pdf() + EICAR, config_for(tmp_path, clamd.address))

    assert not (tmp_path / "uploads").exists()


def test_check_and_store_refuses_a_file_it_could_not_scan(tmp_path: Path) -> None:
    config = config_for(tmp_path, f"127.0.0.1:{closed_port()}")

    with pytest.raises(UploadRefused, match=r"^The file could not be checked for viruses — try again later$"):
        check_and_store("budget.pdf", real_pdf(), config)

    assert not (tmp_path / "uploads").exists()
