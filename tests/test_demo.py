"""`flask seed-demo` gives a newcomer the reference fund and a sign-in for every role, and a pilot
round whose grants, payments and returns give every page and return real content."""

import csv
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from sv_grants.assessment.models import Decision, Outcome
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.dates import LONDON, clock, utcnow
from sv_grants.demo import DEMO_PASSWORD
from sv_grants.demo_pilot import ORGANISATIONS
from sv_grants.extensions import db
from sv_grants.funds.models import Area, Criterion, Fund, InterventionType, Priority, Round
from sv_grants.grants.models import Grant, GrantStatus, Instalment, InstalmentStatus
from sv_grants.monitoring import reach
from sv_grants.monitoring.figures import personal_details_in
from sv_grants.monitoring.models import MonitoringReturn, ReachCount, ReturnKind, ReturnStatus
from sv_grants.organisations.models import Organisation
from sv_grants.reports.models import ContextMeasure, FeaturedCaseStudy, Measure
from sv_grants.reports.periods import quarter_of

from .conftest import Person, sign_in
from .helpers import heading

ROLE_HEADINGS = {
    Role.APPLICANT: "Your applications",
    Role.GRANTS_OFFICER: "Funds",
    Role.REVIEWER: "Your reviews",
    Role.FINANCE_OFFICER: "Payments",
    Role.PCC_VIEWER: "Overview",
    Role.ADMIN: "Users",
}


def counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Fund, Priority, Round, Criterion, InterventionType, Area, User, Organisation, Grant,
                          Instalment, MonitoringReturn, ReachCount, ContextMeasure, FeaturedCaseStudy, AuditEvent)}


def test_seed_demo_builds_the_reference_fund_and_can_run_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        before = counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert counts() == before
        fund = db.session.scalar(select(Fund))
        assert fund.name == "Serious Violence Prevention Fund 2024/25"
        assert fund.total_pence == 500_000_00
        assert [p.code for p in fund.priorities] == ["P1", "P2", "P3", "P4"]
        assert {a.code: a.name for a in db.session.scalars(select(Area))} == {
            "E06000047": "County Durham", "E06000005": "Darlington"}

        round_ = fund.rounds[-1]  # the open round; the pilot round before it has already run
        now = utcnow()
        assert round_.is_open(now)
        # noon London time on the day six weeks from today, whatever the time of day the demo is seeded
        closes = round_.closes_at.astimezone(LONDON)
        assert closes.date() == now.astimezone(LONDON).date() + timedelta(weeks=6)
        assert closes.time() == time(12, 0)
        assert (round_.min_award_pence, round_.max_award_pence) == (2_000_00, 50_000_00)
        assert (round_.score_min, round_.score_max) == (0, 4)
        assert len(round_.score_descriptors) == 5
        weights = {c.title: c.weight for c in round_.criteria}
        assert weights == {"Fit with the priorities": 30, "Need and evidence": 20, "Deliverability": 20,
                           "Value for money": 15, "Safeguarding and risk": 15}

        with open("sv_grants/data/yef_toolkit.csv", encoding="utf-8") as data:
            approaches = {row["approach"]: row["impact_on_violence"] for row in csv.DictReader(data)}
        types = {t.name: t for t in db.session.scalars(select(InterventionType))}
        assert set(types) == set(approaches)
        assert types["Focused deterrence"].impact_rating == "high"
        assert types["Prison awareness programmes"].impact_rating == "harmful"
        assert types["Arts programmes"].rating_label == "Not rated"

        held = set()
        for user in db.session.scalars(select(User)):
            held |= user.roles
        assert held == set(Role)
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2 + len(ORGANISATIONS)
    assert DEMO_PASSWORD in first.output
    assert "admin@example.org" in first.output


