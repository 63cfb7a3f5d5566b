"""Eligibility questions, asked one per page before an application exists.

The answers wait in the session until the applicant starts the application, which keeps them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..dates import clock, format_date
from ..extensions import db
from ..forms import BaseForm
from ..funds.models import Priority, Round
from ..money import gbp, pounds_for_input
from ..organisations.models import LegalForm, Organisation
from ..organisations.permissions import get_organisation_for
from . import services
from .eligibility import NO_PRIORITY, OTHER_TYPE, QUESTIONS, check
from .eligibility_forms import question_form

bp = Blueprint("eligibility", __name__)


def _open_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


def _answers(organisation: Organisation, round_: Round) -> dict[str, str]:
    return dict(session.get("eligibility", {}).get(f"{organisation.id}:{round_.id}", {}))


def _keep(organisation: Organisation, round_: Round, answers: dict[str, str]) -> None:
    everything = dict(session.get("eligibility", {}))
    everything[f"{organisation.id}:{round_.id}"] = answers
    session["eligibility"] = everything


def _form_data(question: str, answer: str | None) -> dict[str, Any] | None:
    if answer is None:
        return None
    if question == "start_date":
        return {"answer": date.fromisoformat(answer)}
    if question == "amount":
        return {"answer": pounds_for_input(int(answer))}
    return {"answer": answer}


@bp.route("/organisations/<int:organisation_id>/rounds/<int:round_id>/apply")
@roles_required(Role.APPLICANT)
def show_round(organisation_id: int, round_id: int) -> str:
    organisation = get_organisation_for(current_user, organisation_id)
    round_ = _open_round(round_id)
    return render_template("applications/round_start.html", organisation=organisation, round=round_,
                           is_open=round_.is_open(clock.now()))


@bp.route("/organisations/<int:organisation_id>/rounds/<int:round_id>/eligibility/<question>",
          methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def answer_question(organisation_id: int, round_id: int, question: str) -> Response | str | tuple[str, int]:
    organisation = get_organisation_for(current_user, organisation_id)
    round_ = _open_round(round_id)
    if question not in QUESTIONS:
        abort(404)
    answers = _answers(organisation, round_)
    saved = answers.get(question)
    if saved is None and question == "organisation_type":
        saved = organisation.legal_form
    if request.method == "POST":
        form = question_form(question, round_, formdata=request.form)
    else:
        form = question_form(question, round_, formdata=MultiDict(), data=_form_data(question, saved))
        form.answer.errors = []
    if request.method == "POST" and form.validate():
        answers[question] = form.stored_answer()
        _keep(organisation, round_, answers)
        stop = check(question, answers[question], round_)
        if stop is not None:
            return render_template("applications/not_eligible.html", organisation=organisation, round=round_,
                                   question=question, stop=stop)
        following = QUESTIONS.index(question) + 1
        if following < len(QUESTIONS) and request.args.get("return") != "check":
            return redirect(url_for(".answer_question", organisation_id=organisation.id, round_id=round_.id,
                                    question=QUESTIONS[following]))
        return redirect(url_for(".check_answers", organisation_id=organisation.id, round_id=round_.id))
    position = QUESTIONS.index(question)
    back = (url_for(".answer_question", organisation_id=organisation.id, round_id=round_.id,
                    question=QUESTIONS[position - 1]) if position
            else url_for(".show_round", organisation_id=organisation.id, round_id=round_.id))
    return render_template("applications/eligibility_question.html", form=form, organisation=organisation,
                           round=round_, question=question, back=back, position=position + 1,
                           count=len(QUESTIONS)), 400 if form.errors else 200


def describe(question: str, answer: str) -> str:
    """An answer as the applicant would read it back."""
    if question == "organisation_type":
        return "Another kind of organisation" if answer == OTHER_TYPE else LegalForm(answer).label
    if question == "delivers_locally":
        return "Yes" if answer == "yes" else "No"
    if question == "priority":
        if answer == NO_PRIORITY:
            return "None of these"
        priority = db.session.get(Priority, int(answer))
        return f"{priority.code}: {priority.title}" if priority else ""
    if question == "amount":
        return gbp(int(answer))
    return format_date(date.fromisoformat(answer))


QUESTION_LABELS = {
    "organisation_type": "Type of organisation", "delivers_locally": "Delivered in County Durham or Darlington",
    "priority": "Main priority", "amount": "Amount you will ask for", "start_date": "Start date",
}


@bp.route("/organisations/<int:organisation_id>/rounds/<int:round_id>/eligibility",
          methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def check_answers(organisation_id: int, round_id: int) -> Response | str:
    organisation = get_organisation_for(current_user, organisation_id)
    round_ = _open_round(round_id)
    answers = _answers(organisation, round_)
    for question in QUESTIONS:  # every question answered, and answered eligibly, before starting
        if question not in answers or check(question, answers[question], round_) is not None:
            return redirect(url_for(".answer_question", organisation_id=organisation.id,
                                    round_id=round_.id, question=question))
    form = BaseForm()
    error = None
    if form.validate_on_submit():
        eligibility = {**answers, "priority_id": int(answers["priority"])}
        try:
            application = services.start_application(current_user, organisation, round_, eligibility)
        except services.ApplicationError as problem:
            error = str(problem)
        else:
            db.session.commit()
            _keep(organisation, round_, {})
            return redirect(url_for("applications.task_list", application_id=application.id))
    rows = [{"key": {"text": QUESTION_LABELS[q]}, "value": {"text": describe(q, answers[q])},
             "actions": {"items": [{"href": url_for(".answer_question", organisation_id=organisation.id,
                                                    round_id=round_.id, question=q, **{"return": "check"}),
                                    "text": "Change", "visuallyHiddenText": QUESTION_LABELS[q].lower()}]}}
            for q in QUESTIONS]
    return render_template("applications/eligibility_check.html", organisation=organisation, round=round_,
                           answers_rows=rows, form=form, error=error)
