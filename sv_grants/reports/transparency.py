"""The grants a fund has awarded, as the public may see them. One query serves both the transparency
list and the 360Giving export, so the two always publish the same grants.

A grant is published once its applicant has been told of the approval (until then the decision is a
draft the panel may still change) and stops being published if it is withdrawn. Nothing personal is
published: no people, and no addresses, because a community group's address may be someone's home.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..applications.models import Application, ApplicationPriority
from ..assessment.models import Decision, Outcome
from ..dates import to_london
from ..extensions import db
from ..funds.models import Fund, Priority, Round
from ..grants.models import Grant, GrantStatus
from ..spreadsheets import csv_bytes, safe_cell

# What the applicant was told they would get, unless a grant now says otherwise (variations change it).
_AMOUNT = func.coalesce(Grant.awarded_pence, Decision.published_awarded_pence)


@dataclass(frozen=True)
class Award:
    """One published grant: the application, the decision as the applicant was told it, and the grant
    made on it if the offer has been issued."""

    application: Application
    decision: Decision
    grant: Grant | None

    @property
    def recipient(self) -> str:
        return self.application.organisation.name

    @property
    def purpose(self) -> str:
        # The applicant form says the summary is what we publish if the project is funded.
        return (self.application.summary or "").strip()

    @property
    def amount_pence(self) -> int:
        if self.grant is not None:
            return self.grant.awarded_pence
        return self.decision.published_awarded_pence or 0

    @property
    def award_date(self) -> date:
        notified_at = self.decision.notified_at
        assert notified_at is not None  # the query publishes notified decisions only
        return to_london(notified_at).date()

    @property
    def priority(self) -> Priority | None:
        return self.application.primary_priority

    @property
    def priority_label(self) -> str:
        priority = self.priority
        return f"{priority.code}: {priority.title}" if priority else ""


@dataclass(frozen=True)
class Totals:
    count: int
    amount_pence: int


def _published(statement: Select, fund_id: int | None = None) -> Select:
    """``statement`` limited to published awards (of one fund, when given)."""
    statement = (statement.select_from(Application)
                 .join(Decision, Decision.application_id == Application.id)
                 .join(Round, Round.id == Application.round_id)
                 .outerjoin(Grant, Grant.application_id == Application.id)
                 .where(Decision.published_outcome == Outcome.APPROVED, Decision.notified_at.is_not(None),
                        or_(Grant.id.is_(None), Grant.status != GrantStatus.WITHDRAWN)))
    return statement if fund_id is None else statement.where(Round.fund_id == fund_id)


def awards(fund: Fund, *, limit: int | None = None, offset: int = 0) -> list[Award]:
    """The fund's published awards in the order they were made, with everything the list and the
    360Giving export read loaded in a fixed number of queries, however many there are."""
    statement = (_published(select(Application, Decision, Grant), fund.id)
                 .options(contains_eager(Application.round), joinedload(Application.organisation),
                          selectinload(Application.priorities).joinedload(ApplicationPriority.priority))
                 .order_by(Decision.notified_at, Application.reference, Application.id)
                 .offset(offset).limit(limit))
    return [Award(application, decision, grant) for application, decision, grant in db.session.execute(statement)]


def totals(fund: Fund) -> Totals:
    count, amount = db.session.execute(
        _published(select(func.count(Application.id), func.coalesce(func.sum(_AMOUNT), 0)), fund.id)).one()
    return Totals(count, int(amount))


def funds_with_awards() -> list[Fund]:
    with_awards = _published(select(Round.fund_id)).scalar_subquery()
    return list(db.session.scalars(select(Fund).where(Fund.id.in_(with_awards)).order_by(Fund.name)))


def fund_by_slug(slug: str) -> Fund | None:
    return db.session.scalar(select(Fund).where(Fund.slug == slug))


CSV_HEADINGS = ["Recipient", "Purpose", "Priority", "Amount (£)", "Award date"]


def awards_csv(rows: list[Award]) -> bytes:
    """The list as CSV: text made safe for spreadsheets, amounts as plain pounds, dates as ISO 8601."""
    lines = [CSV_HEADINGS]
    for award in rows:
        pounds, pence = divmod(award.amount_pence, 100)
        lines.append([safe_cell(award.recipient), safe_cell(award.purpose), safe_cell(award.priority_label),
                      f"{pounds}.{pence:02d}", award.award_date.isoformat()])
    return csv_bytes(lines)
