"""`flask seed-demo` gives a newcomer the reference fund and a sign-in for every role."""

import csv
from datetime import time, timedelta

from sqlalchemy import func, select

from sv_grants.auth.models import Role, User
from sv_grants.dates import LONDON, utcnow
from sv_grants.demo import DEMO_PASSWORD
from sv_grants.extensions import db
from sv_grants.funds.models import Area, Criterion, Fund, InterventionType, Priority, Round
from sv_grants.organisations.models import Organisation

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
            for model in (Fund, Priority, Round, Criterion, InterventionType, Area, User, Organisation)}


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
        assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2
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
    from sv_grants.grants.models import Grant, GrantStatus, InstalmentStatus

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
        assert fund.committed_pence == running.awarded_pence + offer.awarded_pence
