"""The applicant's side: their dashboard, the task list, check your answers, submitting,
the confirmation, the read-only view and PDF, and withdrawing."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import notifications
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..dates import clock
from ..extensions import db
from ..organisations.services import member_emails, organisations_of
from . import services
from .forms import SubmitForm, WithdrawForm
from .models import ApplicationStatus, SectionStatus
from .pdf import application_pdf
from .permissions import can_edit_application, get_application_for, get_editable_application_for, is_applicant_for
from .presenters import deadline_countdown, notices_for, notices_of, summary_of
from .sections import SECTIONS

bp = Blueprint("applications", __name__)


@bp.route("/organisation")
@roles_required(Role.APPLICANT)
def dashboard() -> str:
    organisations = organisations_of(current_user)
    now = clock.now()
    applications = services.applications_of(organisations)
    return render_template("applications/dashboard.html", organisations=organisations, applications=applications,
                           rounds=services.open_rounds(now), now=now, countdown=deadline_countdown,
                           notices=notices_of([a for a in applications if not a.is_draft]))


@bp.route("/applications/<int:application_id>")
@roles_required(Role.APPLICANT)
def task_list(application_id: int) -> BaseResponse | str:
    application = get_editable_application_for(current_user, application_id)
    if not application.is_draft:
        return redirect(url_for(".show_application", application_id=application.id))
    states = {section.key: section for section in application.sections}
    completed = sum(1 for s in application.sections if s.status == SectionStatus.COMPLETED)
    return render_template("applications/task_list.html", application=application, sections=SECTIONS,
                           states=states, completed=completed, countdown=deadline_countdown(application.round,
                                                                                            clock.now()))


@bp.route("/applications/<int:application_id>/check")
@roles_required(Role.APPLICANT)
def check_application(application_id: int) -> BaseResponse | str:
    application = get_editable_application_for(current_user, application_id)
    if not application.is_draft:
        return redirect(url_for(".show_application", application_id=application.id))
    return _check_page(application, SubmitForm())


def _check_page(application: services.Application, form: SubmitForm, error: str | None = None,
                status: int = 200) -> tuple[str, int]:
    problems = services.submission_problems(application, clock.today_in_london())
    return render_template("applications/check_answers.html", application=application, form=form,
                           summary=summary_of(application, editable=True), problems=problems, error=error,
                           is_open=application.round.is_open(clock.now())), status


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@roles_required(Role.APPLICANT)
def submit_application(application_id: int) -> BaseResponse | tuple[str, int]:
    application = get_editable_application_for(current_user, application_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        return _check_page(application, form, status=400)
    try:
        services.submit(current_user, application)
    except services.AlreadySubmitted:
        db.session.rollback()
        # A double click or a second tab: the first request already submitted it.
        return redirect(url_for(".confirmation", application_id=application_id))
    except services.NotReady:
        db.session.rollback()
        return _check_page(application, form, error="You cannot submit yet: complete the items listed below.",
                           status=400)
    except services.DeadlineMissed as problem:
        db.session.rollback()
        return _check_page(application, form, error=str(problem), status=400)
    db.session.commit()
    for email in member_emails(application.organisation):
        notifications.application_submitted(email, application.reference, application.display_title,
                                            application.organisation.name,
                                            url_for(".show_application", application_id=application.id))
    return redirect(url_for(".confirmation", application_id=application.id))


@bp.route("/applications/<int:application_id>/submitted")
@roles_required(Role.APPLICANT)
def confirmation(application_id: int) -> BaseResponse | str:
    application = get_editable_application_for(current_user, application_id)
    if application.is_draft:
        return redirect(url_for(".task_list", application_id=application.id))
    return render_template("applications/confirmation.html", application=application)


@bp.route("/applications/<int:application_id>/view")
@roles_required(Role.APPLICANT, Role.GRANTS_OFFICER)
def show_application(application_id: int) -> str:
    application = get_application_for(current_user, application_id)
    return render_template("applications/application_show.html", application=application,
                           summary=summary_of(application, editable=False),
                           is_applicant=is_applicant_for(current_user, application),
                           notices=notices_for(application) if is_applicant_for(current_user, application) else [],
                           can_edit=can_edit_application(current_user, application),
                           can_withdraw=_can_withdraw(application))


def _can_withdraw(application: services.Application) -> bool:
    return application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_ASSESSMENT) and \
        is_applicant_for(current_user, application)


@bp.route("/applications/<int:application_id>/application.pdf")
@roles_required(Role.APPLICANT, Role.GRANTS_OFFICER)
def download_pdf(application_id: int) -> Response:
    application = get_application_for(current_user, application_id)
    name = (application.reference or f"draft-{application.id}") + ".pdf"
    return Response(application_pdf(application, summary_of(application, editable=False)),
                    mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def withdraw_application(application_id: int) -> BaseResponse | str:
    application = get_editable_application_for(current_user, application_id)
    if not _can_withdraw(application):
        abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(current_user, application, form.reason.data)
        db.session.commit()
        flash(f"Application {application.reference} has been withdrawn.", "success")
        return redirect(url_for(".dashboard"))
    return render_template("applications/withdraw.html", application=application, form=form)
