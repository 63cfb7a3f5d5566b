"""Demo grants from a pilot round that has already run, so the grants, finance and monitoring pages
have something on them: one grant under way (paid once, its first return in) and one offer waiting
to be accepted. Everything goes through the services, so the ledgers are what they would be."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from .applications.models import (
    Application,
    ApplicationPriority,
    ApplicationStatus,
    BudgetLine,
    PlannedOutcome,
    PlannedOutput,
)
from .applications.services import next_reference
from .assessment import assignments, decisions, reviews
from .assessment.models import Outcome
from .auth.models import User
from .dates import LONDON, clock
from .extensions import db
from .funds.models import Fund, Round
from .grants import payments, services
from .organisations import bank
from .organisations.models import Organisation

PILOT = "Pilot round"


def add_pilot_grants(fund: Fund, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    if db.session.scalar(select(Round.id).where(Round.fund_id == fund.id, Round.name == PILOT)) is not None:
        return  # seeded already
    today = clock.today_in_london()
    start = today.replace(day=1) - timedelta(days=150)
    start = start.replace(day=1)
    pilot = Round(fund_id=fund.id, name=PILOT, opens_at=datetime.combine(start - timedelta(days=120), time(9), LONDON),
                  closes_at=datetime.combine(start - timedelta(days=60), time(12), LONDON), delivery_from=start,
                  delivery_until=start + timedelta(days=364), min_award_pence=2_000_00, max_award_pence=50_000_00,
                  score_min=0, score_max=4, moderation_threshold_percent=20,
                  score_descriptors=fund.rounds[0].score_descriptors if fund.rounds else [])
    db.session.add(pilot)
    db.session.flush()
    main_round = db.session.scalar(select(Round).where(Round.fund_id == fund.id, Round.id != pilot.id))
    for criterion in main_round.criteria:
        pilot.criteria.append(type(criterion)(position=criterion.position, title=criterion.title,
                                              guidance=criterion.guidance, weight=criterion.weight,
                                              descriptors=dict(criterion.descriptors)))
    db.session.flush()
    officer, finance = users["officer@example.org"], users["finance@example.org"]
    panel = [users["reviewer@example.org"], users["reviewer2@example.org"]]
    applicant, applicant2 = users["applicant@example.org"], users["applicant2@example.org"]

    mentoring = _decided(pilot, organisations["Darlington Youth Outreach"], applicant, officer, panel, 0,
                         "Mentoring for young people at risk of exploitation", 30_000_00)
    grant = services.make_offer(officer, mentoring, start, start + timedelta(days=364))
    account = bank.set_bank_details(applicant, grant.organisation, "Darlington Youth Outreach", "309430", "00733445")
    bank.verify_bank_details(finance, account, "Phoned the treasurer on the number in the annual accounts",
                             "Confirmed account name and number")
    services.accept_offer(applicant, grant, "Amira Khan", "Director")
    payments.approve(finance, grant.instalments[0])
    # Separation of duties: a second finance officer records the payment the first approved.
    payments.record_paid(users["finance2@example.org"], grant.instalments[0], start + timedelta(days=3),
                         "BACS-000117")

    night = _decided(pilot, organisations["Durham Night Safe CIC"], applicant2, officer, panel, 1,
                     "Street pastors in Durham city on weekend nights", 18_500_00)
    services.make_offer(officer, night, start + timedelta(days=30), start + timedelta(days=394))
    bank.set_bank_details(applicant2, night.organisation, "Durham Night Safe CIC", "402715", "41234567")


def _decided(round_: Round, organisation: Organisation, applicant: User, officer: User, panel: list[User],
             priority_index: int, title: str, amount: int) -> Application:
    """An application to the pilot round, scored by the panel, approved and the applicant told."""
    priorities = round_.fund.priorities
    application = Application(
        round_id=round_.id, organisation_id=organisation.id, created_by_id=applicant.id,
        reference=next_reference(round_.fund), status=ApplicationStatus.IN_ASSESSMENT, title=title,
        summary=f"{title}: weekly sessions with trained staff, linked to local services.",
        description="Delivered with schools, youth services and the police.", requested_pence=amount,
        eligibility={}, delivery_areas=[organisation.local_authority_code or "E06000005"], people_expected=120,
        start_date=round_.delivery_from, end_date=round_.delivery_until, submitted_at=round_.closes_at,
        submitted_by_id=applicant.id)
    application.priorities = [ApplicationPriority(priority_id=priorities[priority_index].id, is_primary=True,
                                                  how="It is the work the priority describes.")]
    application.budget_lines = [
        BudgetLine(position=1, category="staff", cost_type="labour", description="Youth workers",
                   amount_pence=amount * 7 // 10),
        BudgetLine(position=2, category="activities", cost_type="non_labour", description="Venue and activities",
                   amount_pence=amount - amount * 7 // 10)]
    application.outputs = [
        PlannedOutput(position=1, measure="Sessions delivered", unit="sessions", target=96,
                      priority_id=priorities[priority_index].id),
        PlannedOutput(position=2, measure="Young people completing the programme", unit="people", target=40,
                      priority_id=priorities[priority_index].id)]
    application.outcomes = [PlannedOutcome(position=1, indicator="% who say they feel safer", target="75%")]
    db.session.add(application)
    db.session.flush()
    made = assignments.assign(officer, [application], panel)
    for assignment, marks in zip(made.created, ([3, 3, 4, 3, 3], [3, 2, 3, 3, 4]), strict=True):
        assignments.declare(assignment.reviewer, assignment, False, "")
        given = {c.id: reviews.Marks(m, "Clear plan, good local evidence.") for c, m in
                 zip(round_.criteria, marks, strict=True)}
        reviews.save(assignment.reviewer, assignment, given, "fund", "A strong application.", True)
    decision = decisions.decide(officer, application, Outcome.APPROVED, amount,
                                "Send us your updated safeguarding policy before the second payment.",
                                "The panel valued your local partnerships.", round_.closes_at.date())
    decisions.notify(officer, [decision])
    return application

