"""A grants officer's work on grants: offers, the schedule, variations, suspension, withdrawal and closure."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from .. import notifications
from ..applications.models import Application, ApplicationStatus
from ..assessment.checks import published_decision
from ..assessment.permissions import get_assessed_application
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..dates import clock, format_date
from ..extensions import db
from ..money import gbp, pounds_for_input
from ..organisations.bank import current_account
from ..organisations.services import member_emails
from ..pagination import page_count, pagination, requested_page
from . import services, variations
from .forms import CloseForm, DecideVariationForm, OfferForm, ReasonForm, ScheduleForm
from .models import Grant, GrantStatus, Trigger
from .permissions import get_grant_for_officer, get_variation_for_officer
from .presenters import attention_items, panels_for
from .schedule import PlannedInstalment, quarterly_count, return_periods
from .variation_views import variation_page

PAGE_SIZE = 50
bp = Blueprint("grants_officer", __name__)
OFFICER = Role.GRANTS_OFFICER


def _grant_page(grant: Grant) -> Response:
    return redirect(url_for(".show_grant", grant_id=grant.id))


@bp.route("/grants")
@roles_required(OFFICER)
def list_grants() -> str:
    total = db.session.scalar(select(func.count(Grant.id))) or 0
    pages = page_count(total, PAGE_SIZE)
    page = requested_page(pages)
    grants = db.session.scalars(select(Grant).options(selectinload(Grant.organisation))
                                .order_by(Grant.offered_at.desc(), Grant.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    waiting = db.session.scalars(
        select(Application).where(Application.status == ApplicationStatus.APPROVED,
                                  ~exists().where(Grant.application_id == Application.id))
        .order_by(Application.reference)).all()
    today = clock.today_in_london()
    return render_template("grants/officer_list.html", grants=grants, waiting=waiting, page=page, pages=pages,
                           total=total, pagination=pagination(".list_grants", page, pages, "Pages of grants"),
                           attention=attention_items(today), today=today)


@bp.route("/applications/<int:application_id>/offer", methods=["GET", "POST"])
@roles_required(OFFICER)
def make_offer(application_id: int) -> Response | tuple[str, int]:
    application = get_assessed_application(current_user, application_id)
    if application.status != ApplicationStatus.APPROVED:
        abort(404)
    existing = services.grant_for_application(application.id)
    if existing is not None:
        return _grant_page(existing)
    defaults = {"start_date": application.start_date, "end_date": application.end_date}
    form = OfferForm(data=None if request.method == "POST" else defaults)
    if form.validate_on_submit():
        try:
            grant = services.make_offer(current_user, application, form.start_date.data, form.end_date.data)
        except services.GrantError as problem:
            db.session.rollback()
            (getattr(form, problem.field) if problem.field else form.start_date).errors.append(str(problem))
        else:
            db.session.commit()
            path = url_for("grants_applicant.show_grant", grant_id=grant.id)
            for email in member_emails(application.organisation):
                notifications.offer_made(email, grant.reference, application.display_title,
                                         application.organisation.name, format_date(grant.accept_by), path)
            flash(f"Offer {grant.reference} has been made. The organisation has been emailed.", "success")
            return _grant_page(grant)
    return render_template("grants/offer_new.html", application=application, form=form,
                           decision=published_decision(application),
                           days=current_app.config["OFFER_ACCEPTANCE_DAYS"]), 400 if form.errors else 200


@bp.route("/grants/<int:grant_id>")
@roles_required(OFFICER)
def show_grant(grant_id: int) -> str:
    grant = get_grant_for_officer(current_user, grant_id)
    return render_template("grants/officer_grant.html", grant=grant, account=current_account(grant.organisation_id),
                           periods=return_periods(grant.start_date, grant.end_date), panels=panels_for(grant, True),
                           pending=variations.pending(grant), today=clock.today_in_london())


@bp.route("/grants/<int:grant_id>/agreement.pdf")
@roles_required(OFFICER)
def agreement(grant_id: int) -> Response:
    return agreement_response(get_grant_for_officer(current_user, grant_id))


def agreement_response(grant: Grant) -> Response:
    from .agreement import agreement_pdf

    data = agreement_pdf(grant, current_app.config["COMMISSIONER_NAME"], current_app.config["SERVICE_NAME"])
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{grant.reference}-agreement.pdf"'})


@bp.route("/grants/<int:grant_id>/schedule", methods=["GET", "POST"])
@roles_required(OFFICER)
def edit_schedule(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_officer(current_user, grant_id)
    if grant.status != GrantStatus.OFFERED:
        flash("The payment schedule can only be changed before the offer is accepted.", "info")
        return _grant_page(grant)
    rows = [{"amount": pounds_for_input(i.amount_pence),
             "when": f"after_return:{i.after_return}" if i.trigger == Trigger.AFTER_RETURN else i.trigger}
            for i in grant.instalments]
    if request.method == "POST" and "add" in request.form:
        form = ScheduleForm()
        full = len(form.instalments) >= form.instalments.max_entries
        if not full:
            form.instalments.append_entry()
        form.set_choices(quarterly_count(grant.start_date, grant.end_date))
        message = f"A schedule can have up to {form.instalments.max_entries} instalments" if full else None
        if message:
            form.instalments.errors = [message]  # type: ignore[misc]
        return render_template("grants/schedule.html", grant=grant, form=form, schedule_error=message), \
            400 if full else 200
    form = ScheduleForm(data=None if request.method == "POST" else {"instalments": rows})
    form.set_choices(quarterly_count(grant.start_date, grant.end_date))
    if form.validate_on_submit():
        plan = []
        for row in form.instalments:
            trigger, _, number = row.form.when.data.partition(":")
            plan.append(PlannedInstalment(row.form.amount_pence, trigger, int(number) if number else None))
        try:
            services.replace_schedule(current_user, grant, plan)
        except services.GrantError as problem:
            db.session.rollback()
            form.instalments.errors = [str(problem)]  # type: ignore[misc]
            return render_template("grants/schedule.html", grant=grant, form=form, schedule_error=str(problem)), 400
        db.session.commit()
        flash("The payment schedule has been saved.", "success")
        return _grant_page(grant)
    return render_template("grants/schedule.html", grant=grant, form=form), 400 if form.errors else 200


def _reason_action(grant: Grant, action: str, title: str, button: str, warning: str,
                   done: str) -> Response | tuple[str, int]:
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            getattr(services, action)(current_user, grant, form.reason.data)
        except services.GrantError as problem:
            db.session.rollback()
            form.reason.errors.append(str(problem))
        else:
            db.session.commit()
            flash(done, "success")
            return _grant_page(grant)
    return render_template("grants/reason.html", grant=grant, form=form, title=title, button=button,
                           warning=warning), 400 if form.errors else 200


@bp.route("/grants/<int:grant_id>/withdraw", methods=["GET", "POST"])
@roles_required(OFFICER)
def withdraw(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_officer(current_user, grant_id)
    released = grant.awarded_pence - grant.paid_pence
    return _reason_action(grant, "withdraw", "Withdraw the grant", "Withdraw the grant",
                          f"Unpaid instalments are cancelled and {gbp(released, True)} goes back to the fund. "
                          "This cannot be undone.", f"{grant.reference} has been withdrawn.")


@bp.route("/grants/<int:grant_id>/suspend", methods=["GET", "POST"])
@roles_required(OFFICER)
def suspend(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_officer(current_user, grant_id)
    return _reason_action(grant, "suspend", "Suspend the grant", "Suspend the grant",
                          "No payments can be approved or made until the grant is resumed.",
                          f"{grant.reference} has been suspended. Payments have stopped.")


@bp.route("/grants/<int:grant_id>/resume", methods=["GET", "POST"])
@roles_required(OFFICER)
def resume(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_officer(current_user, grant_id)
    return _reason_action(grant, "resume", "Resume the grant", "Resume the grant",
                          "Payments that are due can be approved again.", f"{grant.reference} has been resumed.")


@bp.route("/grants/<int:grant_id>/close", methods=["GET", "POST"])
@roles_required(OFFICER)
def close(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_officer(current_user, grant_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            underspend = services.close(current_user, grant, form.clawback_pence, form.clawback_reason.data or "")
        except services.GrantError as problem:
            db.session.rollback()
            {"clawback": form.clawback, "clawback_reason": form.clawback_reason}.get(
                problem.field or "", form.clawback).errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"{grant.reference} is closed. {gbp(underspend, True)} underspend has gone back to the fund.",
                  "success")
            return _grant_page(grant)
    return render_template("grants/close.html", grant=grant, form=form,
                           unpaid=grant.awarded_pence - grant.paid_pence), 400 if form.errors else 200


@bp.route("/grants/<int:grant_id>/variations/new", methods=["GET", "POST"])
@roles_required(OFFICER)
def new_variation(grant_id: int) -> Response | tuple[str, int]:
    grant = get_grant_for_officer(current_user, grant_id)
    page = url_for(".show_grant", grant_id=grant.id)
    return variation_page(grant, page, page, staff=True)


@bp.route("/grants/<int:grant_id>/variations/<int:variation_id>", methods=["GET", "POST"])
@roles_required(OFFICER)
def decide_variation(grant_id: int, variation_id: int) -> Response | tuple[str, int]:
    variation = get_variation_for_officer(current_user, grant_id, variation_id)
    grant = variation.grant
    form = DecideVariationForm()
    if variation.status == "requested" and form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            variations.decide_variation(current_user, variation, approve, form.decision_reason.data)
        except services.GrantError as problem:
            db.session.rollback()
            form.decision.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"The variation has been {'approved' if approve else 'refused'}.", "success")
            return _grant_page(grant)
    return render_template("grants/variation_decide.html", grant=grant, variation=variation, form=form,
                           fund_remaining=grant.fund.remaining_pence), 400 if form.errors else 200
