"""The organisation's monitoring returns: a task list, one page per section, check and submit, the
read-only view once submitted, and the PDF."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import notifications
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..extensions import db
from ..money import pounds_for_input
from . import answers, services
from .forms import NarrativeForm, OutcomesForm, OutputsForm, ReachForm, ReturnSectionForm, SpendForm, SubmitForm
from .forms import refresh_errors as refresh_row_errors
from .models import MonitoringReturn
from .pdf import return_pdf as render_return_pdf
from .permissions import get_grant_for_member, get_return_for_member
from .planning import returns_of
from .reach import BREAKDOWNS
from .report import delivered_before, report_of
from .sections import COMPLETED, sections_of

bp = Blueprint("monitoring", __name__)
MEMBER = Role.APPLICANT


@dataclass
class Handler:
    build: Callable[[MonitoringReturn, Any, dict[str, Any] | None], ReturnSectionForm]
    data: Callable[[MonitoringReturn], dict[str, Any]]
    save: Callable[[MonitoringReturn, Any], None]


def _rows_form(form_class: type, items: Callable[[MonitoringReturn], list[Any]],
               label: Callable[[Any], str]) -> Callable[[MonitoringReturn, Any, dict[str, Any] | None], Any]:
    def build(monitoring_return: MonitoringReturn, formdata: Any, data: dict[str, Any] | None) -> Any:
        form = form_class(formdata=formdata, data=data)
        form.labels = {str(item.id): label(item) for item in items(monitoring_return)}
        return form
    return build


def _outputs(r: MonitoringReturn) -> list[Any]:
    return list(r.grant.application.outputs)


def _outcomes(r: MonitoringReturn) -> list[Any]:
    return list(r.grant.application.outcomes)


def _lines(r: MonitoringReturn) -> list[Any]:
    return list(r.grant.application.budget_lines)


def _outputs_data(r: MonitoringReturn) -> dict[str, Any]:
    saved = {a.planned_output_id: a.quantity for a in r.output_actuals}
    return {"rows": [{"planned_id": str(o.id), "quantity": "" if saved.get(o.id) is None else str(saved[o.id])}
                     for o in _outputs(r)]}


def _save_outputs(r: MonitoringReturn, form: OutputsForm) -> None:
    answers.save_outputs(current_user, r, [answers.OutputFigure(i, q) for i, q in form.figures], form.completing)


def _reach_data(r: MonitoringReturn) -> dict[str, Any]:
    data: dict[str, Any] = {"new_participants": "" if r.new_participants is None else str(r.new_participants)}
    for count in r.reach_counts:
        data[f"{count.dimension}__{count.category}"] = str(count.count)
    return data


def _save_reach(r: MonitoringReturn, form: ReachForm) -> None:
    answers.save_reach(current_user, r, form.total, form.counts, form.completing)


def _outcomes_data(r: MonitoringReturn) -> dict[str, Any]:
    saved = {a.planned_outcome_id: a for a in r.outcome_actuals}
    return {"rows": [{"planned_id": str(o.id), "result": saved[o.id].result if o.id in saved else "",
                      "note": saved[o.id].note if o.id in saved else ""} for o in _outcomes(r)]}


def _save_outcomes(r: MonitoringReturn, form: OutcomesForm) -> None:
    answers.save_outcomes(current_user, r, [answers.OutcomeResult(*row) for row in form.results], form.completing)


def _spend_data(r: MonitoringReturn) -> dict[str, Any]:
    saved = {s.budget_line_id: s for s in r.spend_lines}
    return {"rows": [{"planned_id": str(line.id),
                      "spent": pounds_for_input(saved[line.id].spent_pence) if line.id in saved else "",
                      "explanation": saved[line.id].explanation if line.id in saved else ""} for line in _lines(r)]}


def _save_spend(r: MonitoringReturn, form: SpendForm) -> None:
    answers.save_spend(current_user, r, [answers.SpendFigure(*row) for row in form.figures], form.completing)


def _narrative_data(r: MonitoringReturn) -> dict[str, Any]:
    return {"progress": r.progress, "challenges": r.challenges, "case_study": r.case_study, "rag": r.rag,
            "safeguarding_incidents": "" if r.safeguarding_incidents is None else str(r.safeguarding_incidents)}


def _save_narrative(r: MonitoringReturn, form: NarrativeForm) -> None:
    answers.save_narrative(current_user, r, answers.Narrative(
        form.progress.data or "", form.challenges.data or "", form.case_study.data or "", form.incidents,
        form.rag.data or None), form.completing)


HANDLERS: dict[str, Handler] = {
    "outputs": Handler(_rows_form(OutputsForm, _outputs, lambda o: o.measure), _outputs_data, _save_outputs),
    "reach": Handler(lambda r, formdata, data: ReachForm(formdata=formdata, data=data), _reach_data, _save_reach),
    "outcomes": Handler(_rows_form(OutcomesForm, _outcomes, lambda o: o.indicator), _outcomes_data,
                        _save_outcomes),
    "spend": Handler(_rows_form(SpendForm, _lines, lambda line: line.description), _spend_data, _save_spend),
    "narrative": Handler(lambda r, formdata, data: NarrativeForm(formdata=formdata, data=data), _narrative_data,
                         _save_narrative),
}


def _task_list(monitoring_return: MonitoringReturn) -> BaseResponse:
    return redirect(url_for(".task_list", grant_id=monitoring_return.grant_id, return_id=monitoring_return.id))


@bp.route("/your-grants/<int:grant_id>/returns")
@roles_required(MEMBER)
def list_returns(grant_id: int) -> str:
    grant = get_grant_for_member(current_user, grant_id)
    return render_template("monitoring/returns.html", grant=grant, returns=returns_of(grant),
                           can_start=services.can_start)


@bp.route("/your-grants/<int:grant_id>/returns/<int:return_id>")
@roles_required(MEMBER)
def task_list(grant_id: int, return_id: int) -> BaseResponse | str:
    monitoring_return = get_return_for_member(current_user, grant_id, return_id)
    if not monitoring_return.is_editable or not monitoring_return.grant.is_live:
        return redirect(url_for(".show_return", grant_id=grant_id, return_id=return_id))
    sections = sections_of(monitoring_return)
    states = monitoring_return.sections or {}
    return render_template("monitoring/task_list.html", monitoring_return=monitoring_return, sections=sections,
                           states=states, completed=sum(1 for s in sections if states.get(s.key) == COMPLETED),
                           can_start=services.can_start(monitoring_return))


@bp.route("/your-grants/<int:grant_id>/returns/<int:return_id>/sections/<key>", methods=["GET", "POST"])
@roles_required(MEMBER)
def edit_section(grant_id: int, return_id: int, key: str) -> BaseResponse | tuple[str, int]:
    monitoring_return = get_return_for_member(current_user, grant_id, return_id)
    handler = HANDLERS.get(key)
    if handler is None or key not in {s.key for s in sections_of(monitoring_return)}:
        abort(404)
    if not services.can_start(monitoring_return):
        return _task_list(monitoring_return)
    if request.method == "GET":
        return render_section(monitoring_return, key, handler.build(monitoring_return, None,
                                                                    handler.data(monitoring_return)))
    form = handler.build(monitoring_return, request.form, None)
    if not form.validate():
        return render_section(monitoring_return, key, form, status=400)
    try:
        handler.save(monitoring_return, form)
    except services.ReturnError as problem:
        db.session.rollback()
        return render_section(monitoring_return, key, form, status=400, problem=attach_problems(form, problem))
    db.session.commit()
    if request.args.get("return") == "check":
        return redirect(url_for(".check_return", grant_id=grant_id, return_id=return_id))
    return _task_list(monitoring_return)


def attach_problems(form: Any, error: services.ReturnError) -> str | None:
    """Put each of the service's problems beside its field; return what belongs to no field."""
    fields: dict[str, Any] = {}
    lists = []
    for field in form:
        if field.type == "FieldList":
            lists.append(field)
            for row in field:
                fields.update({sub.id: sub for sub in row.form})
        fields[field.id] = field
    if not error.problems:
        return str(error)
    leftover = None
    for field_id, message in error.problems.items():
        field = fields.get(field_id)
        if field is None:
            leftover = leftover or message
            continue
        field.errors = [*field.errors, message]
    for rows in lists:
        refresh_row_errors(rows)
    return leftover


