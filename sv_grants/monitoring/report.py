"""A return laid out for reading, as plain data: check your answers, the organisation's read-only
view, the officer's review page and the PDF all show what ``report_of`` builds, so they agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ..applications.sections import CATEGORY_LABELS
from ..dates import format_date
from ..extensions import db
from . import reach
from .figures import needs_explanation, variance_percent
from .models import MonitoringReturn, OutputActual, Rag, ReturnKind
from .services import line_profile

RAG_LABELS = {Rag.GREEN: "Green: on track", Rag.AMBER: "Amber: some problems, in hand",
              Rag.RED: "Red: serious problems, help needed"}


@dataclass(frozen=True)
class OutputRow:
    measure: str
    unit: str
    target: int
    this_period: int | None
    before: int  # delivered in earlier submitted quarterly returns
    cumulative: int

    @property
    def percent_of_target(self) -> int:
        return self.cumulative * 100 // self.target if self.target else 0


@dataclass(frozen=True)
class BreakdownRows:
    label: str  # "Age band"
    rows: list[tuple[str, int | None]]
    added: int


@dataclass(frozen=True)
class OutcomeRow:
    indicator: str
    target: str
    result: str
    note: str


@dataclass(frozen=True)
class SpendRow:
    category: str
    description: str
    budget_pence: int  # the line scaled by the award: what the grant pays for it in all
    profile_pence: int
    spent_pence: int | None
    explanation: str

    @property
    def variance_pence(self) -> int | None:
        return None if self.spent_pence is None else self.spent_pence - self.profile_pence

    @property
    def variance_percent(self) -> int | None:
        return None if self.spent_pence is None else variance_percent(self.spent_pence, self.profile_pence)

    @property
    def outside_tolerance(self) -> bool:
        return self.spent_pence is not None and needs_explanation(self.spent_pence, self.profile_pence)


@dataclass
class ReturnReport:
    monitoring_return: MonitoringReturn
    grant_reference: str
    organisation: str
    project: str
    title: str
    period: str
    due_on: date
    status: str
    submitted_at: datetime | None
    submitted_by: str | None
    reviewer_comment: str | None
    outputs: list[OutputRow] = field(default_factory=list)
    new_participants: int | None = None
    breakdowns: list[BreakdownRows] = field(default_factory=list)
    outcomes: list[OutcomeRow] = field(default_factory=list)
    spend: list[SpendRow] = field(default_factory=list)
    progress: str = ""
    challenges: str = ""
    case_study: str = ""
    safeguarding_incidents: int | None = None
    rag: str | None = None

    @property
    def is_final(self) -> bool:
        return self.monitoring_return.is_final

    @property
    def rag_label(self) -> str:
        return RAG_LABELS.get(Rag(self.rag), "") if self.rag else ""

    @property
    def spent_total(self) -> int:
        return sum(row.spent_pence or 0 for row in self.spend)

    @property
    def profile_total(self) -> int:
        return sum(row.profile_pence for row in self.spend)

    @property
    def budget_total(self) -> int:
        return sum(row.budget_pence for row in self.spend)


def period_text(monitoring_return: MonitoringReturn) -> str:
    return f"{format_date(monitoring_return.period_start)} to {format_date(monitoring_return.period_end)}"


def delivered_before(monitoring_return: MonitoringReturn) -> dict[int, int]:
    """Planned output id → quantity delivered in the grant's earlier quarterly returns that have
    been submitted (a draft's figures are not reported yet)."""
    rows = db.session.execute(
        select(OutputActual.planned_output_id, func.sum(OutputActual.quantity))
        .join(MonitoringReturn, MonitoringReturn.id == OutputActual.return_id)
        .where(MonitoringReturn.grant_id == monitoring_return.grant_id,
               MonitoringReturn.kind == ReturnKind.QUARTERLY, MonitoringReturn.number < monitoring_return.number,
               MonitoringReturn.submitted_at.is_not(None))
        .group_by(OutputActual.planned_output_id))
    return {output_id: int(total or 0) for output_id, total in rows}


def output_rows(monitoring_return: MonitoringReturn) -> list[OutputRow]:
    """Each planned output: this quarter, earlier quarters and the running total against the target.
    For the final return, the totals over every submitted quarterly return."""
    before = delivered_before(monitoring_return)
    mine = {a.planned_output_id: a.quantity for a in monitoring_return.output_actuals}
    rows = []
    for output in monitoring_return.grant.application.outputs:
        this = None if monitoring_return.is_final else mine.get(output.id)
        earlier = before.get(output.id, 0)
        rows.append(OutputRow(output.measure, output.unit, output.target, this, earlier, earlier + (this or 0)))
    return rows


def report_of(monitoring_return: MonitoringReturn) -> ReturnReport:
    grant = monitoring_return.grant
    application = grant.application
    report = ReturnReport(
        monitoring_return=monitoring_return, grant_reference=grant.reference, organisation=grant.organisation.name,
        project=application.display_title, title=monitoring_return.title, period=period_text(monitoring_return),
        due_on=monitoring_return.due_on, status=monitoring_return.status_enum.label,
        submitted_at=monitoring_return.submitted_at,
        submitted_by=monitoring_return.submitted_by.name if monitoring_return.submitted_by else None,
        reviewer_comment=monitoring_return.reviewer_comment, outputs=output_rows(monitoring_return),
        progress=monitoring_return.progress or "", challenges=monitoring_return.challenges or "",
        case_study=monitoring_return.case_study or "", safeguarding_incidents=monitoring_return.safeguarding_incidents,
        rag=monitoring_return.rag)
    if not monitoring_return.is_final:
        counts = {(c.dimension, c.category): c.count for c in monitoring_return.reach_counts}
        report.new_participants = monitoring_return.new_participants
        for breakdown in reach.BREAKDOWNS:
            rows = [(label, counts.get((breakdown.dimension, code))) for code, label in breakdown.categories]
            report.breakdowns.append(BreakdownRows(breakdown.label.capitalize(), rows,
                                                   sum(count or 0 for _, count in rows)))
    results = {a.planned_outcome_id: a for a in monitoring_return.outcome_actuals}
    for outcome in application.outcomes:
        actual = results.get(outcome.id)
        report.outcomes.append(OutcomeRow(outcome.indicator, outcome.target, actual.result if actual else "",
                                          actual.note if actual else ""))
    spent = {s.budget_line_id: s for s in monitoring_return.spend_lines}
    requested = application.requested_pence or grant.awarded_pence or 1
    for line in application.budget_lines:
        row = spent.get(line.id)
        # Once submitted, the profile is the one the organisation was shown; before, today's.
        profile = row.profile_pence if row is not None and monitoring_return.submitted_at \
            else line_profile(monitoring_return, line)
        report.spend.append(SpendRow(CATEGORY_LABELS.get(line.category, line.category), line.description,
                                     line.amount_pence * grant.awarded_pence // requested, profile,
                                     row.spent_pence if row else None, row.explanation if row else ""))
    return report
