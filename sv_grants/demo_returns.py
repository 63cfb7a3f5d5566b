"""The pilot round's history after its offers: quarterly returns filled in, sent back, resubmitted
and accepted; instalments approved and paid; a finished grant closed; and the context figures and
case studies officers chose for the impact return.

Everything runs through the services on a clock moved to the day it happened (``Timeline``), so
due dates, timestamps and the audit log read as they would have at the time, and the demo shows
what a real pilot would on whatever day it is seeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import count

from sqlalchemy import select

from .applications.models import Application
from .auth.models import User
from .dates import LONDON, clock
from .demo_pilot import (
    CONTEXT_AREA,
    CONTEXT_QUARTERS,
    CONTEXT_SOURCES,
    CONTEXT_YEAR,
    REACH_MIX,
    Project,
    Report,
    area_mix,
)
from .extensions import db
from .grants import payments
from .grants import services as grant_services
from .grants.models import Grant
from .grants.schedule import Period, quarter_bounds, return_periods
from .monitoring import answers, reach, review, services
from .monitoring.models import MonitoringReturn, Rag
from .organisations.models import Organisation
from .reports import inputs
from .reports.periods import financial_year_of, quarter_of


class Timeline:
    """What happened in the demo's past, played in date order on a clock moved to each moment."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._horizon = now - timedelta(minutes=1)
        self._events: list[tuple[datetime, int, Callable[[], None]]] = []

    def on(self, day: date, action: Callable[[], None], hour: int = 10, by_now: bool = False) -> None:
        """``action`` happened on ``day``. One still to come is left out, unless ``by_now``: then it
        has happened by now whatever the date, which keeps officers' work on the demo every day."""
        moment = datetime.combine(day, time(hour), LONDON)
        if moment > self._horizon:
            if not by_now:
                return
            moment = self._horizon
        self._events.append((moment, len(self._events), action))

    def play(self) -> None:
        try:
            for moment, _, action in sorted(self._events, key=lambda event: event[:2]):
                clock.travel_to(moment)
                action()
        finally:
            clock.reset()
            if abs(clock.now() - self.now) > timedelta(minutes=1):
                clock.travel_to(self.now)  # a clock a test had already moved stays where the test put it


@dataclass
class Staff:
    officer: User
    finance: User  # approves payments
    finance2: User  # records them paid: never the person who approved
    panel: list[User]
    _remittances: count[int] = field(default_factory=lambda: count(117))

    def remittance(self) -> str:
        return f"BACS-{next(self._remittances):06d}"


@dataclass
class Funded:
    """A pilot project on its way through the services: filled in as its events happen."""

    project: Project
    organisation: Organisation
    member: User
    start: date
    end: date
    application: Application | None = None
    grant: Grant | None = None

    def numbered(self, number: int) -> MonitoringReturn:
        return db.session.scalar(select(MonitoringReturn).where(MonitoringReturn.grant_id == self.grant.id,
                                                                MonitoringReturn.number == number))


def quarter_start(day: date, back: int = 0) -> date:
    """The first day of the quarter holding ``day``, or of the one ``back`` quarters before it."""
    start = quarter_bounds(day)[0]
    for _ in range(back):
        start = quarter_bounds(start - timedelta(days=1))[0]
    return start


# Returns ------------------------------------------------------------------------------------------

