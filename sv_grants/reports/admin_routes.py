"""What grants officers add to the impact return: the Home Office context measures for the area,
and which anonymised case studies it features."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from ..forms import BaseForm
from ..funds.models import Area
from ..grants.models import Grant
from ..monitoring.models import MonitoringReturn, ReturnStatus
from ..pagination import page_count, pagination, requested_page
from . import inputs, services
from .forms import ContextMeasureForm
from .models import ContextMeasure, FeaturedCaseStudy, Measure

bp = Blueprint("reports_admin", __name__)
OFFICER = Role.GRANTS_OFFICER
WHOLE_AREA = "County Durham and Darlington"
PAGE_SIZE = 20


def _areas() -> list[tuple[str, str]]:
    names = [area.name for area in db.session.scalars(select(Area).order_by(Area.name))]
    return [(name, name) for name in [WHOLE_AREA, *names]]


@bp.route("/reports/context-measures")
@roles_required(OFFICER)
def context_measures() -> str:
    measures = db.session.scalars(select(ContextMeasure).order_by(
        ContextMeasure.financial_year.desc(), ContextMeasure.quarter.desc(), ContextMeasure.measure,
        ContextMeasure.area_name)).all()
    return render_template("reports/context_measures.html", measures=measures, Measure=Measure)


@bp.route("/reports/context-measures/new", methods=["GET", "POST"])
@bp.route("/reports/context-measures/<int:measure_id>", methods=["GET", "POST"])
@roles_required(OFFICER)
def edit_context_measure(measure_id: int | None = None) -> Response | tuple[str, int]:
    measure = db.session.get(ContextMeasure, measure_id) if measure_id is not None else None
    if measure_id is not None and measure is None:
        abort(404)
    form = ContextMeasureForm(obj=measure, data=None if measure else {"area_name": WHOLE_AREA})
    form.area_name.choices = _areas()
    if measure is not None and request.method == "GET":
        form.quarter.data, form.value.data = str(measure.quarter), str(measure.value)
    if form.validate_on_submit():
        fields = {"measure": form.measure.data, "area_name": form.area_name.data,
                  "financial_year": form.financial_year.data, "quarter": int(form.quarter.data),
                  "value": int(form.value.data), "source": form.source.data}
        try:
            saved = inputs.save_context_measure(current_user, measure, fields)
        except inputs.DuplicateMeasure:
            db.session.rollback()
            if measure_id is None:  # the refused row is not a measure the page can be changing
                measure = None
            form.financial_year.errors = [
                "There is already a figure for this measure, area and period: change that one instead"]
        else:
            db.session.commit()
            flash(f"{Measure(saved.measure).label} for {saved.area_name}, {saved.period_label} is saved.", "success")
            return redirect(url_for(".context_measures"))
    return render_template("reports/context_measure_form.html", form=form, measure=measure), \
        400 if form.errors else 200


def _featured_returns(fund_id: int) -> tuple[list[MonitoringReturn], int, int]:
    query = (select(MonitoringReturn).join(Grant, MonitoringReturn.grant_id == Grant.id)
             .where(Grant.fund_id == fund_id, MonitoringReturn.status == ReturnStatus.ACCEPTED,
                    func.length(func.trim(func.coalesce(MonitoringReturn.case_study, ""))) > 0))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = page_count(total, PAGE_SIZE)
    page = requested_page(pages)
    rows = db.session.scalars(query.options(joinedload(MonitoringReturn.grant).joinedload(Grant.organisation))
                              .order_by(MonitoringReturn.period_end.desc(), MonitoringReturn.id)
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return list(rows), page, pages


@bp.route("/reports/<slug>/case-studies")
@roles_required(OFFICER)
def case_studies(slug: str) -> str:
    fund = services.fund_by_slug(slug)
    if fund is None:
        abort(404)
    returns, page, pages = _featured_returns(fund.id)
    featured = set(db.session.scalars(select(FeaturedCaseStudy.return_id).where(
        FeaturedCaseStudy.return_id.in_([r.id for r in returns]))))
    return render_template("reports/case_studies.html", fund=fund, returns=returns, featured=featured,
                           page=page, pages=pages, form=BaseForm(),
                           pagination=pagination(".case_studies", page, pages, "Pages of case studies", slug=slug))


@bp.route("/reports/<slug>/case-studies/<int:return_id>", methods=["POST"])
@roles_required(OFFICER)
def feature(slug: str, return_id: int) -> Response:
    fund = services.fund_by_slug(slug)
    monitoring_return = db.session.get(MonitoringReturn, return_id)
    if fund is None or monitoring_return is None or monitoring_return.grant.fund_id != fund.id \
            or monitoring_return.status != ReturnStatus.ACCEPTED or not (monitoring_return.case_study or "").strip():
        abort(404)
    back = url_for(".case_studies", slug=slug, page=request.form.get("page", type=int))
    if not BaseForm().validate_on_submit():
        flash("Your session expired before the change was sent. Try again.", "info")
        return redirect(back)
    featured = request.form.get("featured") == "yes"
    name = f"{monitoring_return.grant.organisation.name}’s case study ({monitoring_return.title})"
    try:
        inputs.set_featured(current_user, monitoring_return, featured)
        db.session.commit()
    except IntegrityError:  # chosen at the same moment by someone else: it is featured either way
        db.session.rollback()
    flash(f"{name} is {'now' if featured else 'no longer'} in the impact return.", "success")
    return redirect(back)
