"""Demo grants from a pilot round that has already run, so the grants, finance, monitoring and
returns pages have something on them: two accepted grants or more under each priority in both
areas, their instalments paid over several quarters, a year of quarterly returns (some waiting for
an officer), one grant closed with an underspend and a clawback, and one offer waiting to be
accepted. Everything goes through the services, so the ledgers are what they would be.

The pilot began at the start of the quarter three before today's, whatever day the demo is seeded.
What happened since is played on a moved clock (``demo_returns.Timeline``); the waiting offer is
made today.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from .applications.models import (
    Application,
    ApplicationPriority,
    ApplicationStatus,
    BudgetLine,
    PlannedOutcome,
    PlannedOutput,
)
from .applications.sections import LABOUR_CATEGORIES
from .applications.services import next_reference
from .assessment import assignments, decisions, reviews
from .assessment.models import Outcome
from .auth.models import Role, User, UserRole
from .dates import LONDON, clock
from .demo_applications import add_documents
from .demo_pilot import DURHAM_NIGHT_SAFE, FEATURED, ORGANISATIONS, PROJECTS, PilotOrganisation, Project
from .demo_returns import (
    Funded,
    Staff,
    Timeline,
    feature,
    quarter_start,
    schedule_context,
    schedule_payment,
    schedule_reporting,
)
from .extensions import db
from .funds.models import Fund, InterventionType, Round
from .grants import services
from .organisations import bank
from .organisations.models import Membership, Organisation

PILOT = "Pilot round"
# The two organisations demo.py seeds, whose bank details and signatories the README describes.
FIRST_MEMBERS = {"Darlington Youth Outreach": "applicant@example.org",
                 "Durham Night Safe CIC": "applicant2@example.org"}
FIRST_BANKS = {"Darlington Youth Outreach": ("309430", "00733445"), "Durham Night Safe CIC": ("402715", "41234567")}


def add_pilot_grants(fund: Fund, organisations: dict[str, Organisation], users: dict[str, User]) -> None:
    organisations = dict(organisations)
    members = {name: users[email] for name, email in FIRST_MEMBERS.items()}
    for spec in ORGANISATIONS:
        organisations[spec.name], members[spec.name] = _organisation(spec, users["applicant@example.org"])
    if db.session.scalar(select(Round.id).where(Round.fund_id == fund.id, Round.name == PILOT)) is not None:
        return  # seeded already
    now, today = clock.now(), clock.today_in_london()
    start = quarter_start(today, back=3)
    funded = {project.organisation: Funded(project, organisations[project.organisation],
                                           members[project.organisation], *_dates(project, start, today))
              for project in PROJECTS}
    pilot = _pilot_round(fund, start, max(f.end for f in funded.values()))
    staff = Staff(users["officer@example.org"], users["finance@example.org"], users["finance2@example.org"],
                  [users["reviewer@example.org"], users["reviewer2@example.org"]])

    timeline = Timeline(now)
    panel_day = pilot.closes_at.astimezone(LONDON).date() + timedelta(days=21)
    for project in PROJECTS:
        timeline.on(panel_day, lambda f=funded[project.organisation]: _decided(pilot, f, staff, panel_day), hour=11)
        if not project.offered_now:
            _schedule_grant(timeline, funded[project.organisation], staff, start, today)
    schedule_context(timeline, staff.officer, start, today)
    for name, number in FEATURED:
        timeline.on(quarter_start(today, back=1) + timedelta(days=40),
                    lambda f=funded[name], n=number: feature(staff.officer, f, n), hour=15)
    timeline.play()

    # The offer still waiting today, with bank details finance has not yet verified.
    night = funded[DURHAM_NIGHT_SAFE.organisation]
    services.make_offer(staff.officer, night.application, night.start, night.end)
    bank.set_bank_details(night.member, night.organisation, night.organisation.name,
                          *FIRST_BANKS[night.organisation.name])


def _organisation(spec: PilotOrganisation, like: User) -> tuple[Organisation, User]:
    """The organisation and its main contact, once. The contact signs in with the demo password:
    the hash of a demo account is reused, so no second slow hashing is needed."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == spec.name))
    if organisation is None:
        organisation = Organisation(name=spec.name, legal_form=spec.legal_form, **spec.details)
        db.session.add(organisation)
    user = db.session.scalar(select(User).where(User.email == spec.member.email))
    if user is None:
        user = User(email=spec.member.email, name=spec.member.name, password_hash=like.password_hash)
        user.role_grants.append(UserRole(role=Role.APPLICANT))
        db.session.add(user)
    db.session.flush()
    if db.session.scalar(select(Membership.id).where(Membership.organisation_id == organisation.id,
                                                     Membership.user_id == user.id)) is None:
        db.session.add(Membership(organisation_id=organisation.id, user_id=user.id, is_main_contact=True))
    add_documents(organisation, user)
    return organisation, user


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


def _dates(project: Project, pilot_start: date, today: date) -> tuple[date, date]:
    """Delivery dates: from the pilot's start (plus the project's months), or, for the offer made
    today, from the first of next month."""
    start = _add_months(today.replace(day=1), 1) if project.offered_now else _add_months(pilot_start, project.starts)
    return start, _add_months(start, project.months) - timedelta(days=1)


