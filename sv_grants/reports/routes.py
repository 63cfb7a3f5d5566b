"""The Returns page: finance, the PCC's office and grants officers choose a fund, a return, a period
and a format. Every return produced is audited (who, what, when)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..audit.services import record
from ..auth.models import Role, User
from ..auth.permissions import roles_required
from ..database import end_read_transaction
from ..dates import clock
from ..extensions import db
from ..funds.models import Fund
from . import services
from .forms import ChooseReturnForm
from .periods import Period, UnknownPeriod, parse_period

bp = Blueprint("reports", __name__)
STAFF = (Role.FINANCE_OFFICER, Role.PCC_VIEWER, Role.GRANTS_OFFICER)
# Who may have which return: finance staff need the money, not the people reached.
ALLOWED = {"funding": STAFF, "impact": (Role.PCC_VIEWER, Role.GRANTS_OFFICER)}


def _kinds(user: User) -> list[tuple[str, str]]:
    return [(kind, label) for kind, label in services.KINDS.items() if user.has_role(*ALLOWED[kind])]


def _formats(user: User) -> list[tuple[str, str]]:
    choices = [(fmt, label) for fmt, (label, _) in services.FORMATS.items()]
    if user.has_role(Role.GRANTS_OFFICER):
        choices.append(("unsuppressed", "HTML with small numbers shown (impact return, officers only)"))
    return choices


def _with_choices(form: ChooseReturnForm, funds: list[Fund]) -> ChooseReturnForm:
    form.fund.choices = [(fund.slug, fund.name) for fund in funds]
    form.kind.choices = _kinds(current_user)
    form.period.choices = services.period_choices(clock.today_in_london())
    form.fmt.choices = _formats(current_user)
    return form


@bp.route("/reports")
@roles_required(*STAFF)
def choose() -> Response | tuple[str, int]:
    funds = list(db.session.scalars(select(Fund).order_by(Fund.name)))
    if not request.args:  # first visit: nothing chosen yet, so nothing to complain about
        form = ChooseReturnForm(data={"fund": funds[0].slug if len(funds) == 1 else None, "period": "to-date"})
        return render_template("reports/choose.html", form=_with_choices(form, funds), funds=funds), 200
    form = _with_choices(ChooseReturnForm(request.args), funds)
    if form.validate():
        if form.fmt.data == "unsuppressed" and form.kind.data != "impact":
            form.fmt.errors = ["Small numbers can be shown only in the impact return: choose another format"]
        else:
            return redirect(_address(form.fund.data, form.kind.data, form.period.data, form.fmt.data))
    return render_template("reports/choose.html", form=form, funds=funds), 400


def _address(slug: str, kind: str, period: str, fmt: str) -> str:
    if fmt == "html":
        return url_for(".show", slug=slug, kind=kind, period=period)
    if fmt == "unsuppressed":
        return url_for(".unsuppressed", slug=slug, period=period)
    return url_for(".download", slug=slug, kind=kind, period=period, fmt=fmt)


def _load(slug: str, kind: str, period_key: str) -> tuple[Fund, Period]:
    fund = services.fund_by_slug(slug)
    if fund is None or kind not in services.KINDS:
        abort(404)
    if not current_user.has_role(*ALLOWED[kind]):
        abort(403)
    try:
        period = parse_period(period_key, clock.today_in_london())
    except UnknownPeriod:
        abort(404)
    return fund, period


def _audit(fund: Fund, kind: str, period: Period, fmt: str, suppressed: bool = True) -> None:
    if request.method == "HEAD":  # a link checker asking whether the file exists has not taken it
        return
    end_read_transaction()
    record("report.downloaded", actor=current_user, subject=fund, kind=kind, period=period.key, format=fmt,
           suppressed=suppressed)
    db.session.commit()


@bp.route("/reports/<slug>/<kind>/<period>")
@roles_required(*STAFF)
def show(slug: str, kind: str, period: str) -> str:
    fund, chosen = _load(slug, kind, period)
    report = services.make_report(fund, kind, chosen, current_user.name)
    # Rendered before the audit line commits: after it, the signed-in user and the fund would be
    # read again for the menu and the page.
    page = render_template("reports/report_page.html", report=report, fund=fund, kind=kind, period=chosen,
                           formats=[fmt for fmt in services.FORMATS if fmt != "html"])
    _audit(fund, kind, chosen, "html")
    return page


@bp.route("/reports/<slug>/impact/<period>/unsuppressed")
@roles_required(Role.GRANTS_OFFICER)
def unsuppressed(slug: str, period: str) -> str:
    fund, chosen = _load(slug, "impact", period)
    report = services.make_report(fund, "impact", chosen, current_user.name, suppressed=False)
    page = render_template("reports/report_page.html", report=report, fund=fund, kind="impact", period=chosen,
                           formats=[])
    _audit(fund, "impact", chosen, "html", suppressed=False)
    return page


@bp.route("/reports/<slug>/<kind>/<period>.<fmt>")
@roles_required(*STAFF)
def download(slug: str, kind: str, period: str, fmt: str) -> Response:
    if fmt not in services.FORMATS or fmt == "html":
        abort(404)
    fund, chosen = _load(slug, kind, period)
    made = services.generate(fund, kind, chosen, fmt, current_user.name)
    _audit(fund, kind, chosen, fmt)
    # content_type, not mimetype: the type already names its charset, which mimetype would add again.
    return Response(made.content, content_type=made.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{made.filename}"'})
