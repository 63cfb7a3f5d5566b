"""Uploaded files: find out what they really are, scan them for viruses and keep them on disk.

Every upload in the service comes through here, so the rules live in one place. A file's type is
judged from its bytes, never from its name or the browser's declared type, and Office documents
are opened as real zips to refuse zip bombs. Documents carrying macros or scripts are refused too
(the checks are in ``document_checks``). Files are stored under random names outside
``static/``; callers record the returned ``StoredFile`` and know nothing about the disk layout.
This module knows nothing about grants: it imports only the standard library and ``document_checks``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import socket
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from . import document_checks

log = logging.getLogger(__name__)

MAX_ZIP_ENTRIES = 1000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # all members of one document together, counted as inflated
MAX_RATIO = 200  # uncompressed:compressed, only checked for members bigger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_STORED_NAME = re.compile(r"[0-9a-f]{32}")

_BAD_NAME = "The file name must not contain slashes or '..' — rename the file and try again"
_WRONG_TYPE = (
    "The selected file must be a PDF, Word document (DOCX), Excel spreadsheet (XLSX), "
    "OpenDocument text (ODT), JPEG or PNG"
)
_DAMAGED = "The selected file is damaged and could not be opened — save it again and upload the new copy"
_UNSAFE = "The selected file could not be opened safely — save it again and upload the new copy"


class UploadRefused(Exception):
    """The file cannot be accepted; the message is shown beside the file field as it stands."""


class ScannerUnavailable(RuntimeError):
    """The virus scanner could not be reached or gave an answer we do not understand."""


@dataclass(frozen=True)
class _Kind:
    label: str  # completes "it is …" / "it is not …"
    content_type: str
    extensions: tuple[str, ...]


_OOXML = "application/vnd.openxmlformats-officedocument."
KINDS: dict[str, _Kind] = {
    "pdf": _Kind("a PDF", "application/pdf", (".pdf",)),
    "docx": _Kind("a Word document (DOCX)", _OOXML + "wordprocessingml.document", (".docx",)),
    "xlsx": _Kind("an Excel spreadsheet (XLSX)", _OOXML + "spreadsheetml.sheet", (".xlsx",)),
    "odt": _Kind("an OpenDocument text file (ODT)", "application/vnd.oasis.opendocument.text", (".odt",)),
    "jpeg": _Kind("a JPEG image", "image/jpeg", (".jpg", ".jpeg")),
    "png": _Kind("a PNG image", "image/png", (".png",)),
}
_KIND_BY_EXTENSION = {ext: kind for kind in KINDS.values() for ext in kind.extensions}


@dataclass(frozen=True)
class CheckedFile:
    original_name: str  # sanitised, for display and downloads only: never used as a path
    extension: str  # lower case with the dot, e.g. ".pdf"
    content_type: str
    size: int
    sha256: str
    data: bytes


def inspect_upload(filename: str, data: bytes, max_bytes: int) -> CheckedFile:
    """Accept a file whose bytes are an allowed type matching its name, or raise UploadRefused."""
    name = _clean_name(filename)
    if not data:
        raise UploadRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise UploadRefused(f"The selected file must be smaller than {round(max_bytes / 1024 / 1024, 1):g}MB")
    extension = name.rpartition(".")[2].lower()
    extension = "." + extension if "." in name and extension else ""
    sniffed = _sniff(data)
    actual = KINDS[sniffed] if sniffed else None
    expected = _KIND_BY_EXTENSION.get(extension)
    if actual is None and expected is None:
        raise UploadRefused(_WRONG_TYPE)
    if actual is not expected:
        mismatch = "The file's content does not match its name: "
        if expected is None:
            raise UploadRefused(f"{mismatch}it is {actual.label}, so its name should end {actual.extensions[0]}")
        if actual is None:
            raise UploadRefused(f"{mismatch}it ends {extension} but is not {expected.label}")
        raise UploadRefused(f"{mismatch}it ends {extension} but is {actual.label}")
    return CheckedFile(name, extension, actual.content_type, len(data), hashlib.sha256(data).hexdigest(), data)


def _clean_name(filename: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", filename or "").split())
    # Control and format characters include NUL and the right-to-left override that disguises
    # "report\u202efdp.exe" as "reportexe.pdf"; slashes and ".." would read as a path somewhere.
    unsafe = any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name)
    if not name or unsafe or "/" in name or "\\" in name or ".." in name:
        raise UploadRefused(_BAD_NAME)
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep = dot + ext if stem and len(ext) < 20 else ""
        name = name[: len(name) - len(keep)][: MAX_NAME_LENGTH - len(keep)].rstrip() + keep
    return name


def _sniff(data: bytes) -> str | None:
    """The kind of file ``data`` is; one that carries macros or scripts is refused here, whatever its name."""
    if data.startswith(b"%PDF-"):
        try:
            problem = document_checks.pdf_problem(data)
        except ValueError as error:
            raise UploadRefused(_DAMAGED) from error
        if problem:
            raise UploadRefused(problem)
        return "pdf"
    for magic, kind in ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg")):
        if data.startswith(magic):
            return kind
    return _sniff_zip(data) if data.startswith(b"PK\x03\x04") else None


def _sniff_zip(data: bytes) -> str | None:
    problem = None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_ENTRIES:
                raise UploadRefused(_UNSAFE)
            first = _inflate_all(data, members)
            kind = _zip_kind(members, first)
            # Only after _inflate_all has proved every member small enough to read.
            if kind in ("docx", "xlsx"):
                problem = document_checks.ooxml_problem(archive, KINDS[kind].extensions[0])
            elif kind == "odt":
                problem = document_checks.odt_problem(archive)
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, ValueError, NotImplementedError) as error:
        raise UploadRefused(_DAMAGED) from error
    if problem:
        raise UploadRefused(problem)
    return kind


def _zip_kind(members: list[zipfile.ZipInfo], first: bytes) -> str | None:
    names = {member.filename for member in members}
    if {"word/document.xml", "[Content_Types].xml"} <= names:
        return "docx"
    if {"xl/workbook.xml", "[Content_Types].xml"} <= names:
        return "xlsx"
    if members and members[0].filename == "mimetype" and first == b"application/vnd.oasis.opendocument.text":
        return "odt"
    return None


def _inflate_all(data: bytes, members: list[zipfile.ZipInfo]) -> bytes:
    """Inflate every member with a running budget; return the first member's first bytes.

    The sizes in a zip's headers are the attacker's to choose, so members are inflated here
    from their raw bytes (not through ``zipfile``, which stops at the declared size) and the
    declared size and checksum are checked against what really came out.
    """
    total, first = 0, b""
    for index, member in enumerate(members):
        if member.flag_bits & 0x1 or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRefused(_UNSAFE)  # encrypted, or a compression Office does not use
        start = member.header_offset
        if data[start : start + 4] != b"PK\x03\x04":
            raise UploadRefused(_DAMAGED)
        name_length, extra_length = struct.unpack("<HH", data[start + 26 : start + 30])
        begin = start + 30 + name_length + extra_length
        raw = data[begin : begin + member.compress_size]
        size, crc = 0, 0
        for piece in _pieces(raw, member.compress_type == zipfile.ZIP_DEFLATED):
            size, total, crc = size + len(piece), total + len(piece), zlib.crc32(piece, crc)
            if total > MAX_UNZIPPED_BYTES or (size > RATIO_FLOOR and size > MAX_RATIO * max(len(raw), 1)):
                raise UploadRefused(_UNSAFE)
            if index == 0 and len(first) < 256:
                first += piece[:256]
        if size != member.file_size or crc != member.CRC:
            raise UploadRefused(_UNSAFE)
    return first


def _pieces(raw: bytes, deflated: bool) -> Iterator[bytes]:
    if not deflated:
        yield from (raw[i : i + _CHUNK] for i in range(0, len(raw), _CHUNK))
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    pending = raw
    while not inflater.eof:
        # max_length keeps each step to one chunk, however small the input that produced it.
        piece = inflater.decompress(pending, _CHUNK)
        pending = inflater.unconsumed_tail
        if not piece and not pending and not inflater.eof:
            raise UploadRefused(_DAMAGED)  # the compressed stream stops part-way
        yield piece


def save(checked: CheckedFile, upload_dir: str) -> str:
    """Write the file under a random name and return that name; nothing in it comes from the user."""
    folder = Path(upload_dir)
    folder.mkdir(mode=0o750, parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    # Write aside then rename, so another host sharing the folder never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(checked.data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, folder / stored_name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return stored_name


def path_of(stored_name: str, upload_dir: str) -> Path:
    """The path of a stored file; a name that ``save`` could not have made raises ValueError."""
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored file name: {stored_name!r}")
    return Path(upload_dir) / stored_name


def delete(stored_name: str, upload_dir: str) -> None:
    path_of(stored_name, upload_dir).unlink(missing_ok=True)


class ScanStatus(StrEnum):
    CLEAN = "clean"
    INFECTED = "infected"
    NOT_SCANNED = "not_scanned"


@dataclass(frozen=True)
class ScanResult:
    status: ScanStatus
    detail: str = ""  # the signature name when infected


class Scanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    """Used when no clamd is configured: files are kept and marked as not scanned."""

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(ScanStatus.NOT_SCANNED, "no virus scanner is configured")


class ClamdScanner:
    """Sends the bytes to clamd with INSTREAM, at "host:port" or a Unix socket path."""

    def __init__(self, address: str, timeout: float = 30) -> None:
        self.address, self.timeout = address, timeout
        if "/" not in address:
            host, _, port = address.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"CLAMD_ADDRESS must be host:port or a socket path, not {address!r}")
            self._host, self._port = host.strip("[]"), int(port)

    def _socket(self) -> socket.socket:
        if "/" not in self.address:
            return socket.create_connection((self._host, self._port), timeout=self.timeout)
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.settimeout(self.timeout)
        return unix  # connected inside scan's ``with``, so a failed connect still closes it

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._socket() as connection:
                if "/" in self.address:
                    connection.connect(self.address)
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), _CHUNK):
                    chunk = data[start : start + _CHUNK]
                    connection.sendall(struct.pack(">I", len(chunk)) + chunk)
                connection.sendall(struct.pack(">I", 0))
                reply = received = connection.recv(4096)
                while received and b"\0" not in reply and len(reply) < 4096:  # the reply ends with NUL
                    received = connection.recv(4096)
                    reply += received
        except OSError as error:
            raise ScannerUnavailable(f"clamd at {self.address} could not be reached: {error}") from error
        answer = reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
        if answer == "stream: OK":
            return ScanResult(ScanStatus.CLEAN)
        if answer.startswith("stream: ") and answer.endswith(" FOUND"):
            return ScanResult(ScanStatus.INFECTED, answer.removeprefix("stream: ").removesuffix(" FOUND"))
        # Size-limit errors, "ERROR" replies and silence all mean the file was not checked.
        raise ScannerUnavailable(f"clamd at {self.address} replied {answer!r}")


def scanner_for(app_config: Mapping[str, Any]) -> Scanner:
    address = (app_config.get("CLAMD_ADDRESS") or "").strip()
    return ClamdScanner(address) if address else NoScanner()


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    stored_name: str
    scan_status: ScanStatus


def check_and_store(filename: str, data: bytes, config: Mapping[str, Any]) -> StoredFile:
    """Inspect, scan and save an upload, or raise UploadRefused with the message to show."""
    checked = inspect_upload(filename, data, config["MAX_UPLOAD_BYTES"])
    try:
        result = scanner_for(config).scan(checked.data)
    except ScannerUnavailable:
        log.exception("virus scanner unavailable; upload %r refused", checked.original_name)
        raise UploadRefused("The file could not be checked for viruses — try again later") from None
    if result.status == ScanStatus.INFECTED:
        log.warning("upload %r refused: virus %s (sha256 %s)", checked.original_name, result.detail, checked.sha256)
        raise UploadRefused("The selected file contains a virus")
    stored_name = save(checked, config["UPLOAD_DIR"])
    kept = {name: value for name, value in vars(checked).items() if name != "data"}
    return StoredFile(**kept, stored_name=stored_name, scan_status=result.status)
