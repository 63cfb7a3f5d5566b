"""Helpers for tests that act like a person: read pages, fill in forms, read e-mails."""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import User
from sv_grants.extensions import db
from sv_grants.organisations import services as organisation_services
from sv_grants.organisations.models import LegalForm


def page(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def heading(response: Any) -> str:
    h1 = page(response).find("h1")
    return " ".join(h1.get_text().split()) if h1 else ""


def error_summary(response: Any) -> list[str]:
    """The messages in the GOV.UK error summary, in order."""
    summary = page(response).select(".govuk-error-summary__list a")
    return [" ".join(a.get_text().split()) for a in summary]


def field_error(response: Any, field_id: str) -> str:
    """The error message shown next to a field."""
    message = page(response).find(id=f"{field_id}-error")
    text = " ".join(message.get_text().split()) if message else ""
    return text.removeprefix("Error:").strip()


def csrf_token(response: Any) -> str:
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no CSRF token on the page"
    return field["value"]


def submit_form(client: FlaskClient, url: str, data: dict[str, Any], action: str | None = None) -> Any:
    """Open ``url``, take the CSRF token from its form and post ``data`` to it (or ``action``)."""
    form_page = client.get(url)
    assert form_page.status_code == 200, f"{url} answered {form_page.status_code}"
    return client.post(action or url, data={**data, "csrf_token": csrf_token(form_page)})


@dataclass
class Outbox:
    folder: Path

    def messages(self) -> list[Message]:
        if not self.folder.exists():
            return []
        return [email.message_from_bytes(p.read_bytes()) for p in sorted(self.folder.glob("*.eml"))]

    def last(self, to: str | None = None) -> Message:
        messages = [m for m in self.messages() if to is None or m["To"] == to]
        assert messages, f"no e-mail sent{' to ' + to if to else ''}"
        return messages[-1]

    @staticmethod
    def body(message: Message) -> str:
        return message.get_payload(decode=True).decode()

    def link_in_last(self, to: str | None = None) -> str:
        """The path of the first link in the last e-mail (to ``to``)."""
        match = re.search(r"https?://[^/\s]+(/\S+)", self.body(self.last(to)))
        assert match, "no link in the e-mail"
        return match.group(1)


def audit_actions(app: Flask, user_id: int) -> list[str]:
    """The audit actions recorded about a user, oldest first."""
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_type == "users", AuditEvent.subject_id == str(user_id))
            .order_by(AuditEvent.id)
        )
        return [event.action for event in events]


def set_up_organisation(app: Flask, user_id: int, name: str = "Eastside Youth Trust",
                        legal_form: LegalForm = LegalForm.REGISTERED_CHARITY) -> int:
    """An organisation set up by ``user_id`` through the service the form calls; returns its id."""
    with app.test_request_context():
        organisation = organisation_services.create_organisation(db.session.get(User, user_id), name, legal_form)
        db.session.commit()
        return organisation.id