def test_every_demo_sign_in_lands_on_its_roles_home_page(make_app):
    app = make_app(REQUIRE_TWO_FACTOR=False)
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        users = list(db.session.scalars(select(User).order_by(User.id)))
    assert len(users) >= len(Role)
    for user in users:
        client = app.test_client()
        sign_in(client, Person(user.id, user.email, DEMO_PASSWORD, None))
        home = client.get("/home", follow_redirects=True)
        first_role = next(role for role in ROLE_HEADINGS if role in user.roles)
        assert heading(home) == ROLE_HEADINGS[first_role], user.email
        assert "Demo" in home.get_data(as_text=True)


def test_seed_demo_refuses_to_run_in_production(make_app):
    app = make_app(APP_ENV="production", SECRET_KEY="k" * 40)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "published passwords" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_demo_has_a_grant_under_way_and_an_offer_waiting_with_the_ledgers_right(app):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        grants = {g.organisation.name: g for g in db.session.scalars(select(Grant))}
        running, offer = grants["Darlington Youth Outreach"], grants["Durham Night Safe CIC"]
        assert running.status == GrantStatus.ACTIVE
        assert running.instalments[0].status == InstalmentStatus.PAID
        assert running.paid_pence == running.instalments[0].amount_pence
        assert running.instalments[0].paid_by_id != running.instalments[0].approved_by_id
        assert offer.status == GrantStatus.OFFERED
        fund = db.session.scalar(select(Fund))
        assert fund.committed_pence == sum(g.awarded_pence - g.underspend_pence for g in grants.values())


# The pilot round ------------------------------------------------------------------------------------

def _seed_on(app, moment):
    """Seed the demo as if it were ``moment`` (None: now), and leave the clock there."""
    if moment is not None:
        clock.travel_to(moment)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    if moment is not None:
        assert clock.now() == moment  # the demo's moved clock is given back where the test put it


def _accepted_grants():
    return [g for g in db.session.scalars(select(Grant)) if g.accepted_at is not None]


def _returns(status=None):
    query = select(MonitoringReturn).order_by(MonitoringReturn.id)
    if status is not None:
        query = query.where(MonitoringReturn.status == status)
    return list(db.session.scalars(query))


def _priority(grant):
    return next(p.priority.code for p in grant.application.priorities if p.is_primary)


# Today, the first minute of a quarter (everything since the quarter began happens "by now"), and
# the last evening of one.
SEEDED_ON = [None, datetime(2027, 3, 31, 23, 0, 30, tzinfo=UTC), datetime(2026, 12, 31, 22, 45, tzinfo=UTC)]


@pytest.mark.parametrize("moment", SEEDED_ON, ids=["today", "first-minute-of-a-quarter", "last-evening-of-one"])
def test_the_pilot_gives_the_funding_and_impact_returns_real_content_whatever_the_day(app, moment):
    _seed_on(app, moment)
    with app.app_context():
        _every_priority_funded_in_both_areas_and_paid_over_several_quarters()
        _every_priority_reports_reach_that_adds_up_and_officers_have_returns_to_review()
        _context_measures_and_case_studies_chosen_by_an_officer()


