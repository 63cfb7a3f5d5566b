"""The public transparency list: every fund's awarded grants, as a page and as CSV, and the same
grants as 360Giving open data. Open to everyone, signed in or not."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for

from ..auth.permissions import public
from ..dates import clock
from ..funds.models import Fund
from ..pagination import page_count, pagination, requested_page
from . import threesixty, transparency

bp = Blueprint("transparency", __name__, url_prefix="/transparency")

PAGE_SIZE = 50


def _fund(slug: str) -> Fund:
    fund = transparency.fund_by_slug(slug)
    if fund is None:
        abort(404)
    return fund


def _download(body: bytes, mimetype: str, name: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("")
@public
def list_funds() -> Response | str:
    funds = transparency.funds_with_awards()
    if len(funds) == 1:
        return redirect(url_for(".list_awards", slug=funds[0].slug))
    return render_template("reports/transparency/funds.html", funds=funds)


@bp.route("/<slug>")
@public
def list_awards(slug: str) -> str:
    fund = _fund(slug)
    totals = transparency.totals(fund)
    pages = page_count(totals.count, PAGE_SIZE)
    page = requested_page(pages)
    rows = transparency.awards(fund, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pager = pagination(".list_awards", page, pages, "Pages of awarded grants", slug=slug) if pages > 1 else None
    return render_template("reports/transparency/awards.html", fund=fund, awards=rows, totals=totals, page=page,
                           pages=pages, pagination=pager,
                           first=(page - 1) * PAGE_SIZE + 1, last=(page - 1) * PAGE_SIZE + len(rows))


@bp.route("/<slug>/grants.csv")
@public
def download_csv(slug: str) -> Response:
    fund = _fund(slug)
    return _download(transparency.awards_csv(transparency.awards(fund)), "text/csv",
                     f"{fund.slug}-grants-{clock.today_in_london():%Y-%m-%d}.csv")


def _threesixty_fund(slug: str) -> Fund:
    """The fund, if it has anything to publish: 360Giving data must hold at least one grant."""
    fund = _fund(slug)
    if transparency.totals(fund).count == 0:
        abort(404)
    return fund


@bp.route("/<slug>/360giving.json")
@public
def download_360giving_json(slug: str) -> Response:
    fund = _threesixty_fund(slug)
    return _download(threesixty.package_json(fund), "application/json", f"{fund.slug}-360giving.json")


@bp.route("/<slug>/360giving.xlsx")
@public
def download_360giving_xlsx(slug: str) -> Response:
    fund = _threesixty_fund(slug)
    return _download(threesixty.workbook(fund), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"{fund.slug}-360giving.xlsx")
