"""`flask seed-demo --scale national` builds the benchmarks' data set with bulk inserts, past the
services: these tests build a small copy and check it obeys the rules the services would have
kept, and that the app's pages work on it."""

from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment.models import Assignment, Decision, Review, Score
from sv_grants.auth.models import User
from sv_grants.dates import clock
from sv_grants.demo import DEMO_PASSWORD
from sv_grants.demo_national import NATIONAL_BIG_GRANTS_FUND, NATIONAL_BIG_ROUND_FUND, TARGETS, seed_national
from sv_grants.extensions import db
from sv_grants.funds.models import Criterion, Fund, Round
from sv_grants.grants.models import Grant, InstalmentStatus
from sv_grants.monitoring import reach
from sv_grants.monitoring.models import MonitoringReturn, ReachCount, ReturnStatus
from sv_grants.reports.funding import build_funding
from sv_grants.reports.periods import parse_period

from .conftest import Person, sign_in

SCALE = 0.02


def seed(app):
    """The national data alone: the demo's few rows (which the command adds first) change nothing here."""
    with app.app_context():
        counts = seed_national(SCALE)
        db.session.commit()
    return counts


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def fund(slug):
    return db.session.scalar(select(Fund).where(Fund.slug == slug))


def test_the_national_data_set_scales_to_its_targets(app):
    counts = seed(app)
    with app.app_context():
        added = {model: count(model) for model in (Fund, Application, Review, Grant, MonitoringReturn)}
        assert added == {Fund: 4, Application: round(TARGETS["applications"] * SCALE),
                         Review: round(TARGETS["reviews"] * SCALE), Grant: round(TARGETS["grants"] * SCALE),
                         MonitoringReturn: 4 * round(TARGETS["grants"] * SCALE)}
        assert counts["applications"] == added[Application] and counts["scores"] == 5 * added[Review]

        statuses = Counter(db.session.scalars(select(Application.status).join(Round).join(Fund)
                                              .where(Fund.slug.like("national-%"))))
        assert {ApplicationStatus.DRAFT, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED,
                ApplicationStatus.IN_ASSESSMENT} <= set(statuses)
        # What the benchmarks open: a fund of many grants and a round of many applications being assessed.
        assert count(Grant, Grant.fund_id == fund(NATIONAL_BIG_GRANTS_FUND).id) == TARGETS["big_grants"] * SCALE
        big_round = fund(NATIONAL_BIG_ROUND_FUND).rounds[0]
        assert count(Application, Application.round_id == big_round.id,
                     Application.status == ApplicationStatus.IN_ASSESSMENT) == TARGETS["big_round"] * SCALE
        returns = Counter(db.session.scalars(select(MonitoringReturn.status)))
        assert returns[ReturnStatus.ACCEPTED] > sum(returns.values()) * 0.8


def test_the_ledgers_references_and_scores_hold_as_the_services_would_keep_them(app):
    seed(app)
    with app.app_context():
        for each in db.session.scalars(select(Fund)):
            grants = list(db.session.scalars(select(Grant).where(Grant.fund_id == each.id)))
            waiting = db.session.scalar(
                select(func.coalesce(func.sum(Decision.awarded_pence), 0)).join(Application).join(Round)
                .where(Round.fund_id == each.id, ~Decision.application_id.in_(select(Grant.application_id))))
            assert each.committed_pence == sum(g.awarded_pence - g.underspend_pence for g in grants) + waiting
            assert 0 <= each.committed_pence <= each.total_pence
            references = list(db.session.scalars(select(Application.reference).join(Round)
                                                 .where(Round.fund_id == each.id, Application.reference.is_not(None))))
            assert each.applications_numbered == len(references)  # the next reference follows on

        for grant in db.session.scalars(select(Grant)):
            assert sum(i.amount_pence for i in grant.instalments) == grant.awarded_pence
            paid = [i for i in grant.instalments if i.status == InstalmentStatus.PAID]
            assert grant.paid_pence == sum(i.amount_pence for i in paid) <= grant.awarded_pence
            assert all(i.paid_by_id != i.approved_by_id and i.bank_account_id for i in paid)

        submitted = db.session.execute(select(Application.status, Application.reference)).all()
        references = [reference for status, reference in submitted if status != ApplicationStatus.DRAFT]
        assert None not in references and len(set(references)) == len(references)

        criteria = Counter(db.session.scalars(select(Criterion.round_id)))
        scored = db.session.execute(
            select(Review.id, Application.round_id, func.count(Score.id), func.count(Score.score),
                   func.count(func.distinct(Score.criterion_id)))
            .join(Assignment, Review.assignment_id == Assignment.id).join(Application)
            .outerjoin(Score, Score.review_id == Review.id).group_by(Review.id, Application.round_id)).all()
        assert scored and all(rows == marks == distinct == criteria[round_id]
                              for _, round_id, rows, marks, distinct in scored)