def schedule_reporting(timeline: Timeline, funded: Funded, staff: Staff, today: date) -> None:
    """Each report a few weeks after its quarter: filled in, submitted, perhaps sent back once, then
    accepted. Accepting the second releases the second instalment, which finance then pays."""
    project = funded.project
    quarters = [p for p in return_periods(funded.start, funded.end) if p.kind == "quarterly"]
    for period, report in zip(quarters, project.reports, strict=False):
        number, after = period.number, period.end + timedelta(days=1 + project.lag)
        first_time = report.waiting and not report.sent_back  # else it was in well before now
        timeline.on(after + timedelta(days=6), lambda p=period, r=report: _fill(funded, p, r, first=True),
                    by_now=first_time)
        timeline.on(after + timedelta(days=10), lambda n=number: _submit(funded, n), by_now=first_time)
        accepted = after + timedelta(days=17)
        if report.sent_back:
            timeline.on(after + timedelta(days=14), lambda n=number, r=report: review.request_changes(
                staff.officer, funded.numbered(n), r.sent_back))
            # Corrections still waiting for the officer came in over the last few days.
            revised = max(today - timedelta(days=3), after + timedelta(days=17)) if report.waiting \
                else after + timedelta(days=17)
            timeline.on(revised, lambda p=period, r=report: _revise(funded, p, r))
            accepted = after + timedelta(days=21)
        if report.waiting:
            continue
        timeline.on(accepted, lambda n=number, r=report: review.accept(staff.officer, funded.numbered(n), r.comment))
        if number == 2 and project.second_payment == "paid":
            schedule_payment(timeline, funded, staff, 2, accepted + timedelta(days=3), accepted + timedelta(days=6))
        elif number == 2:  # approved lately, waiting for the second finance officer
            timeline.on(today - timedelta(days=2), lambda: _approve(staff, funded, 2))
    if project.closing is not None:
        _schedule_closing(timeline, funded, staff, quarters[-1].end)
    current = next((p for p in quarters if p.start < today <= p.end), None)
    if project.drafting_now and current is not None:
        timeline.on(today, lambda: _start_current(funded, current, today), hour=9, by_now=True)


def _schedule_closing(timeline: Timeline, funded: Funded, staff: Staff, ended: date) -> None:
    """The final return follows the last quarterly one; once accepted, the officer closes the grant,
    releasing the instalment not needed and asking for back what was paid but not spent."""
    after = ended + timedelta(days=1 + funded.project.lag)
    final = len(funded.project.reports) + 1
    timeline.on(after + timedelta(days=8), lambda: _fill_final(funded, final))
    timeline.on(after + timedelta(days=12), lambda: _submit(funded, final))
    timeline.on(after + timedelta(days=24), lambda: review.accept(
        staff.officer, funded.numbered(final), "Thank you for a clear final report."))
    closing = funded.project.closing
    timeline.on(after + timedelta(days=30), lambda: grant_services.close(
        staff.officer, funded.grant, closing.clawback_pounds * 100, closing.clawback_reason))


def _fill(funded: Funded, period: Period, report: Report, first: bool) -> None:
    """Every section, as first submitted (``first``) or as corrected after an officer sent it back."""
    monitoring_return, actor = funded.numbered(period.number), funded.member
    application = funded.application
    answers.save_outputs(actor, monitoring_return, [
        answers.OutputFigure(output.id, quantity)
        for output, quantity in zip(application.outputs, report.outputs, strict=True)], True)
    answers.save_reach(actor, monitoring_return, report.new_participants,
                       reach_counts(funded.project, report.new_participants), True)
    answers.save_outcomes(actor, monitoring_return, [answers.OutcomeResult(outcome.id, report.outcome)
                                                     for outcome in application.outcomes], True)
    answers.save_spend(actor, monitoring_return, _spend(funded, monitoring_return, report, first), True)
    case_study = report.first_case_study if first and report.first_case_study else report.case_study
    answers.save_narrative(actor, monitoring_return, answers.Narrative(
        report.progress, report.challenges, case_study, report.incidents, report.rag), True)


def _spend(funded: Funded, monitoring_return: MonitoringReturn, report: Report,
           first: bool) -> list[answers.SpendFigure]:
    """Spend to date near each line's profile, or off it with the reason; a grant's last quarter
    reports what its final return does."""
    closing = funded.project.closing
    figures = []
    for index, line in enumerate(funded.application.budget_lines):
        if closing is not None and monitoring_return.period_end == funded.end:
            figures.append(answers.SpendFigure(line.id, closing.spent[index] * 100, closing.explanations[index]))
            continue
        variance = next((v for v in report.variances if v.line == index), None)
        factor = variance.factor if variance else report.spend
        spent = round(services.line_profile(monitoring_return, line) * factor / 100) * 100  # whole pounds
        explanation = "" if variance is None else \
            (variance.first_explanation if first and variance.first_explanation else variance.explanation)
        figures.append(answers.SpendFigure(line.id, spent, explanation))
    return figures


def reach_counts(project: Project, total: int) -> dict[str, dict[str, int | None]]:
    """The new participants in every breakdown, shared out by the project's mix so each adds up."""
    mix = {**REACH_MIX[project.priority], "area": area_mix(project.priority, project.areas), **project.reach}
    counts: dict[str, dict[str, int | None]] = {}
    for breakdown in reach.BREAKDOWNS:
        shares = split(total, mix[breakdown.dimension])
        counts[breakdown.dimension] = {code: shares.get(code, 0) for code, _ in breakdown.categories}
    return counts