def render_section(monitoring_return: MonitoringReturn, key: str, form: Any, status: int = 200,
                   **context: Any) -> tuple[str, int]:
    sections = sections_of(monitoring_return)
    section = next(s for s in sections if s.key == key)
    extras: dict[str, Any] = {}
    if key == "outputs":
        extras["outputs"] = {str(o.id): o for o in _outputs(monitoring_return)}
        extras["before"] = delivered_before(monitoring_return)
    elif key == "outcomes":
        extras["outcomes"] = {str(o.id): o for o in _outcomes(monitoring_return)}
    elif key == "spend":
        extras["lines"] = {str(line.id): line for line in _lines(monitoring_return)}
        extras["profiles"] = {str(line.id): services.line_profile(monitoring_return, line)
                              for line in _lines(monitoring_return)}
    elif key == "reach":
        extras["breakdowns"] = BREAKDOWNS
    return render_template(f"monitoring/sections/{key}.html", monitoring_return=monitoring_return, form=form,
                           section=section, number=[s.key for s in sections].index(key) + 1, total=len(sections),
                           **extras, **context), status


@bp.route("/your-grants/<int:grant_id>/returns/<int:return_id>/check")
@roles_required(MEMBER)
def check_return(grant_id: int, return_id: int) -> BaseResponse | str:
    monitoring_return = get_return_for_member(current_user, grant_id, return_id)
    if not monitoring_return.is_editable or not monitoring_return.grant.is_live:
        return redirect(url_for(".show_return", grant_id=grant_id, return_id=return_id))
    if not services.can_start(monitoring_return):
        return _task_list(monitoring_return)
    return _check_page(monitoring_return)


