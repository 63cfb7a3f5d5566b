"""Funded grants for the returns' tests: awards in chosen priorities and areas, payments on chosen
days, and monitoring returns with chosen figures, each made through the service the pages call so
the ledgers and rules are the real ones. The clock is moved with ``on(day)`` between steps, so a
decision, a payment or a return lands in the financial quarter a test needs.

At the end, ways to read a return back out of each format (PDF text, HTML tables, CSV and XLSX
rows), and to write a figure the way each format should show it, so tests compare like with like."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from sv_grants.applications.models import Application, BudgetLine, PlannedOutcome, PlannedOutput
from sv_grants.assessment import decisions
from sv_grants.assessment.models import Decision
from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants import payments
from sv_grants.grants import services as grant_services
from sv_grants.grants.models import Grant, Instalment
from sv_grants.grants.schedule import PlannedInstalment
from sv_grants.monitoring import answers
from sv_grants.monitoring.models import MonitoringReturn
from sv_grants.monitoring.reach import BREAKDOWNS
from sv_grants.monitoring.services import line_profile
from sv_grants.reports.models import ContextMeasure, FeaturedCaseStudy

from ..assessment.factories import add_criteria, being_assessed, decide, reviewed
from ..grants.factories import accept, give_bank_details, offer
from ..monitoring import factories as monitoring

DARLINGTON, COUNTY_DURHAM = "E06000005", "E06000047"
EXPLAINED = "Spend follows the delivery plan agreed with the grants officer."


def on(day: date, hour: int = 12) -> None:
    """Move the clock to midday (UTC) on ``day``: what happens next happens then."""
    clock.travel_to(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))


@dataclass
class Team:
    """The staff every grant in a fund shares: who decides, reviews, and pays (two people, so the
    one who approves a payment never records it)."""

    officer: Any
    reviewer: Any
    finance: Any
    finance2: Any


def team(app: Flask, setting: Any, make_user: Any) -> Team:
    add_criteria(app, setting.round_id)
    return Team(make_user(Role.GRANTS_OFFICER, name="Olu Officer"), make_user(Role.REVIEWER, name="Rae Reviewer"),
                make_user(Role.FINANCE_OFFICER, name="Fin One"), make_user(Role.FINANCE_OFFICER, name="Fin Two"))


@dataclass(frozen=True)
class Line:
    cost_type: str  # "labour" or "non_labour"
    description: str
    amount_pence: int


@dataclass(frozen=True)
class Output:
    measure: str
    unit: str
    target: int


@dataclass
class Award:
    application_id: int
    applicant: Any
    organisation_id: int
    grant_id: int | None = None
    returns: list[int] = field(default_factory=list)  # monitoring return ids, in number order


def approve(app: Flask, setting: Any, staff: Team, make_user: Any, *, reference: str, organisation: str,
            award_pence: int, requested_pence: int | None = None, priority: int = 1,
            areas: tuple[str, ...] = (DARLINGTON,), budget: tuple[Line, ...] | None = None,
            outputs: tuple[Output, ...] = (Output("Mentoring sessions delivered", "sessions", 40),),
            outcome: str = "Young people reporting feeling safer", notify: bool = True) -> Award:
    """An application in priority ``P<priority>`` delivered in ``areas``, scored and approved for
    ``award_pence`` by the team's officer (at the clock's time), and its applicant told unless not."""
    requested = requested_pence or award_pence
    budget = budget or (Line("labour", "Youth worker", requested),)
    assert sum(line.amount_pence for line in budget) == requested, "the budget must add up to the request"
    applicant = make_user(Role.APPLICANT, name=f"Applicant of {organisation}")
    application_id = being_assessed(app, setting, applicant.id, reference=reference, organisation=organisation,
                                    requested_pence=requested, priority_index=priority - 1)
    priority_id = setting.priority_ids[priority - 1]
    with app.app_context():
        application = db.session.get(Application, application_id)
        application.delivery_areas = list(areas)
        application.budget_lines = [BudgetLine(position=n, category="staff" if line.cost_type == "labour" else
                                               "venue", cost_type=line.cost_type, description=line.description,
                                               amount_pence=line.amount_pence)
                                    for n, line in enumerate(budget, start=1)]
        application.outputs = [PlannedOutput(position=n, measure=o.measure, unit=o.unit, target=o.target,
                                             priority_id=priority_id) for n, o in enumerate(outputs, start=1)]
        application.outcomes = [PlannedOutcome(position=1, indicator=outcome, target="70%")]
        application.start_date, application.end_date = date(2025, 4, 1), date(2026, 3, 31)
        organisation_id = application.organisation_id
        db.session.commit()
    reviewed(app, application_id, staff.reviewer.id, staff.officer.id, [3, 3, 3, 3, 3])
    decide(app, application_id, staff.officer.id, awarded_pence=award_pence)
    if notify:
        with app.test_request_context():
            decision = db.session.scalar(select(Decision).where(Decision.application_id == application_id))
            decisions.notify(db.session.get(User, staff.officer.id), [decision])
            db.session.commit()
    return Award(application_id, applicant, organisation_id)


def fund(app: Flask, staff: Team, award: Award, *, start: date = date(2025, 4, 1), end: date = date(2026, 3, 31),
         schedule: list[PlannedInstalment] | None = None) -> int:
    """The award offered (with ``schedule`` in place of the default instalments), the
    organisation's bank details verified and the offer accepted. Returns the grant id."""
    grant_id = offer(app, award.application_id, staff.officer.id, start, end)
    if schedule is not None:
        with app.test_request_context():
            grant_services.replace_schedule(db.session.get(User, staff.officer.id), db.session.get(Grant, grant_id),
                                            schedule)
            db.session.commit()
    give_bank_details(app, award.organisation_id, award.applicant.id, verified_by=staff.finance.id)
    accept(app, grant_id, award.applicant.id)
    award.grant_id = grant_id
    award.returns = [row.id for row in monitoring.returns_of(app, grant_id)]
    return grant_id


