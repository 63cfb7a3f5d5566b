"""Helpers for tests that act like a person: read pages, fill in forms, read e-mails."""

from __future__ import annotations

import email
import io
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from reportlab.pdfgen import canvas
from sqlalchemy import event, select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Area, Fund, InterventionType, Priority, Round
from sv_grants.organisations import services as organisation_services
from sv_grants.organisations.documents import upload_document
from sv_grants.organisations.models import DocumentKind, LegalForm, Organisation


def real_pdf(text: str = "A real PDF") -> bytes:
    """A small but genuine PDF, drawn with ReportLab."""
    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    drawing.drawString(72, 720, text)
    drawing.save()
    return buffer.getvalue()


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


@dataclass
class Setting:
    fund_id: int
    round_id: int
    priority_ids: list[int]
    intervention_id: int


def open_round(app: Flask) -> Setting:
    """A £500,000 fund with four priorities, its two council areas and a round open for six more
    weeks (delivery from 1 April 2025 to 31 March 2026, grants of £2,000 to £50,000)."""
    now = clock.now()
    with app.app_context():
        fund = Fund(slug="svpf-2024-25", name="Serious Violence Prevention Fund", funder_name="The PCC",
                    financial_year="2024/25", total_pence=500_000_00, status="open")
        fund.priorities = [Priority(code=f"P{n}", title=title, position=n) for n, title in enumerate(
            ["Early intervention", "Places", "Weapons", "Communities"], start=1)]
        round_ = Round(fund=fund, name="Round 1", opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=42),
                       delivery_from=date(2025, 4, 1), delivery_until=date(2026, 3, 31),
                       min_award_pence=2_000_00, max_award_pence=50_000_00)
        kind = InterventionType(name="Mentoring", impact_rating="moderate")
        db.session.add_all([fund, round_, kind,
                            Area(code="E06000047", name="County Durham", kind="local_authority"),
                            Area(code="E06000005", name="Darlington", kind="local_authority")])
        db.session.commit()
        return Setting(fund.id, round_.id, [p.id for p in fund.priorities], kind.id)


def complete_organisation(app: Flask, user_id: int, name: str = "Eastside Youth Trust",
                          documents: bool = True) -> int:
    """An organisation ready to apply: full details and, unless told not to, its three documents."""
    organisation_id = set_up_organisation(app, user_id, name, LegalForm.REGISTERED_CHARITY)
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        organisation.charity_number = "1234567"
        organisation.address_line_1 = "1 High Street"
        organisation.town = "Darlington"
        organisation.postcode = "DL1 1AA"
        organisation.local_authority_code = "E06000005"
        organisation.annual_income_pence = 85_000_00
        organisation.safeguarding_lead_name = "Sam Lead"
        organisation.safeguarding_lead_email = "lead@example.org"
        if documents:
            actor = db.session.get(User, user_id)
            for kind in (DocumentKind.CONSTITUTION, DocumentKind.ACCOUNTS, DocumentKind.SAFEGUARDING_POLICY):
                upload_document(actor, organisation, kind, f"{kind.value}.pdf", real_pdf(kind.value), None)
        db.session.commit()
    return organisation_id


def run_at_once(jobs: list[Callable[[], None]]) -> None:
    """Start every job on its own thread, released together by a barrier; fail if any hangs."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], None]) -> None:
        barrier.wait(timeout=30)
        job()

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a racing thread did not finish"


class Race:
    """What threads racing to change the same rows did: whose change committed, who was refused
    (with one of ``refusals``) and anything else, which ``check`` raises."""

    def __init__(self, *refusals: type[BaseException]) -> None:
        self.refusal_types = refusals
        self.succeeded: list[Any] = []
        self.refused: list[BaseException] = []
        self.unexpected: list[BaseException] = []
        self.lock = threading.Lock()

    def job(self, worker: Flask, action: Callable[[], object], key: Any) -> Callable[[], None]:
        """``action`` run in its own app context of ``worker`` and committed; ``key`` names it."""
        def attempt() -> None:
            with worker.app_context():
                try:
                    action()
                    db.session.commit()
                except self.refusal_types as error:
                    db.session.rollback()
                    with self.lock:
                        self.refused.append(error)
                except BaseException as error:  # noqa: BLE001 - re-raised by check()
                    db.session.rollback()
                    with self.lock:
                        self.unexpected.append(error)
                else:
                    with self.lock:
                        self.succeeded.append(key)
        return attempt

    def check(self) -> None:
        if self.unexpected:
            raise BaseExceptionGroup("unexpected errors in the race", self.unexpected)


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs, to prove a page's query count does
    not grow with the rows it shows."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
