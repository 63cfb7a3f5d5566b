"""Running a round's assessment: criteria, assigning reviewers in bulk, their workload, the
conflicts register, the panel's ranked view and recommended set, the panel pack, and notifying
applicants of decisions in a batch."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from .. import notifications
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from ..forms import BaseForm, is_whole_number
from ..funds.models import Round
from ..organisations.services import member_emails
from ..urls import address_of
from . import assignments, criteria, decisions, pack
from .criteria_forms import CriteriaForm, criteria_data
from .forms import NotifyForm
from .models import Decision
from .officer_routes import notify_reviewers
from .panel import conflicts_register, panel_for
from .permissions import conflicted_organisation_ids
from .scoring import percent

bp = Blueprint("panel", __name__)
OFFICER = Role.GRANTS_OFFICER
MAX_REVIEWERS_EACH = 10


def _round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/rounds/<int:round_id>")
@roles_required(OFFICER)
def show_round(round_id: int) -> str:
    round_ = _round(round_id)
    return render_template("assessment/round.html", round=round_, locked=criteria.is_locked(round_),
                           weight_total=sum(c.weight for c in round_.criteria),
                           drafts=len(decisions.draft_decisions(round_.id)))


@bp.route("/rounds/<int:round_id>/criteria", methods=["GET", "POST"])
@roles_required(OFFICER)
def edit_criteria(round_id: int) -> BaseResponse | tuple[str, int]:
    round_ = _round(round_id)
    locked = criteria.is_locked(round_)
    if request.method == "GET" or locked:
        form = CriteriaForm(formdata=None, data=criteria_data(round_))
        form.prepare(round_)
        return render_template("assessment/criteria.html", round=round_, form=form, locked=locked), \
            409 if locked and request.method == "POST" else 200
    form = CriteriaForm()
    form.prepare(round_)
    changed = _add_or_remove_row(form)
    if changed is not None:
        changed.prepare(round_)
        return render_template("assessment/criteria.html", round=round_, form=changed, locked=False), 200
    if not form.validate():
        return render_template("assessment/criteria.html", round=round_, form=form, locked=False), 400
    try:
        criteria.replace_criteria(current_user, round_, form.rows())
    except criteria.CriteriaLocked as problem:
        db.session.rollback()
        flash(str(problem), "info")
        return redirect(url_for(".edit_criteria", round_id=round_.id))
    db.session.commit()
    flash("The criteria have been saved.", "success")
    return redirect(url_for(".show_round", round_id=round_.id))


def _add_or_remove_row(form: CriteriaForm) -> CriteriaForm | None:
    rows = form.criteria
    if form.add_criterion.data:
        if len(rows.entries) < (rows.max_entries or 20):
            rows.append_entry()
    elif (remove := request.form.get("remove_criterion")) is not None:
        if not is_whole_number(remove):
            abort(400)
        if int(remove) < len(rows.entries) and len(rows.entries) > 1:
            rows.entries.pop(int(remove))
    else:
        return None
    data = [{"criterion_id": r.form.criterion_id.data, "title": r.form.title.data, "guidance": r.form.guidance.data,
             "weight": r.form.weight.data, "priority": r.form.priority.data,
             "descriptors": [box.data for box in r.form.descriptors]} for r in rows]
    return CriteriaForm(formdata=None, data={"criteria": data})


@bp.route("/rounds/<int:round_id>/assignments", methods=["GET", "POST"])
@roles_required(OFFICER)
def bulk_assign(round_id: int) -> BaseResponse | tuple[str, int]:
    round_ = _round(round_id)
    applications = assignments.assignable(round_)
    pool = assignments.reviewers()
    errors: dict[str, str] = {}
    chosen_apps = request.form.getlist("applications")
    chosen_reviewers = request.form.getlist("reviewers")
    per_application = request.form.get("per_application", "2").strip()
    if request.method == "POST":
        if not BaseForm().validate_on_submit():
            abort(400)
        selected = [a for a in applications if str(a.id) in chosen_apps]
        if not selected:
            errors["applications"] = "Select at least one application"
        balancing = "balance" in request.form
        if balancing:
            if not is_whole_number(per_application) or not 1 <= int(per_application) <= MAX_REVIEWERS_EACH:
                errors["per_application"] = f"Reviewers for each application must be a whole number from 1 to " \
                                            f"{MAX_REVIEWERS_EACH}"
        else:
            people = [r for r in pool if str(r.id) in chosen_reviewers]
            if not people:
                errors["reviewers"] = "Select at least one reviewer, or balance automatically"
        if not errors:
            if balancing:
                result = assignments.balance(current_user, round_, selected, int(per_application), pool)
            else:
                result = assignments.assign(current_user, selected, people)
            db.session.commit()
            notify_reviewers(result.created)
            flash(f"{len(result.created)} assignment{'s' if len(result.created) != 1 else ''} made. "
                  "Each reviewer has been emailed.", "success")
            for reason in result.skipped:
                flash(reason, "info")
            return redirect(url_for(".bulk_assign", round_id=round_.id))
    existing = assignments.assignments_of(applications)
    return render_template("assessment/bulk_assign.html", round=round_, applications=applications, pool=pool,
                           errors=errors, chosen_apps=chosen_apps, chosen_reviewers=chosen_reviewers,
                           per_application=per_application, existing=existing,
                           loads=assignments.loads(round_)), 400 if errors else 200


@bp.route("/rounds/<int:round_id>/reviewers")
@roles_required(OFFICER)
def workload(round_id: int) -> str:
    round_ = _round(round_id)
    return render_template("assessment/workload.html", round=round_, rows=assignments.workload(round_))


@bp.route("/rounds/<int:round_id>/conflicts")
@roles_required(OFFICER)
def conflicts(round_id: int) -> str:
    round_ = _round(round_id)
    return render_template("assessment/conflicts.html", round=round_, entries=conflicts_register(round_))


def _minimums(round_: Round) -> tuple[dict[int, int], dict[str, str]]:
    minimums, errors = {}, {}
    for priority in round_.fund.priorities:
        text = request.args.get(f"min-{priority.id}", "").strip()
        if not text:
            continue
        if not is_whole_number(text) or int(text) > 50:
            errors[f"min-{priority.id}"] = f"Minimum for {priority.code} must be a whole number from 0 to 50"
        else:
            minimums[priority.id] = int(text)
    return minimums, errors


@bp.route("/rounds/<int:round_id>/panel")
@roles_required(OFFICER)
def show_panel(round_id: int) -> tuple[str, int]:
    round_ = _round(round_id)
    minimums, errors = _minimums(round_)
    panel = panel_for(round_, {} if errors else minimums)
    conflicted = conflicted_organisation_ids(current_user)
    hidden = {row.application.id for row in panel.rows if row.application.organisation_id in conflicted}
    return render_template("assessment/panel.html", panel=panel, percent=percent, errors=errors,
                           minimums={k: str(v) for k, v in minimums.items()}, args=request.args,
                           hidden=hidden, assessment_of=address_of("assessment_officer.show_assessment",
                                                                   "application_id")), 400 if errors else 200


def _pack_panel(round_id: int) -> Any:
    """The panel's papers show every application's scores, so someone who has declared an
    interest in one of them cannot produce them."""
    round_ = _round(round_id)
    minimums, errors = _minimums(round_)
    panel = panel_for(round_, {} if errors else minimums)
    organisations = conflicted_organisation_ids(current_user)
    conflicted = [row.application.reference for row in panel.rows if row.application.organisation_id in organisations]
    if conflicted:
        flash(f"You declared an interest in {', '.join(conflicted)}, so you cannot produce the panel pack, which "
              "shows its scores. Ask another grants officer.", "info")
        return None
    return panel


@bp.route("/rounds/<int:round_id>/panel/pack")
@roles_required(OFFICER)
def panel_pack(round_id: int) -> BaseResponse | str:
    panel = _pack_panel(round_id)
    if panel is None:
        return redirect(url_for(".show_panel", round_id=round_id))
    return render_template("assessment/panel_pack.html", panel=panel, pages=pack.pack_sections(panel), percent=percent)


@bp.route("/rounds/<int:round_id>/panel/pack.pdf")
@roles_required(OFFICER)
def panel_pack_pdf(round_id: int) -> BaseResponse:
    panel = _pack_panel(round_id)
    if panel is None:
        return redirect(url_for(".show_panel", round_id=round_id))
    name = f"panel-pack-round-{panel.round.id}.pdf"
    return Response(pack.panel_pack_pdf(panel, current_user.name), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/rounds/<int:round_id>/decisions", methods=["GET", "POST"])
@roles_required(OFFICER)
def notify_decisions(round_id: int) -> BaseResponse | tuple[str, int]:
    round_ = _round(round_id)
    drafts = decisions.draft_decisions(round_.id)
    form = NotifyForm()
    form.decisions.choices = [(str(d.id), d.application.reference) for d in drafts]
    posted = request.form.getlist("decisions")
    if request.method == "POST" and posted and not set(posted) & {value for value, _ in form.decisions.choices}:
        # A second click, or another officer got there first: nothing is sent twice.
        flash("Those decisions have already been sent.", "info")
        return redirect(url_for(".notify_decisions", round_id=round_.id))
    if form.validate_on_submit():
        chosen = [d for d in drafts if str(d.id) in set(form.decisions.data)]
        published = decisions.notify(current_user, chosen)
        db.session.commit()
        _email_decisions(published)
        flash(f"{len(published)} applicant{'s' if len(published) != 1 else ''} notified.", "success")
        return redirect(url_for(".notify_decisions", round_id=round_.id))
    return render_template("assessment/decisions.html", round=round_, drafts=drafts, form=form), \
        400 if form.errors else 200


def _email_decisions(published: list[Decision]) -> None:
    for decision in published:
        application = decision.application
        for email in member_emails(application.organisation):
            notifications.decision_made(email, application.reference, application.display_title,
                                        application.organisation.name,
                                        url_for("applicant_assessment.outcome", application_id=application.id))
