"""An organisation's documents: uploaded once, reused by every application it makes.

The constitution, latest accounts, safeguarding policy and insurance certificate belong to the
organisation, not to one application. Removing one only hides it: a submitted application may
still refer to the file, so its bytes and its row stay.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from .. import storage
from ..audit.services import record
from ..auth.models import User
from ..dates import utcnow
from ..extensions import db
from .models import Document, DocumentKind, Organisation

# What every application needs from the organisation; insurance depends on the project.
REQUIRED_KINDS = (DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY)
ORGANISATION_KINDS = (*REQUIRED_KINDS, DocumentKind.INSURANCE)


def upload_document(actor: User, organisation: Organisation, kind: DocumentKind, filename: str, data: bytes,
                    expires_on: date | None, application_id: int | None = None) -> Document:
    """Check, scan and keep the file, then record it; ``UploadRefused`` says why a file was not kept.

    ``application_id`` is given only for a file added to one application rather than to the
    organisation's own documents.
    """
    stored = storage.check_and_store(filename, data, current_app.config)
    document = Document(
        organisation_id=organisation.id, application_id=application_id, kind=kind.value,
        original_name=stored.original_name, stored_name=stored.stored_name, content_type=stored.content_type,
        size_bytes=stored.size, sha256=stored.sha256, scan_status=stored.scan_status.value,
        expires_on=expires_on, uploaded_by_id=actor.id,
    )
    db.session.add(document)
    record("document.uploaded", actor=actor, subject=document, kind=kind.value, name=stored.original_name,
           size=stored.size, sha256=stored.sha256, scan_status=stored.scan_status.value)
    db.session.flush()
    return document


def documents_of(organisation: Organisation, kind: DocumentKind | None = None) -> list[Document]:
    """The organisation's own documents still in use (not those added to one application), newest first."""
    query = select(Document).where(Document.organisation_id == organisation.id, Document.application_id.is_(None),
                                   Document.removed_at.is_(None))
    if kind is not None:
        query = query.where(Document.kind == kind.value)
    return list(db.session.scalars(query.order_by(Document.uploaded_at.desc(), Document.id.desc())))


def find_document(organisation: Organisation, document_id: int) -> Document | None:
    """One of the organisation's own documents still in use, or None."""
    document = db.session.get(Document, document_id)
    if (document is None or document.organisation_id != organisation.id or document.application_id is not None
            or document.removed_at is not None):
        return None
    return document


def missing_kinds(organisation: Organisation) -> list[DocumentKind]:
    """The required kinds of document the organisation has not uploaded, in the order they are asked for."""
    present = {document.kind for document in documents_of(organisation)}
    return [kind for kind in REQUIRED_KINDS if kind.value not in present]


def remove_document(actor: User, document: Document) -> None:
    """Hide the document from the organisation's list; the file stays for applications that refer to it."""
    if document.removed_at is not None:
        return
    document.removed_at = utcnow()
    record("document.removed", actor=actor, subject=document, kind=document.kind, name=document.original_name)
    db.session.flush()
