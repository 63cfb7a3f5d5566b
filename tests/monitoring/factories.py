"""Quick ways to fill, submit and review returns, through the services the pages call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from sv_grants.auth.models import User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants.models import Grant
from sv_grants.monitoring import answers, review, services
from sv_grants.monitoring.models import MonitoringReturn

CASE_STUDY = "A young person referred by the school nurse came to every session and now helps run one."


@dataclass(frozen=True)
class ReturnRow:
    id: int
    number: int
    kind: str
    period_start: date
    period_end: date
    financial_year: str
    quarter: int | None
    due_on: date
    status: str


def returns_of(app: Flask, grant_id: int) -> list[ReturnRow]:
    with app.app_context():
        rows = db.session.scalars(select(MonitoringReturn).where(MonitoringReturn.grant_id == grant_id)
                                  .order_by(MonitoringReturn.number))
        return [ReturnRow(r.id, r.number, r.kind, r.period_start, r.period_end, r.financial_year, r.quarter, r.due_on,
                          r.status) for r in rows]


def travel_to_day(day: date, hour: int = 12) -> None:
    clock.travel_to(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))


def grant_items(app: Flask, grant_id: int) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Planned output ids, planned outcome ids and (budget line id, amount) of the grant."""
    with app.app_context():
        application = db.session.get(Grant, grant_id).application
        return ([o.id for o in application.outputs], [o.id for o in application.outcomes],
                [(line.id, line.amount_pence) for line in application.budget_lines])


def profile_of(app: Flask, return_id: int) -> list[int]:
    with app.app_context():
        monitoring_return = db.session.get(MonitoringReturn, return_id)
        return [services.line_profile(monitoring_return, line)
                for line in monitoring_return.grant.application.budget_lines]


def complete(app: Flask, user_id: int, return_id: int, quantities: tuple[int, ...] = (12, 5),
             participants: int = 6, spent: list[int] | None = None, explanation: str = "",
             rag: str = "green") -> None:
    """Every section of the return saved as complete, with spend exactly on profile unless given."""
    with app.test_request_context():
        actor = db.session.get(User, user_id)
        monitoring_return = db.session.get(MonitoringReturn, return_id)
        application = monitoring_return.grant.application
        if not monitoring_return.is_final:
            answers.save_outputs(actor, monitoring_return, [answers.OutputFigure(o.id, q) for o, q in
                                                             zip(application.outputs, quantities, strict=True)], True)
            counts: dict[str, dict[str, int | None]] = {
                "age_band": {"15_17": participants}, "sex": {"male": participants},
                "area": {"E06000005": participants}, "cohort": {"at_risk": participants}}
            answers.save_reach(actor, monitoring_return, participants, counts, True)
        answers.save_outcomes(actor, monitoring_return, [answers.OutcomeResult(o.id, "55% so far", "Survey")
                                                          for o in application.outcomes], True)
        lines = application.budget_lines
        amounts = spent if spent is not None else [services.line_profile(monitoring_return, line) for line in lines]
        answers.save_spend(actor, monitoring_return, [answers.SpendFigure(line.id, amount, explanation)
                                                       for line, amount in zip(lines, amounts, strict=True)], True)
        answers.save_narrative(actor, monitoring_return, answers.Narrative(
            "Sessions ran weekly.", "Recruiting volunteers.", CASE_STUDY, 0, rag), True)
        db.session.commit()


def submit(app: Flask, user_id: int, return_id: int) -> None:
    with app.test_request_context():
        services.submit(db.session.get(User, user_id), db.session.get(MonitoringReturn, return_id))
        db.session.commit()


def accept(app: Flask, officer_id: int, return_id: int) -> None:
    with app.test_request_context():
        review.accept(db.session.get(User, officer_id), db.session.get(MonitoringReturn, return_id))
        db.session.commit()


def completed_and_accepted(app: Flask, funded: Any, return_id: int) -> None:
    complete(app, funded.applicant.id, return_id)
    submit(app, funded.applicant.id, return_id)
    accept(app, funded.officer.id, return_id)