def _pilot_round(fund: Fund, start: date, until: date) -> Round:
    main_round = fund.rounds[0]
    pilot = Round(fund_id=fund.id, name=PILOT, opens_at=datetime.combine(start - timedelta(days=120), time(9), LONDON),
                  closes_at=datetime.combine(start - timedelta(days=60), time(12), LONDON), delivery_from=start,
                  delivery_until=until, min_award_pence=2_000_00, max_award_pence=50_000_00, score_min=0,
                  score_max=4, moderation_threshold_percent=20, score_descriptors=main_round.score_descriptors)
    db.session.add(pilot)
    for criterion in main_round.criteria:
        pilot.criteria.append(type(criterion)(position=criterion.position, title=criterion.title,
                                              guidance=criterion.guidance, weight=criterion.weight,
                                              descriptors=dict(criterion.descriptors)))
    db.session.flush()
    return pilot


def _schedule_grant(timeline: Timeline, funded: Funded, staff: Staff, pilot_start: date, today: date) -> None:
    """Offer, bank details checked by finance, acceptance and the first instalment, then the returns."""
    project, start = funded.project, funded.start
    offered = pilot_start - timedelta(days=32)
    timeline.on(offered, lambda: _offer(funded, staff))
    timeline.on(offered + timedelta(days=2), lambda: _give_bank_details(funded), hour=15)
    timeline.on(offered + timedelta(days=3), lambda: _verify_bank_details(funded, staff))
    timeline.on(offered + timedelta(days=7 + project.lag), lambda: services.accept_offer(
        funded.member, funded.grant, funded.member.name, project.signatory_role))
    if project.paid_before_start:
        schedule_payment(timeline, funded, staff, 1, pilot_start - timedelta(days=16),
                         pilot_start - timedelta(days=13))
    else:
        schedule_payment(timeline, funded, staff, 1, start + timedelta(days=1), start + timedelta(days=3))
    schedule_reporting(timeline, funded, staff, today)


def _offer(funded: Funded, staff: Staff) -> None:
    funded.grant = services.make_offer(staff.officer, funded.application, funded.start, funded.end)


def _give_bank_details(funded: Funded) -> None:
    organisation = funded.organisation
    spec = next((o for o in ORGANISATIONS if o.name == organisation.name), None)
    sort_code, number = spec.bank if spec else FIRST_BANKS[organisation.name]
    bank.set_bank_details(funded.member, organisation, organisation.name, sort_code, number)


def _verify_bank_details(funded: Funded, staff: Staff) -> None:
    verifier = staff.finance if funded.project.verifier == staff.finance.email else staff.finance2
    bank.verify_bank_details(verifier, bank.current_account(funded.organisation.id),
                             "Phoned the treasurer on the number in the annual accounts",
                             "Confirmed the account name and number")


def _decided(round_: Round, funded: Funded, staff: Staff, panel_day: date) -> None:
    """The project's application to the pilot round, scored by the panel, approved and the
    applicant told."""
    project, organisation, applicant = funded.project, funded.organisation, funded.member
    priority = next(p for p in round_.fund.priorities if p.code == project.priority)
    intervention = db.session.scalar(select(InterventionType).where(InterventionType.name == project.intervention)) \
        if project.intervention else None
    application = Application(
        round_id=round_.id, organisation_id=organisation.id, created_by_id=applicant.id,
        reference=next_reference(round_.fund), status=ApplicationStatus.IN_ASSESSMENT, title=project.title,
        summary=project.summary, description=f"{project.summary} Delivered with local schools, services and "
                                             "the police.",
        requested_pence=project.requested_pounds * 100, eligibility={}, delivery_areas=list(project.areas),
        delivery_places=project.places, age_bands=list(project.age_bands), gender_focus=project.gender_focus,
        people_expected=project.people_expected, intervention_type_id=intervention.id if intervention else None,
        intervention_other=project.other or None, start_date=funded.start, end_date=funded.end,
        submitted_at=round_.closes_at, submitted_by_id=applicant.id)
    application.priorities = [ApplicationPriority(priority_id=priority.id, is_primary=True,
                                                  how="It is the work the priority describes.")]
    application.budget_lines = [
        BudgetLine(position=position, category=line.category, description=line.description,
                   cost_type="labour" if line.category in LABOUR_CATEGORIES else "non_labour",
                   amount_pence=line.pounds * 100)
        for position, line in enumerate(project.lines, start=1)]
    application.outputs = [PlannedOutput(position=position, measure=measure, unit=unit, target=target,
                                         priority_id=priority.id)
                           for position, (measure, unit, target) in enumerate(project.outputs, start=1)]
    application.outcomes = [PlannedOutcome(position=1, indicator=project.outcome[0], target=project.outcome[1])]
    db.session.add(application)
    db.session.flush()
    made = assignments.assign(staff.officer, [application], staff.panel)
    for assignment, marks in zip(made.created, ([3, 3, 4, 3, 3], [3, 2, 3, 3, 4]), strict=True):
        assignments.declare(assignment.reviewer, assignment, False, "")
        given = {c.id: reviews.Marks(m, "Clear plan, good local evidence.") for c, m in
                 zip(round_.criteria, marks, strict=True)}
        reviews.save(assignment.reviewer, assignment, given, "fund", "A strong application.", True)
    award = (project.awarded_pounds or project.requested_pounds) * 100
    decision = decisions.decide(staff.officer, application, Outcome.APPROVED, award, project.conditions,
                                "The panel valued your local partnerships.", panel_day)
    decisions.notify(staff.officer, [decision])
    funded.application = application
