"""Writing audit events. Services call ``record``; nothing else writes to the table."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..extensions import db
from .models import AuditEvent


def record(
    action: str,
    actor: Any | None = None,
    subject: Any | None = None,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction; it commits with the change it describes.

    ``subject`` is any model with an ``id``; its type is stored by table name.
    """
    if subject is not None and subject.id is None:
        db.session.flush()  # the subject needs its id before the event can name it
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        subject_type=getattr(subject, "__tablename__", None),
        subject_id=str(subject.id) if subject is not None and subject.id is not None else None,
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
