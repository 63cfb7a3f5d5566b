"""Refusing documents that carry code: macros in Office and OpenDocument files, scripts in PDFs.

Staff open applicants' files on the office's own machines, so a document that can run code when
opened is refused at upload however clean the virus scanner says it is. ``storage`` calls these
checks once it knows what kind of file it has; each returns the message to show, or None. A file
that cannot be inspected raises ValueError, which ``storage`` reports as damaged.

The zip has already been inflated once within ``storage``'s budget, so the few small members read
here (content types, relationships, the ODF manifest) cannot be bombs; each is capped all the same.
Only the standard library is used: pypdf is a test dependency, not a production one.
"""

from __future__ import annotations

import bisect
import html
import re
import zipfile
import zlib

MAX_XML_BYTES = 1024 * 1024  # real [Content_Types].xml, .rels and manifest files are a few KB
MAX_OBJECT_STREAM_BYTES = 100 * 1024 * 1024  # all of a PDF's object streams together, inflated
_CHUNK = 64 * 1024


def macros_message(extension: str) -> str:
    return f"The selected file contains macros. Save it without macros (as {extension}) and upload it again"


def activex_message(extension: str) -> str:
    return f"The selected file contains ActiveX controls. Remove them, save it (as {extension}) and upload it again"


ODT_MACROS = "The selected file contains macros. Remove the macros, save it and upload it again"
PDF_SCRIPTS = "The selected file contains scripts or commands that run when it is opened. " \
    "Print it to a new PDF and upload that instead"
PDF_ATTACHMENTS = "The selected file has other files attached inside it. Print it to a new PDF and upload that instead"
PDF_PROTECTED = "The selected file is protected with a password or encryption, so it cannot be checked. " \
    "Print it to a new PDF and upload that instead"


# Office Open XML (DOCX, XLSX) -------------------------------------------------------------------

# Looked for in content types and relationship types, which are what Office goes by; part names
# are checked as well because they are what a person reading the zip would recognise.
_OOXML_MACRO_TYPES = ("macroenabled", "vbaproject", "vbadata", "macrosheet")


def ooxml_problem(archive: zipfile.ZipFile, extension: str) -> str | None:
    names = [member.filename.lower() for member in archive.infolist()]
    declared: list[str] = []
    for member in archive.infolist():
        if member.filename == "[Content_Types].xml":
            declared += _attribute_values(_read_small(archive, member), "ContentType")
        elif member.filename.lower().endswith(".rels"):
            declared += _attribute_values(_read_small(archive, member), "Type")
    if any("/activex/" in "/" + name for name in names) or any("activex" in value for value in declared):
        return activex_message(extension)
    macro_part = any(name.rpartition("/")[2] == "vbaproject.bin" or "/macrosheets/" in "/" + name for name in names)
    if macro_part or any(word in value for value in declared for word in _OOXML_MACRO_TYPES):
        return macros_message(extension)
    return None


def _read_small(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str:
    with archive.open(member) as file:
        data = file.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        raise ValueError(f"{member.filename} is too big to be a real one")
    return data.decode("utf-8", "replace")


def _attribute_values(xml: str, attribute: str) -> list[str]:
    """The attribute's values anywhere in ``xml``, with character references resolved, lower case.

    A regular expression rather than an XML parser: a parser would turn a slightly malformed file
    into a refusal, and character references such as ``&#109;`` cannot be used to hide a value.
    """
    pattern = re.compile(rf"(?<![\w:.-]){attribute}\s*=\s*(\"[^\"]*\"|'[^']*')")
    return [html.unescape(match.group(1)[1:-1]).lower() for match in pattern.finditer(xml)]


# OpenDocument (ODT) ------------------------------------------------------------------------------

_ODF_MACRO_FOLDERS = ("basic/", "scripts/")
# An element that runs a macro (or any script URL) on an event such as opening the document;
# "event-listeners", the container, is not matched. The namespace prefix is left out of the
# pattern because it can be any length, and the search goes chunk by chunk.
_ODF_EVENT = re.compile(rb"[<:]event-listener[\s/>]|vnd\.sun\.star\.script:")


def odt_problem(archive: zipfile.ZipFile) -> str | None:
    for member in archive.infolist():
        name = member.filename.lower()
        if name.startswith(_ODF_MACRO_FOLDERS):
            return ODT_MACROS
        if name == "meta-inf/manifest.xml":
            paths = _attribute_values(_read_small(archive, member), "manifest:full-path")
            if any(path.lstrip("/").startswith(_ODF_MACRO_FOLDERS) for path in paths):
                return ODT_MACROS
        elif name in ("content.xml", "styles.xml") and _contains(archive, member, _ODF_EVENT):
            return ODT_MACROS
    return None


def _contains(archive: zipfile.ZipFile, member: zipfile.ZipInfo, pattern: re.Pattern[bytes]) -> bool:
    """Search a member in chunks, so a large content.xml is never held whole."""
    tail = b""
    with archive.open(member) as file:
        while chunk := file.read(_CHUNK):
            window = tail + chunk
            if pattern.search(window):
                return True
            tail = window[-256:]  # longer than anything the pattern matches
    return False


# PDF ---------------------------------------------------------------------------------------------

_WHITE = rb"[\x00\t\n\x0c\r ]"
_END_OF_NAME = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%]|\Z)"