def _check_page(monitoring_return: MonitoringReturn, error: str | None = None) -> Any:
    return render_template("monitoring/check_answers.html", monitoring_return=monitoring_return,
                           report=report_of(monitoring_return), sections=sections_of(monitoring_return),
                           problems=services.submission_problems(monitoring_return), form=SubmitForm(),
                           error=error), 400 if error else 200


@bp.route("/your-grants/<int:grant_id>/returns/<int:return_id>/submit", methods=["POST"])
@roles_required(MEMBER)
def submit_return(grant_id: int, return_id: int) -> BaseResponse | tuple[str, int]:
    monitoring_return = get_return_for_member(current_user, grant_id, return_id)
    if not SubmitForm().validate_on_submit():
        abort(400)
    try:
        services.submit(current_user, monitoring_return)
    except services.ReturnError as problem:
        db.session.rollback()
        if not monitoring_return.is_editable:
            flash(str(problem), "info")
            return redirect(url_for(".show_return", grant_id=grant_id, return_id=return_id))
        return _check_page(monitoring_return, str(problem))
    db.session.commit()
    officer = db.session.get(User, monitoring_return.grant.offered_by_id)
    if officer is not None and officer.is_active:
        notifications.return_submitted(officer.email, officer.name, monitoring_return.grant.reference,
                                       monitoring_return.title,
                                       url_for("monitoring_officer.show_return", grant_id=grant_id,
                                               return_id=return_id))
    flash(f"{monitoring_return.title} has been submitted. The grants team will review it.", "success")
    return redirect(url_for(".show_return", grant_id=grant_id, return_id=return_id))


@bp.route("/your-grants/<int:grant_id>/returns/<int:return_id>/view")
@roles_required(MEMBER)
def show_return(grant_id: int, return_id: int) -> str:
    monitoring_return = get_return_for_member(current_user, grant_id, return_id)
    return render_template("monitoring/return_show.html", monitoring_return=monitoring_return,
                           report=report_of(monitoring_return), can_edit=services.can_start(monitoring_return))


@bp.route("/your-grants/<int:grant_id>/returns/<int:return_id>/return.pdf")
@roles_required(MEMBER)
def return_pdf(grant_id: int, return_id: int) -> Response:
    monitoring_return = get_return_for_member(current_user, grant_id, return_id)
    return pdf_response(monitoring_return)


def pdf_response(monitoring_return: MonitoringReturn) -> Response:
    if monitoring_return.submitted_at is None:
        abort(404)
    name = f"{monitoring_return.grant.reference}-return-{monitoring_return.number}.pdf"
    return Response(render_return_pdf(report_of(monitoring_return)), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
