"""E-mail: one typed function per message, sent through a backend chosen by ``MAIL_BACKEND``.

``outbox`` (development and tests) writes each message as an ``.eml`` file to
``MAIL_OUTBOX_DIR``; ``smtp`` sends through ``SMTP_HOST``. Links in e-mails are built from
``BASE_URL``, never from the request's Host header, so nobody can make the service send a
password-reset link that points at their own site.
"""

from __future__ import annotations

import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from flask import current_app, render_template

from .dates import utcnow


class EmailBackend(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class OutboxBackend:
    """Writes messages to a folder, newest last by name, for developers and tests to read."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.eml"
        (self.folder / name).write_bytes(bytes(message))


class SmtpBackend:
    def __init__(self, host: str, port: int, username: str | None, password: str | None,
                 starttls: bool) -> None:
        self.host, self.port = host, port
        self.username, self.password, self.starttls = username, password, starttls

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def backend() -> EmailBackend:
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        return SmtpBackend(config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_USERNAME"],
                           config["SMTP_PASSWORD"], config["SMTP_STARTTLS"])
    return OutboxBackend(config["MAIL_OUTBOX_DIR"])


def link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def _send(to: str, subject: str, template: str, **context: object) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="sv-grants")
    service = current_app.config["SERVICE_NAME"]
    message.set_content(
        render_template(f"emails/{template}.txt", service_name=service,
                        commissioner_name=current_app.config["COMMISSIONER_NAME"],
                        contact_email=current_app.config["CONTACT_EMAIL"], **context)
    )
    backend().send(message)


def staff_invitation(to: str, name: str, invited_by: str, roles: list[str], path: str,
                     days: int) -> None:
    _send(to, f"You have been invited to {current_app.config['SERVICE_NAME']}", "staff_invitation",
          name=name, invited_by=invited_by, roles=roles, url=link(path), days=days)


def password_reset(to: str, name: str, path: str, minutes: int) -> None:
    _send(to, "Reset your password", "password_reset", name=name, url=link(path), minutes=minutes)


def password_changed(to: str, name: str) -> None:
    _send(to, "Your password has been changed", "password_changed", name=name)


def organisation_invitation(to: str, organisation: str, invited_by: str, path: str,
                            days: int) -> None:
    _send(to, f"Join {organisation} on {current_app.config['SERVICE_NAME']}",
          "organisation_invitation", organisation=organisation, invited_by=invited_by,
          url=link(path), days=days)


def application_submitted(to: str, reference: str, title: str, organisation: str, path: str) -> None:
    _send(to, f"Application {reference} submitted", "application_submitted", reference=reference,
          title=title, organisation=organisation, url=link(path))


def deadline_reminder(to: str, title: str, organisation: str, round_name: str, closes: str, days: int,
                      path: str) -> None:
    when = "tomorrow" if days == 1 else f"in {days} days"
    _send(to, f"Reminder: {round_name} closes {when}", "deadline_reminder", title=title,
          organisation=organisation, round_name=round_name, closes=closes, when=when, url=link(path))


def reviews_assigned(to: str, name: str, count: int, round_name: str, path: str) -> None:
    plural = "application" if count == 1 else "applications"
    _send(to, f"{count} {plural} to review for {round_name}", "reviews_assigned", name=name, count=count,
          plural=plural, round_name=round_name, url=link(path))


def clarification_asked(to: str, reference: str, title: str, path: str) -> None:
    _send(to, f"A question about application {reference}", "clarification_asked", reference=reference,
          title=title, url=link(path))


def clarification_answered(to: str, name: str, reference: str, path: str) -> None:
    _send(to, f"Answer received for application {reference}", "clarification_answered", name=name,
          reference=reference, url=link(path))


def decision_made(to: str, reference: str, title: str, organisation: str, path: str) -> None:
    _send(to, f"Decision on application {reference}", "decision_made", reference=reference, title=title,
          organisation=organisation, url=link(path))


def interest_declared(to: str, name: str, reviewer: str, reference: str, path: str) -> None:
    _send(to, f"{reviewer} declared an interest in {reference}", "interest_declared", name=name, reviewer=reviewer,
          reference=reference, url=link(path))


def bank_details_changed(to: str, organisation: str, masked_account: str) -> None:
    _send(to, f"Bank details changed for {organisation}", "bank_details_changed", organisation=organisation,
          masked_account=masked_account)


def offer_made(to: str, reference: str, title: str, organisation: str, accept_by: str, path: str) -> None:
    _send(to, f"Grant offer {reference}", "offer_made", reference=reference, title=title, organisation=organisation,
          accept_by=accept_by, url=link(path))


def offer_accepted(to: str, name: str, reference: str, organisation: str, path: str) -> None:
    _send(to, f"Grant offer {reference} accepted", "offer_accepted", name=name, reference=reference,
          organisation=organisation, url=link(path))


def payment_made(to: str, reference: str, amount: str, paid_on: str, path: str) -> None:
    _send(to, f"Payment of {amount} for grant {reference}", "payment_made", reference=reference, amount=amount,
          paid_on=paid_on, url=link(path))


def return_reviewed(to: str, reference: str, title: str, accepted: bool, comment: str, path: str) -> None:
    outcome = "accepted" if accepted else "needs changes"
    _send(to, f"{title} for grant {reference} {outcome}", "return_reviewed", reference=reference, title=title,
          accepted=accepted, comment=comment, url=link(path))


def return_submitted(to: str, name: str, reference: str, title: str, path: str) -> None:
    _send(to, f"{title} submitted for grant {reference}", "return_submitted", name=name, reference=reference,
          title=title, url=link(path))


def return_reminder(to: str, reference: str, title: str, due: str, overdue: bool, path: str) -> None:
    subject = f"Overdue: {title} for grant {reference}" if overdue else f"Reminder: {title} for grant {reference}"
    _send(to, subject, "return_reminder", reference=reference, title=title, due=due, overdue=overdue, url=link(path))
