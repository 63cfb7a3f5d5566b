"""Paying instalments: finance approves one that is due, then someone else records it paid.

Separation of duties: the person who records a payment is not the one who approved it, and
neither is the officer who approved the grant. Each step claims the instalment with a conditional
UPDATE on its status, and the payment itself raises ``grants.paid_pence`` only where the result
stays within the award, so two people pressing the button at once can never pay twice or pay
more than was awarded.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.models import Role, User
from ..dates import clock
from ..extensions import db
from ..organisations.bank import bank_details_changed, bank_details_verified, current_account
from ..organisations.models import BankAccount, Organisation
from ..spreadsheets import safe_cell
from .models import PAYABLE, Grant, GrantStatus, Instalment, InstalmentStatus
from .services import GrantError

HOLDABLE = (InstalmentStatus.SCHEDULED, InstalmentStatus.DUE, InstalmentStatus.APPROVED)


def _require_finance(actor: User) -> None:
    if not actor.has_role(Role.FINANCE_OFFICER):
        raise GrantError("Only finance staff can approve or record payments")


def _move(instalment: Instalment, from_status: InstalmentStatus, **values: object) -> bool:
    changed = db.session.execute(
        update(Instalment).where(Instalment.id == instalment.id, Instalment.status == from_status)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(instalment)
    return changed == 1


def _check_payable(instalment: Instalment) -> BankAccount:
    grant = instalment.grant
    if grant.status not in PAYABLE:
        raise GrantError(f"Grant {grant.reference} is {grant.status_enum.label.lower()}, so nothing can be paid on it")
    account = current_account(grant.organisation_id)
    if account is None:
        raise GrantError(f"{grant.organisation.name} has not given bank details yet")
    if not account.is_verified:
        raise GrantError(f"{grant.organisation.name}'s bank details have not been verified yet")
    return account


def approve(actor: User, instalment: Instalment) -> None:
    _require_finance(actor)
    if instalment.status != InstalmentStatus.DUE:
        raise GrantError(_not_now(instalment, "approved"))
    if actor.id == instalment.grant.approved_by_id:
        raise GrantError("You approved this grant, so someone else must approve its payments")
    account = _check_payable(instalment)
    if not _move(instalment, InstalmentStatus.DUE, status=InstalmentStatus.APPROVED, approved_by_id=actor.id,
                 approved_at=clock.now(), bank_account_id=account.id):
        raise GrantError(_not_now(instalment, "approved"))
    record("payment.approved", actor=actor, subject=instalment.grant, instalment=instalment.sequence,
           amount_pence=instalment.amount_pence)


def unapprove(actor: User, instalment: Instalment, reason: str) -> None:
    """Take an approved instalment out of the payment run, back to due."""
    _require_finance(actor)
    reason = (reason or "").strip()
    if not reason:
        raise GrantError("Enter the reason for taking the payment out of the run", "reason")
    if not _move(instalment, InstalmentStatus.APPROVED, status=InstalmentStatus.DUE, approved_by_id=None,
                 approved_at=None, bank_account_id=None):
        raise GrantError(_not_now(instalment, "taken out of the payment run"))
    record("payment.unapproved", actor=actor, subject=instalment.grant, instalment=instalment.sequence, reason=reason)


def record_paid(actor: User, instalment: Instalment, paid_on: date, remittance: str) -> None:
    _require_finance(actor)
    remittance = (remittance or "").strip()
    if not remittance:
        raise GrantError("Enter the remittance reference", "remittance")
    if paid_on > clock.today_in_london():
        raise GrantError("The payment date must be today or in the past", "paid_on")
    if instalment.status != InstalmentStatus.APPROVED:
        raise GrantError(_not_now(instalment, "recorded as paid"))
    grant = instalment.grant
    if actor.id == instalment.approved_by_id:
        raise GrantError("You approved this payment, so someone else must record it as paid")
    if actor.id == grant.approved_by_id:
        raise GrantError("You approved this grant, so someone else must record its payments")
    if grant.status not in PAYABLE:
        raise GrantError(f"Grant {grant.reference} is {grant.status_enum.label.lower()}, so nothing can be paid on it")
    if not _move(instalment, InstalmentStatus.APPROVED, status=InstalmentStatus.PAID, paid_by_id=actor.id,
                 paid_on=paid_on, paid_recorded_at=clock.now(), remittance_reference=remittance):
        raise GrantError(_not_now(instalment, "recorded as paid"))
    raised = db.session.execute(
        update(Grant).where(Grant.id == grant.id, Grant.paid_pence + instalment.amount_pence <= Grant.awarded_pence)
        .values(paid_pence=Grant.paid_pence + instalment.amount_pence).execution_options(synchronize_session=False)
    ).rowcount
    if raised != 1:
        raise GrantError("This payment would take the total paid above the award, so it has not been recorded")
    db.session.refresh(grant)
    if grant.status == GrantStatus.ACCEPTED:
        grant.move_to(GrantStatus.ACTIVE)
    db.session.flush()
    record("payment.paid", actor=actor, subject=grant, instalment=instalment.sequence,
           amount_pence=instalment.amount_pence, paid_on=paid_on.isoformat(), remittance=remittance)


def _not_now(instalment: Instalment, action: str) -> str:
    status = instalment.status_enum
    if status == InstalmentStatus.PAID:
        return "This instalment has already been paid"
    if status == InstalmentStatus.APPROVED and action == "approved":
        return "This instalment has already been approved"
    if status == InstalmentStatus.ON_HOLD:
        return "This instalment is on hold until the organisation's new bank details are verified"
    return f"This instalment is {status.label.lower()}, so it cannot be {action}"


@bank_details_changed.connect
def _hold_payments(organisation: Organisation, actor: User | None = None, **_: object) -> None:
    held = 0
    for instalment in _instalments_of(organisation.id, HOLDABLE):
        instalment.held_status = instalment.status if instalment.status != InstalmentStatus.APPROVED \
            else InstalmentStatus.DUE  # an approval was for the old account: it must be approved again
        instalment.status = InstalmentStatus.ON_HOLD
        instalment.approved_by_id = None
        instalment.approved_at = None
        instalment.bank_account_id = None
        held += 1
    db.session.flush()
    if held:
        record("payment.held", actor=actor, subject=organisation, instalments=held,
               reason="bank details changed")


@bank_details_verified.connect
def _release_payments(organisation: Organisation, actor: User | None = None, **_: object) -> None:
    released = 0
    for instalment in _instalments_of(organisation.id, (InstalmentStatus.ON_HOLD,)):
        instalment.status = instalment.held_status or InstalmentStatus.SCHEDULED
        instalment.held_status = None
        released += 1
    db.session.flush()
    if released:
        record("payment.released", actor=actor, subject=organisation, instalments=released,
               reason="bank details verified")


def _instalments_of(organisation_id: int, statuses: tuple[InstalmentStatus, ...]) -> list[Instalment]:
    return list(db.session.scalars(
        select(Instalment).join(Grant).where(Grant.organisation_id == organisation_id,
                                             Instalment.status.in_(statuses))))


def queue(statuses: tuple[InstalmentStatus, ...]) -> list[Instalment]:
    return list(db.session.scalars(
        select(Instalment).join(Grant).where(Instalment.status.in_(statuses))
        .options(joinedload(Instalment.grant).joinedload(Grant.organisation))
        .order_by(Instalment.due_on, Grant.reference, Instalment.sequence)))


def unverified_accounts() -> list[BankAccount]:
    """Each organisation's newest bank details, where they await verification and it has a grant."""
    accounts = db.session.scalars(
        select(BankAccount).where(BankAccount.verified_at.is_(None),
                                  BankAccount.organisation_id.in_(select(Grant.organisation_id)))
        .options(joinedload(BankAccount.organisation)).order_by(BankAccount.entered_at)).all()
    return [account for account in accounts if current_account(account.organisation_id) == account]


@dataclass(frozen=True)
class PaymentRow:
    payee: str
    sort_code: str
    account_number: str
    amount_pence: int
    grant_reference: str
    cost_centre: str


def payment_rows() -> list[PaymentRow]:
    """One row per approved instalment, paid to the account it was approved to."""
    rows = []
    for instalment in queue((InstalmentStatus.APPROVED,)):
        account = db.session.get(BankAccount, instalment.bank_account_id)
        rows.append(PaymentRow(account.account_name, account.sort_code, account.account_number,
                               instalment.amount_pence, instalment.grant.reference, instalment.grant.fund.cost_centre))
    return rows


def payments_csv(rows: list[PaymentRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Payee", "Sort code", "Account number", "Amount", "Grant reference", "Cost centre"])
    for row in rows:
        pounds, pence = divmod(row.amount_pence, 100)
        writer.writerow([safe_cell(row.payee), row.sort_code, row.account_number, f"{pounds}.{pence:02d}",
                         safe_cell(row.grant_reference), safe_cell(row.cost_centre)])
    return out.getvalue()