def on_acceptance(*amounts: int) -> list[PlannedInstalment]:
    return [PlannedInstalment(amount, "on_acceptance") for amount in amounts]


def after_final(amount: int) -> PlannedInstalment:
    return PlannedInstalment(amount, "final_return")


def pay(app: Flask, staff: Team, grant_id: int, sequence: int, paid_on: date) -> int:
    """Instalment ``sequence`` approved by one finance officer and recorded paid on ``paid_on`` by
    the other. Returns its amount."""
    with app.test_request_context():
        instalment = db.session.scalar(select(Instalment).where(Instalment.grant_id == grant_id,
                                                                Instalment.sequence == sequence))
        payments.approve(db.session.get(User, staff.finance.id), instalment)
        payments.record_paid(db.session.get(User, staff.finance2.id), instalment, paid_on,
                             f"BACS-{grant_id}-{sequence}")
        db.session.commit()
        return instalment.amount_pence


def reach_of(participants: int, given: dict[str, dict[str, int]] | None = None) -> dict[str, dict[str, int | None]]:
    """Every breakdown of ``participants``: as given, or all "not known" where not given."""
    given = given or {}
    counts: dict[str, dict[str, int | None]] = {}
    for breakdown in BREAKDOWNS:
        counts[breakdown.dimension] = dict(given.get(breakdown.dimension) or {"not_known": participants})
    return counts


def fill(app: Flask, applicant_id: int, return_id: int, *, participants: int = 0,
         reach: dict[str, dict[str, int]] | None = None, delivered: tuple[int, ...] | None = None,
         spent: tuple[int, ...] | None = None, result: str = "55% so far", rag: str = "green",
         case_study: str = monitoring.CASE_STUDY) -> None:
    """Every section of a return saved as complete with these figures. ``reach`` gives chosen
    breakdowns of the participants (the rest are "not known"); ``spent`` is spend to date on each
    budget line in order (on profile when not given)."""
    with app.test_request_context():
        actor = db.session.get(User, applicant_id)
        monitoring_return = db.session.get(MonitoringReturn, return_id)
        application = monitoring_return.grant.application
        if not monitoring_return.is_final:
            quantities = delivered if delivered is not None else tuple(0 for _ in application.outputs)
            answers.save_outputs(actor, monitoring_return, [answers.OutputFigure(o.id, q) for o, q in
                                                             zip(application.outputs, quantities, strict=True)], True)
            answers.save_reach(actor, monitoring_return, participants, reach_of(participants, reach), True)
        answers.save_outcomes(actor, monitoring_return, [answers.OutcomeResult(o.id, result, "Survey")
                                                          for o in application.outcomes], True)
        lines = application.budget_lines
        amounts = spent if spent is not None else tuple(
            line_profile(monitoring_return, line) for line in lines)
        answers.save_spend(actor, monitoring_return, [answers.SpendFigure(line.id, amount, EXPLAINED)
                                                       for line, amount in zip(lines, amounts, strict=True)], True)
        answers.save_narrative(actor, monitoring_return, answers.Narrative(
            "Sessions ran weekly.", "Recruiting volunteers.", case_study, 0, rag), True)
        db.session.commit()


def submitted(app: Flask, award: Award, number: int, **figures: Any) -> int:
    """Return ``number`` (1 = the first quarter) filled with ``figures`` and submitted; returns its id."""
    return_id = award.returns[number - 1]
    fill(app, award.applicant.id, return_id, **figures)
    monitoring.submit(app, award.applicant.id, return_id)
    return return_id


def accepted(app: Flask, staff: Team, award: Award, number: int, **figures: Any) -> int:
    """Return ``number`` filled, submitted and accepted by the team's officer; returns its id."""
    return_id = submitted(app, award, number, **figures)
    monitoring.accept(app, staff.officer.id, return_id)
    return return_id