def split(total: int, weights: dict[str, int]) -> dict[str, int]:
    """``total`` shared in proportion to ``weights``, in whole numbers that add up to it (the
    largest remainders get the odd ones)."""
    whole = sum(weights.values())
    shares = {key: total * weight // whole for key, weight in weights.items()}
    left = total - sum(shares.values())
    for key in sorted(weights, key=lambda k: -(total * weights[k] % whole))[:left]:
        shares[key] += 1
    return shares


def _submit(funded: Funded, number: int) -> None:
    services.submit(funded.member, funded.numbered(number))


def _revise(funded: Funded, period: Period, report: Report) -> None:
    _fill(funded, period, report, first=False)
    services.submit(funded.member, funded.numbered(period.number))


def _fill_final(funded: Funded, number: int) -> None:
    monitoring_return, actor, closing = funded.numbered(number), funded.member, funded.project.closing
    application = funded.application
    answers.save_outcomes(actor, monitoring_return, [answers.OutcomeResult(outcome.id, closing.outcome)
                                                     for outcome in application.outcomes], True)
    answers.save_spend(actor, monitoring_return, [
        answers.SpendFigure(line.id, pounds * 100, explanation)
        for line, pounds, explanation in zip(application.budget_lines, closing.spent, closing.explanations,
                                             strict=True)], True)
    answers.save_narrative(actor, monitoring_return, answers.Narrative(
        closing.progress, closing.challenges, closing.case_study, 0, Rag.GREEN), True)


def _start_current(funded: Funded, period: Period, today: date) -> None:
    """The quarter under way: the outputs so far, saved but not yet marked complete."""
    elapsed = ((today - period.start).days + 1) / ((period.end - period.start).days + 1)
    latest = funded.project.reports[-1]
    answers.save_outputs(funded.member, funded.numbered(period.number), [
        answers.OutputFigure(output.id, round(quantity * elapsed))
        for output, quantity in zip(funded.application.outputs, latest.outputs, strict=True)], False)


def _approve(staff: Staff, funded: Funded, sequence: int) -> None:
    payments.approve(staff.finance, funded.grant.instalments[sequence - 1])


def _record_paid(staff: Staff, funded: Funded, sequence: int) -> None:
    payments.record_paid(staff.finance2, funded.grant.instalments[sequence - 1], clock.today_in_london(),
                         staff.remittance())


def schedule_payment(timeline: Timeline, funded: Funded, staff: Staff, sequence: int, approved: date,
                     paid: date) -> None:
    timeline.on(approved, lambda: _approve(staff, funded, sequence))
    timeline.on(paid, lambda: _record_paid(staff, funded, sequence), hour=14)


# The impact return's extras -----------------------------------------------------------------------

def schedule_context(timeline: Timeline, officer: User, pilot_start: date, today: date) -> None:
    """The partnership's Home Office measures: the year before the pilot as a baseline, then each
    quarter from the one before the pilot, entered when the figures come out some weeks later."""
    first = int(financial_year_of(pilot_start)[:4]) - 1
    baseline = f"{first}-{(first + 1) % 100:02d}"
    for measure, value in CONTEXT_YEAR.items():
        timeline.on(date(first + 1, 5, 20), lambda m=measure, v=value: _enter(officer, m, baseline, 0, v))
    starts = [quarter_start(today, back) for back in range(4, 0, -1)]
    for index, start in enumerate(starts):
        year, quarter = quarter_of(start)
        entered = quarter_bounds(start)[1] + timedelta(days=45)
        for measure, values in CONTEXT_QUARTERS.items():
            timeline.on(entered, lambda m=measure, y=year, q=quarter, v=values[index]: _enter(officer, m, y, q, v),
                        hour=11)


def _enter(officer: User, measure: str, year: str, quarter: int, value: int) -> None:
    fields = {"measure": measure, "area_name": CONTEXT_AREA, "financial_year": year, "quarter": quarter,
              "value": value, "source": CONTEXT_SOURCES[measure]}
    inputs.save_context_measure(officer, None, fields)


def feature(officer: User, funded: Funded, number: int) -> None:
    monitoring_return = funded.numbered(number)
    inputs.set_featured(officer, monitoring_return, True)
