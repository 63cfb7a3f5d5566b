"""Making a return in a format, for the Returns page and the command line alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from sqlalchemy import func, select

from ..extensions import db
from ..funds.models import Fund, Round
from .document import Report
from .funding import build_funding
from .impact import build_impact
from .impact_layout import impact_report
from .layout import funding_report
from .periods import TO_DATE, Period, financial_year_of, parse_period, period_key
from .transparency import fund_by_slug  # noqa: F401 - the one lookup, used by routes and commands

KINDS = {"funding": "Funding return", "impact": "Impact return"}
FORMATS = {
    "html": ("HTML", "text/html; charset=utf-8"),
    "pdf": ("PDF", "application/pdf"),
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "xlsx": ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    mimetype: str
    filename: str


def make_report(fund: Fund, kind: str, period: Period, generated_by: str, suppressed: bool = True) -> Report:
    if kind == "funding":
        return funding_report(build_funding(fund, period, generated_by))
    if kind == "impact":
        return impact_report(build_impact(fund, period, generated_by), suppressed)
    raise ValueError(f"unknown return {kind!r}")


def render(report: Report, fmt: str) -> bytes:
    # Imported here: the renderers pull in ReportLab and openpyxl, which most requests never need.
    if fmt == "pdf":
        from .pdf import render_pdf
        return render_pdf(report)
    if fmt == "csv":
        from .tabular import render_csv
        return render_csv(report)
    if fmt == "xlsx":
        from .tabular import render_xlsx
        return render_xlsx(report)
    if fmt == "html":
        return render_template("reports/standalone.html", report=report).encode()
    raise ValueError(f"unknown format {fmt!r}")


def filename(fund: Fund, kind: str, period: Period, fmt: str) -> str:
    return f"{kind}-return-{fund.slug}-{period.key}.{fmt}"


def generate(fund: Fund, kind: str, period: Period, fmt: str, generated_by: str,
             suppressed: bool = True) -> Rendered:
    report = make_report(fund, kind, period, generated_by, suppressed)
    return Rendered(render(report, fmt), FORMATS[fmt][1], filename(fund, kind, period, fmt))


def period_choices(today: date) -> list[tuple[str, str]]:
    """To date, then every financial year (newest first) and its quarters, from the first round's
    delivery to today."""
    first = db.session.scalar(select(func.min(Round.delivery_from)))
    choices = [(TO_DATE, parse_period(TO_DATE, today).label)]
    if first is None:
        return choices
    year = int(financial_year_of(min(first, today))[:4])
    last = int(financial_year_of(today)[:4])
    for start in range(last, year - 1, -1):
        key = f"{start}-{(start + 1) % 100:02d}"
        choices.append((key, parse_period(key, today).label))
        for quarter in range(1, 5):
            period = parse_period(period_key(key, quarter), today)
            if period.start is not None and period.start <= today:
                choices.append((period.key, period.label))
    return choices