def withdraw(app: Flask, staff: Team, grant_id: int, reason: str = "The project lost its venue") -> int:
    with app.test_request_context():
        released = grant_services.withdraw(db.session.get(User, staff.officer.id), db.session.get(Grant, grant_id),
                                           reason)
        db.session.commit()
        return released


def close(app: Flask, staff: Team, grant_id: int, clawback_pence: int = 0, reason: str = "") -> int:
    with app.test_request_context():
        underspend = grant_services.close(db.session.get(User, staff.officer.id), db.session.get(Grant, grant_id),
                                          clawback_pence, reason)
        db.session.commit()
        return underspend


def feature(app: Flask, staff: Team, return_id: int) -> None:
    """The return's case study chosen for the impact return."""
    with app.app_context():
        db.session.add(FeaturedCaseStudy(return_id=return_id, chosen_by_id=staff.officer.id))
        db.session.commit()


def context_measure(app: Flask, staff: Team, *, measure: str, area: str, year: str, quarter: int, value: int,
                    source: str) -> None:
    with app.app_context():
        db.session.add(ContextMeasure(measure=measure, area_name=area, financial_year=year, quarter=quarter,
                                      value=value, source=source, entered_by_id=staff.officer.id))
        db.session.commit()


# Reading a return back --------------------------------------------------------------------------

MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'  # how a spreadsheet must show pounds and pence


def money(pence: int) -> str:
    """Pence as a page shows them: £12,345.67, with a true minus sign below zero."""
    pounds, rest = divmod(abs(pence), 100)
    return f"{'−' if pence < 0 else ''}£{pounds:,}.{rest:02d}"


def pounds(pence: int) -> str:
    """Pence as a CSV cell: a plain number of pounds with two decimals."""
    pounds_, rest = divmod(abs(pence), 100)
    return f"{'-' if pence < 0 else ''}{pounds_}.{rest:02d}"


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text with runs of white space made single spaces, so a wrapped cell reads as one."""
    assert data.startswith(b"%PDF-")
    return [words(page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def html_tables(markup: str | bytes) -> dict[str, list[list[str]]]:
    """{table key: its body and total rows as text} of every return table on a page."""
    page = BeautifulSoup(markup, "html.parser")
    return {table["id"].removeprefix("table-"): [[words(cell.get_text()) for cell in row.find_all(["th", "td"])]
                                                 for row in table.select("tbody tr, tfoot tr")]
            for table in page.select("table[id^=table-]")}


def html_figures(markup: str | bytes, section: str) -> list[tuple[str, str]]:
    """The key figures (label, value) of a section of a return page."""
    heading = BeautifulSoup(markup, "html.parser").find(id=section)
    summary = heading.find_next("dl")
    return [(words(row.dt.get_text()), words(row.dd.get_text())) for row in summary.select(".govuk-summary-list__row")]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would misread the pound sign"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_table(rows: list[list[str]], caption: str) -> tuple[list[str], list[list[str]]]:
    """(headings, rows including any total) of the CSV table under ``caption``."""
    # The caption may also be a section's title: the table's is the one its headings follow.
    start = next(i for i, row in enumerate(rows[:-1]) if row == [caption] and len(rows[i + 1]) > 1)
    end = next((i for i in range(start, len(rows)) if rows[i] == []), len(rows))
    block = [row for row in rows[start + 2:end] if len(row) == len(rows[start + 1])]  # notes have one cell
    return rows[start + 1], block


def csv_figures(rows: list[list[str]], section: str) -> list[tuple[str, str]]:
    start = rows.index([section])
    end = next(i for i in range(start, len(rows)) if rows[i] == [])
    return [(row[0], row[1]) for row in rows[start + 1:end]]


def xlsx_sheets(data: bytes) -> dict[str, list[list[Any]]]:
    """{sheet name: its cells' values, row by row}, with each money cell checked to carry the pound
    format and read back as a ``Decimal`` of pounds, exactly."""
    workbook = load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows():
            values = []
            for cell in row:
                if cell.number_format == MONEY_FORMAT:
                    assert isinstance(cell.value, int | float), cell.coordinate
                    values.append(Decimal(str(cell.value)))
                else:
                    values.append(cell.value)
            rows.append(values)
        sheets[sheet.title] = rows
    return sheets


def xlsx_table(sheets: dict[str, list[list[Any]]], key: str) -> list[list[Any]]:
    """A table's body and total rows: row 1 is its caption, row 2 its headings, and a blank row
    separates the rows from any notes."""
    width = len(sheets[key][1])
    rows = []
    for row in sheets[key][2:]:
        if all(value is None for value in row):
            break
        rows.append(row[:width])
    return rows


def xlsx_money(pence: int) -> Decimal:
    return Decimal(pence) / 100
