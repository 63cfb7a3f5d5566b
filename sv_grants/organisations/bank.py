"""Bank details: entered by the organisation, verified by finance before anything is paid to them.

A change never edits the old row: it adds a new, unverified one and says so through
``bank_details_changed``, which the grants package answers by holding the organisation's unpaid
instalments. ``bank_details_verified`` releases them.
"""

from __future__ import annotations

import re

from blinker import Namespace
from sqlalchemy import select

from .. import notifications
from ..audit.services import record
from ..auth.models import Role, User
from ..dates import clock
from ..extensions import db
from .models import BankAccount, Organisation
from .services import OrganisationError, member_emails

signals = Namespace()
bank_details_changed = signals.signal("bank-details-changed")
bank_details_verified = signals.signal("bank-details-verified")

_SEPARATORS = re.compile(r"[\s-]")


def current_account(organisation_id: int) -> BankAccount | None:
    return db.session.scalar(select(BankAccount).where(BankAccount.organisation_id == organisation_id)
                             .order_by(BankAccount.id.desc()).limit(1))


def clean_sort_code(text: str) -> str:
    """'12-34-56', '12 34 56' or '123456' as six digits; ValueError with the message otherwise."""
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise ValueError("Enter a sort code")
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 6:
        raise ValueError("Enter a valid sort code like 309430")
    return digits


def clean_account_number(text: str) -> str:
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise ValueError("Enter an account number")
    if not (digits.isascii() and digits.isdigit()) or not 6 <= len(digits) <= 8:
        raise ValueError("Enter a valid account number like 00733445")
    return digits.rjust(8, "0")  # 6- and 7-digit numbers are padded with leading zeros


def set_bank_details(actor: User, organisation: Organisation, account_name: str, sort_code: str,
                     account_number: str) -> BankAccount:
    account_name = " ".join((account_name or "").split())
    if not account_name:
        raise OrganisationError("Enter the name on the account", "account_name")
    sort_code, account_number = clean_sort_code(sort_code), clean_account_number(account_number)
    current = current_account(organisation.id)
    if current is not None and (current.account_name, current.sort_code, current.account_number) == (
            account_name, sort_code, account_number):
        return current  # nothing changed: no new row, no hold
    account = BankAccount(organisation_id=organisation.id, account_name=account_name, sort_code=sort_code,
                          account_number=account_number, entered_by_id=actor.id, entered_at=clock.now())
    db.session.add(account)
    db.session.flush()
    # Masked: the audit log is read by more people than the finance team.
    record("bank_details.changed", actor=actor, subject=organisation, account_id=account.id,
           sort_code=account.masked_sort_code, account_number=account.masked_account_number,
           first=current is None)
    bank_details_changed.send(organisation, actor=actor, account=account)
    for email in member_emails(organisation):
        notifications.bank_details_changed(email, organisation.name, account.masked_account_number)
    return account


def verify_bank_details(actor: User, account: BankAccount, method: str, note: str) -> None:
    if not actor.has_role(Role.FINANCE_OFFICER):
        raise OrganisationError("Only finance staff can verify bank details")
    if account.is_verified:
        raise OrganisationError("These bank details have already been verified")
    if current_account(account.organisation_id) != account:
        raise OrganisationError("These bank details have since been replaced: verify the newest ones")
    if account.entered_by_id == actor.id:
        raise OrganisationError("Someone other than the person who entered these bank details must verify them")
    method = (method or "").strip()
    if not method:
        raise OrganisationError("Say how you verified the bank details", "method")
    account.verified_by_id = actor.id
    account.verified_at = clock.now()
    account.verification_method = method
    account.verification_note = (note or "").strip()
    db.session.flush()
    record("bank_details.verified", actor=actor, subject=account.organisation, account_id=account.id,
           method=method)
    bank_details_verified.send(account.organisation, actor=actor, account=account)