def _name(word: str) -> bytes:
    """A PDF name, matching each letter whether written plainly or as a #xx escape (/J#61vaScript)."""
    parts = []
    for letter in word:
        escape = "".join(f"[{d}{d.lower()}]" if d.isalpha() else d for d in f"{ord(letter):02X}")
        parts.append(f"(?:{letter}|#{escape})")
    return b"/" + "".join(parts).encode()


# /JS is short enough to turn up by chance in image data, so it counts only followed by a value:
# a string, a hex string or a reference to a stream.
_SCRIPT = re.compile(
    rb"(?:" + _name("JavaScript") + rb"|" + _name("Launch") + rb")" + _END_OF_NAME
    + rb"|" + _name("JS") + _WHITE + rb"*(?:\(|<(?!<))|" + _name("JS") + _WHITE + rb"+\d+" + _WHITE + rb"+\d+"
    + _WHITE + rb"+R"
)
# An attached file can be of any type, including a document with macros, and would pass none of
# the other checks; /EF is the file specification's own pointer to the attached bytes.
_ATTACHMENT = re.compile(
    rb"(?:" + _name("EmbeddedFile") + rb"|" + _name("EmbeddedFiles") + rb")" + _END_OF_NAME
    + rb"|" + _name("EF") + _WHITE + rb"*<<"
)
# Object streams (PDF 1.5) hold dictionaries deflated, out of sight of a scan of the raw bytes,
# so they are inflated and scanned too.
_OBJECT_STREAM = re.compile(_name("ObjStm") + _END_OF_NAME)
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_ENCRYPTED = re.compile(_name("Encrypt") + _END_OF_NAME)
_PREDICTOR = re.compile(_name("DecodeParms") + _END_OF_NAME)


def pdf_problem(data: bytes) -> str | None:
    texts = [data]
    streams = [(found.start(), found.end()) for found in _STREAM_START.finditer(data)]
    declared = _declared_object_streams(data, streams)
    if declared and _ENCRYPTED.search(data):
        return PDF_PROTECTED  # the object streams are ciphertext: nothing in them can be read
    budget = MAX_OBJECT_STREAM_BYTES
    for index, (keyword_at, body_at) in enumerate(streams):
        if index in declared:
            _refuse_predictor(data, keyword_at)
        elif not _looks_like_object_stream(data, body_at):
            continue  # an image, a font or page content: nothing in it can act
        inflated = _inflate(data, body_at, budget)
        budget -= len(inflated)
        texts.append(inflated)
    if any(_SCRIPT.search(text) for text in texts):
        return PDF_SCRIPTS
    if any(_ATTACHMENT.search(text) for text in texts):
        return PDF_ATTACHMENTS
    return None


def _declared_object_streams(data: bytes, streams: list[tuple[int, int]]) -> set[int]:
    """The indexes in ``streams`` of those marked /ObjStm: the first stream after each mark.

    Matched by bisection, so a file repeating /ObjStm cannot make the search quadratic.
    """
    keywords = [keyword_at for keyword_at, _ in streams]
    declared = set()
    for found in _OBJECT_STREAM.finditer(data):
        index = bisect.bisect_left(keywords, found.end())
        if index == len(streams):
            raise ValueError("an object stream with no stream")
        declared.add(index)
    return declared


# An object stream opens with pairs of object numbers and offsets. Some readers take a stream as
# one without its /Type, so any deflated stream that opens like one is read as one.
_OBJECT_STREAM_HEAD = re.compile(rb"\s*\d+\s+\d+\s+\d+\s+\d+\s")


def _looks_like_object_stream(data: bytes, body_at: int) -> bool:
    header = data[body_at : body_at + 2]
    if len(header) < 2 or header[0] & 0x0F != 8 or int.from_bytes(header, "big") % 31:
        return False  # not a zlib header: ruled out without starting an inflater
    try:
        head = zlib.decompressobj().decompress(data[body_at : body_at + 256], 64)
    except zlib.error:
        return False
    return _OBJECT_STREAM_HEAD.match(head) is not None


def _refuse_predictor(data: bytes, keyword_at: int) -> None:
    before = data[max(0, keyword_at - 1024) : keyword_at]
    if _PREDICTOR.search(before[before.rfind(b"obj") + 1 :]):
        # A predictor adds a byte to every row, which could split a name in two; PDF writers
        # do not use one on object streams.
        raise ValueError("an object stream with a predictor")


def _inflate(data: bytes, body_at: int, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    out = bytearray()
    position = body_at
    try:
        # Fed a chunk at a time and never asked for more than the budget left, so neither the
        # input nor the output is ever copied or held beyond that.
        while not inflater.eof and position < len(data):
            out += inflater.decompress(data[position : position + _CHUNK], budget - len(out) + 1)
            position += _CHUNK
            if inflater.unconsumed_tail or len(out) > budget:
                raise ValueError("object streams inflate beyond the budget")
    except zlib.error as error:
        raise ValueError("an object stream that is not deflated") from error
    return bytes(out)
