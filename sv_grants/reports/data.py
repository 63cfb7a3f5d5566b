"""One dataclass per return: the figures, in pence and whole counts, before any formatting.

``funding.build_funding`` and ``impact.build_impact`` fill them from the database; ``layout`` turns
them into the ``document.Report`` every format is rendered from. Tests check the arithmetic here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from .periods import Period

ALL = "all"  # the key of a total across priorities in the impact return's suppression


@dataclass(frozen=True)
class FundingGrantRow:
    reference: str  # the grant's reference, or the application's while no offer has been made
    organisation: str
    priority_code: str
    priority_title: str
    area: str
    status: str
    committed_pence: int  # the award, less what was released back to the fund
    paid_in_period_pence: int
    paid_to_end_pence: int  # paid on or before the last day of the period
    spend_pence: int | None  # spend to date in the latest accepted return that ends within the period
    labour_spend_pence: int | None
    non_labour_spend_pence: int | None
    rag: str | None

    @property
    def variance_pence(self) -> int | None:
        """Reported spend less paid: below zero, the organisation holds grant money not yet spent."""
        return None if self.spend_pence is None else self.spend_pence - self.paid_to_end_pence


@dataclass(frozen=True)
class FundingGroupRow:
    label: str
    grants: int
    committed_pence: int
    paid_to_end_pence: int
    spend_pence: int


@dataclass(frozen=True)
class QuarterPayments:
    label: str  # "2025/26 Q1"
    payments: int
    paid_pence: int


@dataclass(frozen=True)
class Release:
    reference: str
    organisation: str
    on: date
    amount_pence: int
    reason: str = ""


@dataclass(frozen=True)
class Headline:
    """Totals computed by aggregate queries, independently of the per-grant rows, so that the
    reconciliation compares two ways of counting rather than one sum with itself."""

    pot_pence: int
    committed_pence: int
    paid_in_period_pence: int
    paid_to_end_pence: int
    spend_pence: int
    labour_spend_pence: int
    non_labour_spend_pence: int
    underspend_released_pence: int
    clawback_owed_pence: int

    @property
    def outstanding_pence(self) -> int:
        return self.committed_pence - self.paid_to_end_pence

    @property
    def remaining_pence(self) -> int:
        return self.pot_pence - self.committed_pence


@dataclass(frozen=True)
class Check:
    label: str
    rows_pence: int
    headline_pence: int
    against: str = "Headline"

    @property
    def agrees(self) -> bool:
        return self.rows_pence == self.headline_pence


@dataclass
class FundingReturn:
    fund_name: str
    fund_slug: str
    period: Period
    data_as_at: datetime
    generated_by: str
    headline: Headline
    grants: list[FundingGrantRow]
    by_priority: list[FundingGroupRow]
    by_area: list[FundingGroupRow]
    payments_by_quarter: list[QuarterPayments]
    underspends: list[Release]
    clawbacks: list[Release]
    # The fund's own ledgers, compared with the rows when the period runs to date.
    ledger_committed_pence: int | None = None
    ledger_paid_pence: int | None = None

    @property
    def checks(self) -> list[Check]:
        rows = self.grants
        head = self.headline
        checks = [
            Check("Committed", sum(r.committed_pence for r in rows), head.committed_pence),
            Check("Paid in the period", sum(r.paid_in_period_pence for r in rows), head.paid_in_period_pence),
            Check("Paid to the end of the period", sum(r.paid_to_end_pence for r in rows), head.paid_to_end_pence),
            Check("Reported spend", sum(r.spend_pence or 0 for r in rows), head.spend_pence),
            Check("Payments by quarter", sum(q.paid_pence for q in self.payments_by_quarter),
                  head.paid_in_period_pence),
        ]
        if self.ledger_committed_pence is not None:
            checks.append(Check("Committed", head.committed_pence, self.ledger_committed_pence,
                                "The fund's budget ledger"))
        if self.ledger_paid_pence is not None:
            checks.append(Check("Paid to date", head.paid_to_end_pence, self.ledger_paid_pence,
                                "The grants' payment ledgers"))
        return checks

    @property
    def reconciles(self) -> bool:
        return all(check.agrees for check in self.checks)


@dataclass(frozen=True)
class PriorityImpact:
    code: str
    title: str
    interventions: int
    participants: int  # new participants in the period
    participants_to_end: int  # new participants from the start to the end of the period
    paid_to_end_pence: int
    outcomes_reported: int
    # {dimension: {category: count}} of the period's new participants
    reach: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class OutputProgress:
    key: int  # the planned output's id
    priority_code: str
    organisation: str
    measure: str
    unit: str
    target: int
    in_period: int
    to_end: int

    @property
    def achieved(self) -> Fraction | None:
        return Fraction(self.to_end, self.target) if self.target else None


@dataclass(frozen=True)
class OutcomeReported:
    priority_code: str
    organisation: str
    indicator: str
    target: str
    result: str
    source: str  # which return it was reported in


@dataclass(frozen=True)
class CaseStudy:
    priority_code: str
    organisation: str
    source: str
    text: str


@dataclass(frozen=True)
class ContextFigure:
    key: int
    measure: str
    area: str
    period: str
    value: int
    source: str


@dataclass
class ImpactReturn:
    fund_name: str
    fund_slug: str
    period: Period
    data_as_at: datetime
    generated_by: str
    priorities: list[PriorityImpact]
    outputs: list[OutputProgress]
    outcomes: list[OutcomeReported]
    case_studies: list[CaseStudy]
    context: list[ContextFigure]

    @property
    def participants(self) -> int:
        return sum(p.participants for p in self.priorities)

    @property
    def participants_to_end(self) -> int:
        return sum(p.participants_to_end for p in self.priorities)

    @property
    def interventions(self) -> int:
        return sum(p.interventions for p in self.priorities)

    @property
    def paid_to_end_pence(self) -> int:
        return sum(p.paid_to_end_pence for p in self.priorities)

    def reach_total(self, dimension: str, category: str) -> int:
        return sum(p.reach.get(dimension, {}).get(category, 0) for p in self.priorities)

    def outputs_of(self, code: str) -> list[OutputProgress]:
        return [output for output in self.outputs if output.priority_code == code]

    def average_achieved(self, code: str | None = None) -> Fraction | None:
        """The mean share of its target each output has reached by the end of the period."""
        shares = [o.achieved for o in self.outputs if (code is None or o.priority_code == code)
                  and o.achieved is not None]
        return sum(shares, Fraction(0)) / len(shares) if shares else None


def cost_per_participant(paid_pence: int, participants: int) -> int | None:
    """Pence per participant, rounded half up; None when nobody has been reached yet."""
    if participants <= 0:
        return None
    return (2 * paid_pence + participants) // (2 * participants)