def test_every_reach_breakdown_adds_up_to_the_new_participants(app):
    seed(app)
    with app.app_context():
        totals: dict[int, Counter[str]] = defaultdict(Counter)
        categories: dict[int, Counter[str]] = defaultdict(Counter)
        for row in db.session.scalars(select(ReachCount)):
            totals[row.return_id][row.dimension] += row.count
            categories[row.return_id][row.dimension] += 1
        filled = list(db.session.scalars(select(MonitoringReturn).where(
            MonitoringReturn.kind == "quarterly", MonitoringReturn.status != ReturnStatus.NOT_STARTED)))
        assert len(filled) > 100
        every = {b.dimension: len(b.categories) for b in reach.BREAKDOWNS}
        for monitoring_return in filled:
            assert monitoring_return.new_participants
            assert totals[monitoring_return.id] == dict.fromkeys(every, monitoring_return.new_participants)
            assert categories[monitoring_return.id] == every  # as a completed reach section saves them


@pytest.fixture
def seeded(make_app):
    app = make_app(REQUIRE_TWO_FACTOR=False)
    seed(app)
    return app


def officer_of(app, slug):
    with app.app_context():
        area = slug.removeprefix("national-").rsplit("-", 2)[0]
        user = db.session.scalar(select(User).where(User.email.like(f"officer.{area}@%")))
        return Person(user.id, user.email, DEMO_PASSWORD, None)


def test_officers_work_on_the_national_data_through_the_pages(seeded):
    client = seeded.test_client()
    sign_in(client, officer_of(seeded, NATIONAL_BIG_GRANTS_FUND))
    with seeded.app_context():
        big = fund(NATIONAL_BIG_GRANTS_FUND)
        round_id, reference = big.rounds[0].id, db.session.scalar(
            select(Application.reference).where(Application.round_id == big.rounds[0].id)
            .order_by(Application.reference))
        data = build_funding(big, parse_period("to-date", clock.today_in_london()), "Test")
        assert data.reconciles and len(data.grants) == TARGETS["big_grants"] * SCALE
    listing = client.get(f"/rounds/{round_id}/applications")
    assert listing.status_code == 200 and reference in listing.get_data(as_text=True)
    page = client.get(f"/reports/{NATIONAL_BIG_GRANTS_FUND}/funding/to-date")
    assert page.status_code == 200 and "do not reconcile" not in page.get_data(as_text=True)
    pdf = client.get(f"/reports/{NATIONAL_BIG_GRANTS_FUND}/funding/to-date.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    with seeded.app_context():
        big_round = fund(NATIONAL_BIG_ROUND_FUND).rounds[0].id
    panel = seeded.test_client()
    sign_in(panel, officer_of(seeded, NATIONAL_BIG_ROUND_FUND))
    ranked = panel.get(f"/rounds/{big_round}/panel")
    assert ranked.status_code == 200
    assert ranked.get_data(as_text=True).count("F15-2627-") >= TARGETS["big_round"] * SCALE


def test_seed_demo_national_prints_what_it_added(make_app, monkeypatch):
    app = make_app()
    monkeypatch.setattr("sv_grants.demo_national.TARGETS", {key: max(1, value // 500)
                                                           for key, value in TARGETS.items()})
    result = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "national"])
    assert result.exit_code == 0, result.output
    assert "National data added:" in result.output and "seconds" in result.output
    with app.app_context():
        national = select(Fund.id).where(Fund.slug.like("national-%"))
        assert count(Grant, Grant.fund_id.in_(national)) == TARGETS["grants"] // 500
        assert count(User, User.email == "admin@example.org") == 1  # the demo came first
        before = count(Application)
    again = app.test_cli_runner().invoke(args=["seed-demo", "--scale", "national"])
    assert again.exit_code == 0 and "nothing was added" in again.output
    with app.app_context():
        assert count(Application) == before
