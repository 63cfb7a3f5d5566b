"""One page per task-list section: show it, and save it with "Save and continue" or "Save and come
back later". A save that crosses someone else's is refused with their name and time, and the
answers typed are shown again so nothing is lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..dates import format_datetime
from ..extensions import db
from ..forms import BaseForm
from ..funds.models import InterventionType
from ..funds.services import local_authority_areas
from ..money import pounds_for_input
from ..organisations.documents import documents_of
from ..organisations.models import Document, DocumentKind
from . import services
from .forms import DECLARATIONS as DECLARATION_CHOICES
from .forms import (
    OTHER_INTERVENTION,
    AboutForm,
    ApproachForm,
    BudgetForm,
    DeclarationForm,
    DeliveryForm,
    DocumentsForm,
    OutputsForm,
    ReachForm,
    SafeguardingForm,
    SectionForm,
    priorities_form,
)
from .models import Application
from .permissions import get_editable_application_for
from .presenters import summary_of
from .sections import SECTIONS, SECTIONS_BY_KEY

bp = Blueprint("sections", __name__)


@dataclass
class Handler:
    build: Callable[[Application, Any, dict[str, Any] | None], SectionForm]
    data: Callable[[Application], dict[str, Any]]
    save: Callable[[Application, Any], None]
    extras: Callable[[Application, Any], dict[str, Any]] = lambda application, form: {}


def _simple(form_class: type[SectionForm]) -> Callable[[Application, Any, dict[str, Any] | None], SectionForm]:
    return lambda application, formdata, data: form_class(formdata=formdata, data=data)


# About -----------------------------------------------------------------------------------------

def _save_about(application: Application, form: AboutForm) -> None:
    services.save_fields(current_user, application, "about", form.seen_version, form.completing,
                         title=form.title.data or None, summary=form.summary.data or None,
                         description=form.description.data or None)


# Priorities ------------------------------------------------------------------------------------

def _build_priorities(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    return priorities_form(application.round.fund.priorities, formdata=formdata, data=data)


def _priorities_data(application: Application) -> dict[str, Any]:
    data: dict[str, Any] = {"addresses": [str(p.priority_id) for p in application.priorities if p.how or
                                          (application.priorities and len(application.priorities) > 0)]}
    primary = next((p for p in application.priorities if p.is_primary), None)
    data["primary"] = str(primary.priority_id) if primary else None
    for p in application.priorities:
        data[f"how_{p.priority_id}"] = p.how
    return data


def _save_priorities(application: Application, form: Any) -> None:
    chosen = [p for p in application.round.fund.priorities if str(p.id) in (form.addresses.data or [])]
    answers = [services.PriorityAnswer(p.id, form[f"how_{p.id}"].data or "") for p in chosen]
    primary = int(form.primary.data) if form.primary.data and form.primary.data in form.addresses.data else None
    services.save_priorities(current_user, application, form.seen_version, form.completing, answers, primary)


def _priorities_extras(application: Application, form: Any) -> dict[str, Any]:
    return {"priorities": application.round.fund.priorities}


# Who it reaches --------------------------------------------------------------------------------

def _build_reach(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    form = ReachForm(formdata=formdata, data=data)
    form.delivery_areas.choices = [(area.code, area.name) for area in local_authority_areas()]
    return form


def _save_reach(application: Application, form: ReachForm) -> None:
    services.save_fields(current_user, application, "reach", form.seen_version, form.completing,
                         age_bands=form.age_bands.data or [], gender_focus=form.gender_focus.data or None,
                         people_expected=form.people, referral_routes=form.referral_routes.data or None,
                         delivery_areas=form.delivery_areas.data or [],
                         delivery_places=form.delivery_places.data or None)


# Approach --------------------------------------------------------------------------------------

def _intervention_types() -> list[InterventionType]:
    return list(db.session.scalars(select(InterventionType).order_by(InterventionType.name)))


def _build_approach(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    form = ApproachForm(formdata=formdata, data=data)
    form.intervention_type.choices = [*((str(t.id), t.name) for t in _intervention_types()),
                                      (OTHER_INTERVENTION, "Other")]
    return form


def _approach_data(application: Application) -> dict[str, Any]:
    kind = (str(application.intervention_type_id) if application.intervention_type_id
            else OTHER_INTERVENTION if application.intervention_other else None)
    return {"intervention_type": kind, "intervention_other": application.intervention_other,
            "approach_reason": application.approach_reason, "evidence": application.evidence}


def _save_approach(application: Application, form: ApproachForm) -> None:
    chosen = form.intervention_type.data
    services.save_fields(current_user, application, "approach", form.seen_version, form.completing,
                         intervention_type_id=int(chosen) if chosen and chosen != OTHER_INTERVENTION else None,
                         intervention_other=form.intervention_other.data or None
                         if chosen == OTHER_INTERVENTION else None,
                         approach_reason=form.approach_reason.data or None, evidence=form.evidence.data or None)


def _approach_extras(application: Application, form: Any) -> dict[str, Any]:
    return {"intervention_types": _intervention_types()}


# Outputs and outcomes --------------------------------------------------------------------------

def _build_outputs(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    form = OutputsForm(formdata=formdata, data=data)
    form.set_priorities([(str(p.id), f"{p.code}: {p.title}") for p in application.round.fund.priorities])
    return form


def _outputs_data(application: Application) -> dict[str, Any]:
    return {
        "outputs": [{"measure": o.measure, "unit": o.unit, "target": str(o.target), "priority": str(o.priority_id)}
                    for o in application.outputs] or [{}],
        "outcomes": [{"indicator": o.indicator, "target": o.target} for o in application.outcomes] or [{}],
    }


def _save_outputs(application: Application, form: OutputsForm) -> None:
    outputs = [services.OutputAnswer(row.form.measure.data, row.form.unit.data,
                                     int(row.form.target.data.replace(",", "")), int(row.form.priority.data))
               for row in form.outputs if not row.form.is_blank() or row.form.priority.data]
    outcomes = [services.OutcomeAnswer(row.form.indicator.data, row.form.target.data)
                for row in form.outcomes if not row.form.is_blank()]
    services.save_outputs(current_user, application, form.seen_version, form.completing, outputs, outcomes)


# Budget ----------------------------------------------------------------------------------------

def _build_budget(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    round_ = application.round
    return BudgetForm(formdata=formdata, data=data, limits=(round_.min_award_pence, round_.max_award_pence))


def _budget_data(application: Application) -> dict[str, Any]:
    return {"lines": [{"category": line.category, "description": line.description,
                       "amount": pounds_for_input(line.amount_pence)} for line in application.budget_lines] or [{}]}


def _save_budget(application: Application, form: BudgetForm) -> None:
    filled = [row.form for row in form.lines if not row.form.is_blank()]
    lines = [services.LineAnswer(row.category.data, row.description.data, amount)
             for row, amount in zip(filled, form.amounts, strict=True)]
    services.save_budget(current_user, application, form.seen_version, form.completing, lines)


def _budget_extras(application: Application, form: Any) -> dict[str, Any]:
    return {"round": application.round}


# Delivery plan ---------------------------------------------------------------------------------

def _build_delivery(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    form = DeliveryForm(formdata=formdata, data=data)
    form.window = (application.round.delivery_from, application.round.delivery_until)
    return form


def _save_delivery(application: Application, form: DeliveryForm) -> None:
    services.save_fields(current_user, application, "delivery", form.seen_version, form.completing,
                         start_date=form.start_date.data, end_date=form.end_date.data,
                         milestones=form.milestones.data or None, risks=form.risks.data or None)


# Safeguarding ----------------------------------------------------------------------------------

def _document_choices(application: Application, kind: DocumentKind) -> list[tuple[str, str]]:
    return [(str(d.id), d.original_name) for d in documents_of(application.organisation, kind)]


def _build_safeguarding(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    form = SafeguardingForm(formdata=formdata, data=data)
    form.policy.choices = _document_choices(application, DocumentKind.SAFEGUARDING_POLICY)
    organisation = application.organisation
    form.lead_confirmed.choices = [("yes", f"{organisation.safeguarding_lead_name} "
                                           f"({organisation.safeguarding_lead_email}) is our safeguarding lead")]
    return form


def _safeguarding_data(application: Application) -> dict[str, Any]:
    policy = services.attached(application, DocumentKind.SAFEGUARDING_POLICY)
    return {"policy": str(policy.id) if policy else None, "dbs_checks": application.dbs_checks,
            "dbs_details": application.dbs_details,
            "lead_confirmed": ["yes"] if application.safeguarding_lead_confirmed else []}


def _chosen_document(application: Application, value: str | None) -> Document | None:
    if not value:
        return None
    document = db.session.get(Document, int(value))
    if document is None or document.organisation_id != application.organisation_id:
        abort(404)
    return document


def _save_safeguarding(application: Application, form: SafeguardingForm) -> None:
    services.save_safeguarding(current_user, application, form.seen_version, form.completing,
                               _chosen_document(application, form.policy.data),
                               dbs_checks=form.dbs_checks.data or None,
                               dbs_details=form.dbs_details.data or None if form.dbs_checks.data == "some" else None,
                               safeguarding_lead_confirmed=bool(form.lead_confirmed.data))


def _safeguarding_extras(application: Application, form: Any) -> dict[str, Any]:
    return {"upload_url": url_for("organisation_documents.upload_document",
                                  organisation_id=application.organisation_id,
                                  **{"return": url_for("sections.edit_section", application_id=application.id,
                                                       key="safeguarding")})}


# Documents -------------------------------------------------------------------------------------

def _build_documents(application: Application, formdata: Any, data: dict[str, Any] | None) -> SectionForm:
    form = DocumentsForm(formdata=formdata, data=data)
    form.constitution.choices = _document_choices(application, DocumentKind.CONSTITUTION)
    form.accounts.choices = _document_choices(application, DocumentKind.ACCOUNTS)
    return form


def _documents_data(application: Application) -> dict[str, Any]:
    constitution = services.attached(application, DocumentKind.CONSTITUTION)
    accounts = services.attached(application, DocumentKind.ACCOUNTS)
    return {"constitution": str(constitution.id) if constitution else None,
            "accounts": str(accounts.id) if accounts else None}


def _save_documents(application: Application, form: DocumentsForm) -> None:
    services.save_documents(current_user, application, form.seen_version, form.completing,
                            _chosen_document(application, form.constitution.data),
                            _chosen_document(application, form.accounts.data))


def _documents_extras(application: Application, form: Any) -> dict[str, Any]:
    here = url_for("sections.edit_section", application_id=application.id, key="documents")
    return {"upload_url": url_for("organisation_documents.upload_document",
                                  organisation_id=application.organisation_id, **{"return": here}),
            "extra_documents": services.extra_documents(application),
            "safeguarding_policy": services.attached(application, DocumentKind.SAFEGUARDING_POLICY),
            "upload_form": BaseForm(), "max_mb": _max_mb()}


def _max_mb() -> int:
    return current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)


# Declaration -----------------------------------------------------------------------------------

def _declaration_data(application: Application) -> dict[str, Any]:
    return {"declaration_name": application.declaration_name or current_user.name,
            "declaration_role": application.declaration_role,
            "confirmations": [value for value, _ in DECLARATION_CHOICES] if application.declared_at else []}


def _save_declaration(application: Application, form: DeclarationForm) -> None:
    services.save_fields(current_user, application, "declaration", form.seen_version, form.completing,
                         declaration_name=form.declaration_name.data or None,
                         declaration_role=form.declaration_role.data or None)


def _columns(key: str) -> Callable[[Application], dict[str, Any]]:
    return lambda application: {name: getattr(application, name) for name in SECTIONS_BY_KEY[key].fields}


HANDLERS: dict[str, Handler] = {
    "about": Handler(_simple(AboutForm), _columns("about"), _save_about),
    "priorities": Handler(_build_priorities, _priorities_data, _save_priorities, _priorities_extras),
    "reach": Handler(_build_reach, lambda a: {**_columns("reach")(a), "people_expected":
                                              str(a.people_expected) if a.people_expected else ""}, _save_reach),
    "approach": Handler(_build_approach, _approach_data, _save_approach, _approach_extras),
    "outputs": Handler(_build_outputs, _outputs_data, _save_outputs),
    "budget": Handler(_build_budget, _budget_data, _save_budget, _budget_extras),
    "delivery": Handler(_build_delivery, _columns("delivery"), _save_delivery),
    "safeguarding": Handler(_build_safeguarding, _safeguarding_data, _save_safeguarding, _safeguarding_extras),
    "documents": Handler(_build_documents, _documents_data, _save_documents, _documents_extras),
    "declaration": Handler(_simple(DeclarationForm), _declaration_data, _save_declaration),
}


@bp.route("/applications/<int:application_id>/sections/<key>", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def edit_section(application_id: int, key: str) -> Response | tuple[str, int] | str:
    application = get_editable_application_for(current_user, application_id)
    handler = HANDLERS.get(key)
    if handler is None:
        abort(404)
    if not application.is_draft:
        return redirect(url_for("applications.show_application", application_id=application.id))
    section = services.section_of(application, key)
    if request.method == "GET":
        form = handler.build(application, None, {**handler.data(application), "version": section.version})
        return render_section(application, key, form)

    form = handler.build(application, request.form, None)
    rebuilt = _repeat_rows(application, handler, key, form)
    if rebuilt is not None:
        return render_section(application, key, rebuilt)
    if not form.validate():
        return render_section(application, key, form, status=400)
    try:
        handler.save(application, form)
    except services.EditConflict as conflict:
        db.session.rollback()
        return _conflict(application, key, handler, conflict)
    except services.ApplicationError as problem:
        db.session.rollback()
        return render_section(application, key, form, status=400, problem=str(problem))
    db.session.commit()
    if request.args.get("return") == "check":
        return redirect(url_for("applications.check_application", application_id=application.id))
    return redirect(url_for("applications.task_list", application_id=application.id))


# Adding and removing rows without JavaScript: the page comes back with the rows as typed. -------------


def _repeat_rows(application: Application, handler: Handler, key: str, form: SectionForm) -> SectionForm | None:
    lists = {"budget": [("lines", "add_line")], "outputs": [("outputs", "add_output"), ("outcomes", "add_outcome")]}
    for name, button in lists.get(key, []):
        rows = form[name]
        if form[button].data:
            if len(rows.entries) < (rows.max_entries or 100):
                rows.append_entry()
            return _renumbered(application, handler, form, name)
        remove = request.form.get(f"remove_{name}")
        if remove is not None:
            try:
                index = int(remove)
            except ValueError:
                abort(400)
            if 0 <= index < len(rows.entries) and len(rows.entries) > 1:
                rows.entries.pop(index)
            return _renumbered(application, handler, form, name)
    return None


def _renumbered(application: Application, handler: Handler, form: SectionForm, changed: str) -> SectionForm:
    """A fresh form from the typed rows, numbered 0, 1, 2… again, so labels and error links agree."""
    data: dict[str, Any] = {"version": form.version.data}
    for name in ("lines", "outputs", "outcomes"):
        if name in form:
            data[name] = [{field.short_name: field.data for field in row.form} for row in form[name]]
    return handler.build(application, None, data)


def _conflict(application: Application, key: str, handler: Handler,
              conflict: services.EditConflict) -> tuple[str, int]:
    """The typed answers come back with the newer version, so saving again is a deliberate choice."""
    form = handler.build(application, request.form, None)
    form.validate()
    form.version.data = str(conflict.section.version)
    by = conflict.section.updated_by.name if conflict.section.updated_by else "someone else"
    when = format_datetime(conflict.section.updated_at)
    current = next(s for s in summary_of(application, editable=False) if s.key == key)
    return render_section(application, key, form, status=409, conflict=f"This section was changed by {by} on "
                          f"{when}", current=current)


def render_section(application: Application, key: str, form: SectionForm, status: int = 200,
                   **context: Any) -> tuple[str, int]:
    handler = HANDLERS[key]
    section = SECTIONS_BY_KEY[key]
    number = [s.key for s in SECTIONS].index(key) + 1
    return render_template(f"applications/sections/{key}.html", application=application, form=form,
                           section=section, number=number, **handler.extras(application, form),
                           **context), status
