"""Finance staff: verifying bank details, approving and recording payments, the payments file."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import notifications
from ..audit.services import record
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..database import end_read_transaction
from ..dates import clock, format_date
from ..extensions import db
from ..forms import BaseForm
from ..money import gbp
from ..organisations.bank import verify_bank_details
from ..organisations.services import OrganisationError, member_emails
from . import payments
from .forms import PaidForm, ReasonForm, VerifyForm
from .models import InstalmentStatus
from .permissions import get_bank_account, get_instalment
from .services import GrantError

bp = Blueprint("payments", __name__)
FINANCE = Role.FINANCE_OFFICER


def _queue() -> Response:
    return redirect(url_for(".queue"))


@bp.route("/payments")
@roles_required(FINANCE)
def queue() -> str:
    return render_template(
        "grants/payments_queue.html", due=payments.queue((InstalmentStatus.DUE,)),
        approved=payments.queue((InstalmentStatus.APPROVED,)), held=payments.queue((InstalmentStatus.ON_HOLD,)),
        paid=payments.queue((InstalmentStatus.PAID,))[-20:], accounts=payments.unverified_accounts(),
        form=BaseForm())


@bp.route("/payments/<int:instalment_id>/approve", methods=["POST"])
@roles_required(FINANCE)
def approve(instalment_id: int) -> Response:
    instalment = get_instalment(instalment_id)
    if not BaseForm().validate_on_submit():
        flash("Your session expired before the approval was sent. Try again.", "info")
        return _queue()
    try:
        payments.approve(current_user, instalment)
    except GrantError as problem:
        db.session.rollback()
        flash(f"{instalment.grant.reference} instalment {instalment.sequence}: {problem}.", "info")
        return _queue()
    db.session.commit()
    flash(f"{gbp(instalment.amount_pence, True)} to {instalment.grant.organisation.name} is approved for payment.",
          "success")
    return _queue()


@bp.route("/payments/<int:instalment_id>/paid", methods=["GET", "POST"])
@roles_required(FINANCE)
def record_paid(instalment_id: int) -> Response | tuple[str, int]:
    instalment = get_instalment(instalment_id)
    if instalment.status != InstalmentStatus.APPROVED:
        flash("This instalment has already been paid." if instalment.status == InstalmentStatus.PAID
              else "Only an approved instalment can be recorded as paid.", "info")
        return _queue()
    form = PaidForm(data=None if request.method == "POST" else {"paid_on": clock.today_in_london()})
    if form.validate_on_submit():
        try:
            payments.record_paid(current_user, instalment, form.paid_on.data, form.remittance.data)
        except GrantError as problem:
            db.session.rollback()
            (form.remittance if problem.field == "remittance" else form.paid_on).errors.append(str(problem))
        else:
            db.session.commit()
            grant = instalment.grant
            for email in member_emails(grant.organisation):
                notifications.payment_made(email, grant.reference, gbp(instalment.amount_pence, True),
                                           format_date(instalment.paid_on),
                                           url_for("grants_applicant.show_grant", grant_id=grant.id))
            flash(f"Payment of {gbp(instalment.amount_pence, True)} to {grant.organisation.name} is recorded.",
                  "success")
            return _queue()
    return render_template("grants/record_paid.html", instalment=instalment, form=form), 400 if form.errors else 200


@bp.route("/payments/<int:instalment_id>/unapprove", methods=["GET", "POST"])
@roles_required(FINANCE)
def unapprove(instalment_id: int) -> Response | tuple[str, int]:
    """Take an approved instalment out of the payment run (a wrong amount, a query from the bank)."""
    instalment = get_instalment(instalment_id)
    if instalment.status != InstalmentStatus.APPROVED:
        flash("Only an approved instalment can be taken out of the payment run.", "info")
        return _queue()
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            payments.unapprove(current_user, instalment, form.reason.data)
        except GrantError as problem:
            db.session.rollback()
            form.reason.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"{instalment.grant.reference} instalment {instalment.sequence} is out of the payment run and "
                  "due for approval again.", "success")
            return _queue()
    return render_template("grants/unapprove.html", instalment=instalment, form=form), 400 if form.errors else 200


@bp.route("/payments/approved.csv")
@roles_required(FINANCE)
def payments_file() -> Response:
    rows = payments.payment_rows()
    end_read_transaction()
    record("payment.file_downloaded", actor=current_user, rows=len(rows),
           total_pence=sum(row.amount_pence for row in rows))
    db.session.commit()
    name = f"payments-{clock.today_in_london():%Y-%m-%d}.csv"
    return Response("\ufeff" + payments.payments_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/bank-details/<int:account_id>/verify", methods=["GET", "POST"])
@roles_required(FINANCE)
def verify(account_id: int) -> Response | tuple[str, int]:
    account = get_bank_account(account_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            verify_bank_details(current_user, account, form.method.data, form.note.data or "")
        except OrganisationError as problem:
            db.session.rollback()
            form.method.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Bank details for {account.organisation.name} are verified. Held payments are released.",
                  "success")
            return _queue()
    return render_template("grants/verify_bank.html", account=account, form=form), 400 if form.errors else 200