def _every_priority_funded_in_both_areas_and_paid_over_several_quarters():
    today = clock.today_in_london()
    grants = _accepted_grants()
    by_priority = {code: [g for g in grants if _priority(g) == code] for code in ("P1", "P2", "P3", "P4")}
    assert all(len(funded) >= 2 for funded in by_priority.values()), {k: len(v) for k, v in by_priority.items()}
    assert {code for g in grants for code in g.application.delivery_areas} == {"E06000047", "E06000005"}
    for grant in grants:
        lines = grant.application.budget_lines
        assert {line.cost_type for line in lines} == {"labour", "non_labour"}, grant.reference
        assert sum(line.amount_pence for line in lines) == grant.application.requested_pence
        assert grant.application.outputs and all(o.target > 0 for o in grant.application.outputs)
        assert len(grant.application.outcomes) == 1
    assert len({g.awarded_pence for g in grants}) == len(grants)

    paid = list(db.session.scalars(select(Instalment).where(Instalment.status == InstalmentStatus.PAID)))
    assert len({quarter_of(i.paid_on) for i in paid}) >= 2
    for instalment in paid:
        assert instalment.paid_on <= today and instalment.remittance_reference
        assert instalment.paid_by_id != instalment.approved_by_id
        assert instalment.approved_by_id != instalment.grant.approved_by_id
    assert any(i.status == InstalmentStatus.APPROVED for i in db.session.scalars(select(Instalment)))

    all_grants = list(db.session.scalars(select(Grant)))
    committed = sum(g.paid_pence if g.status == GrantStatus.WITHDRAWN else g.awarded_pence - g.underspend_pence
                    for g in all_grants)
    offered = {g.application_id for g in all_grants}
    committed += sum(d.awarded_pence for d in db.session.scalars(select(Decision).where(
        Decision.outcome == Outcome.APPROVED)) if d.application_id not in offered)
    assert db.session.scalar(select(Fund)).committed_pence == committed

    closed = [g for g in grants if g.status == GrantStatus.CLOSED]
    assert closed and all(g.reporting_complete_at is not None for g in closed)
    assert any(g.underspend_pence > 0 for g in closed) and any(g.clawback_pence > 0 for g in closed)
    assert all(g.underspend_pence == g.awarded_pence - g.paid_pence for g in closed)


def _every_priority_reports_reach_that_adds_up_and_officers_have_returns_to_review():
    accepted = [r for r in _returns(ReturnStatus.ACCEPTED) if r.kind == ReturnKind.QUARTERLY]
    assert {_priority(r.grant) for r in accepted if r.new_participants} == {"P1", "P2", "P3", "P4"}
    assert all(r.period_end < clock.today_in_london() for r in accepted)
    counts = []
    for monitoring_return in accepted:
        given = {}
        for row in monitoring_return.reach_counts:
            given.setdefault(row.dimension, {})[row.category] = row.count
        assert reach.breakdown_errors(monitoring_return.new_participants, given) == {}, monitoring_return.id
        assert set(given) == {b.dimension for b in reach.BREAKDOWNS}
        counts += [row.count for row in monitoring_return.reach_counts if row.count]
        assert monitoring_return.case_study and personal_details_in(monitoring_return.case_study) is None
        assert len(monitoring_return.output_actuals) == len(monitoring_return.grant.application.outputs)
        assert len(monitoring_return.spend_lines) == len(monitoring_return.grant.application.budget_lines)
    # Mostly counts the impact return can show, and a few it must suppress as "fewer than 5".
    small = [count for count in counts if count < 5]
    assert small and len(small) < len(counts) / 2
    rags = [r.rag for r in accepted]
    assert rags.count("red") == 1 and rags.count("amber") == 1 and rags.count("green") > len(rags) / 2
    assert any(r.safeguarding_incidents for r in accepted)
    assert any(r.kind == ReturnKind.FINAL for r in _returns(ReturnStatus.ACCEPTED))
    assert len(_returns(ReturnStatus.SUBMITTED)) >= 2  # waiting for an officer
    sent_back = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "return.changes_requested"))
    assert len(list(sent_back)) >= 2


def _context_measures_and_case_studies_chosen_by_an_officer():
    officer = db.session.scalar(select(User).where(User.email == "officer@example.org"))
    measures = list(db.session.scalars(select(ContextMeasure)))
    assert {m.measure for m in measures} == {m.value for m in Measure}
    # A whole year as a baseline, and quarters since.
    assert any(m.quarter == 0 for m in measures) and len({(m.financial_year, m.quarter) for m in measures}) >= 3
    assert all(m.entered_by_id == officer.id and m.source.endswith("(demo figure)") for m in measures)
    featured = list(db.session.scalars(select(FeaturedCaseStudy)))
    assert len(featured) >= 2
    for choice in featured:
        assert choice.chosen_by_id == officer.id
        assert choice.monitoring_return.status == ReturnStatus.ACCEPTED and choice.monitoring_return.case_study
