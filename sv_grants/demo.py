"""The demonstration data of ``flask seed-demo``: the reference fund of County Durham and
Darlington, its round and criteria, and a demo user of every role. Safe to run again: it only
adds what is missing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from importlib import resources
from typing import Any, TypeVar

from sqlalchemy import select

from .auth.models import Role, User, UserRole
from .auth.passwords import hash_password
from .dates import LONDON, utcnow
from .demo_applications import add_documents, add_submitted_application, start_assessment
from .demo_grants import add_pilot_grants
from .extensions import db
from .funds.models import Area, Criterion, Fund, FundStatus, InterventionType, Priority, Round
from .organisations.models import LegalForm, Membership, Organisation

M = TypeVar("M")

DEMO_PASSWORD = "demo passphrase for sv grants"  # noqa: S105 - published on purpose for the demo
FUND_SLUG = "svpf-2024-25"

PRIORITIES = [
    ("P1", "Prevention and early intervention for young people aged 18 and under involved in, or at "
           "risk of being drawn into, serious violence", "Young people aged 18 and under"),
    ("P2", "Alcohol-related violence in the night-time economy", "Adults in town centres at night"),
    ("P3", "Support for people aged 18 to 35 already involved in serious violence, with a focus on men",
     "People aged 18 to 35, mainly men"),
    ("P4", "Domestic-abuse-related violence with a knife or sharp instrument, with repeat "
           "perpetrators and victims", "Victims and perpetrators of domestic abuse"),
]

SCORE_DESCRIPTORS = [
    {"score": 0, "label": "Unacceptable", "description": "Does not answer the question, or no evidence is given."},
    {"score": 1, "label": "Weak", "description": "Answers the question only in part; major gaps or doubts."},
    {"score": 2, "label": "Adequate", "description": "Answers the question with some evidence; minor gaps."},
    {"score": 3, "label": "Good", "description": "A full answer backed by clear evidence."},
    {"score": 4, "label": "Excellent", "description": "A full, convincing answer backed by strong, local evidence."},
]

CRITERIA = [
    ("Fit with the priorities", 30,
     "How directly the project addresses one or more of the fund's four priorities, and the cohort it names."),
    ("Need and evidence", 20,
     "Evidence of local need, and evidence (such as the YEF Toolkit) that the approach reduces violence."),
    ("Deliverability", 20,
     "A realistic plan, staffing, referral routes and partnerships to deliver on time."),
    ("Value for money", 15,
     "Costs that are reasonable for the outputs and reach planned, and a budget that adds up."),
    ("Safeguarding and risk", 15,
     "Safeguarding policy, a named lead, DBS checks, and risks identified with credible mitigations."),
]

AREAS = [("E06000047", "County Durham"), ("E06000005", "Darlington")]


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    roles: tuple[Role, ...]
    organisation: str | None = None


ORGANISATIONS = [
    ("Darlington Youth Outreach", LegalForm.REGISTERED_CHARITY, {
        "charity_number": "1187654", "address_line_1": "12 Skinnergate", "town": "Darlington",
        "postcode": "DL3 7NR", "local_authority_code": "E06000005", "annual_income_pence": 184_500_00,
        "safeguarding_lead_name": "Grace Okafor", "safeguarding_lead_email": "safeguarding@example.org"}),
    ("Durham Night Safe CIC", LegalForm.CIC, {
        "company_number": "12345678", "address_line_1": "4 Claypath", "town": "Durham", "postcode": "DH1 1RH",
        "local_authority_code": "E06000047", "annual_income_pence": 96_000_00,
        "safeguarding_lead_name": "Ian Marsh", "safeguarding_lead_email": "ian.marsh@example.org"}),
]

USERS = [
    DemoUser("applicant@example.org", "Amira Khan", (Role.APPLICANT,), "Darlington Youth Outreach"),
    DemoUser("applicant2@example.org", "Ben Hall", (Role.APPLICANT,), "Durham Night Safe CIC"),
    DemoUser("reviewer@example.org", "Rachel Evans", (Role.REVIEWER,)),
    DemoUser("reviewer2@example.org", "Tom Wright", (Role.REVIEWER,)),
    DemoUser("officer@example.org", "Olivia Grant", (Role.GRANTS_OFFICER, Role.REVIEWER)),
    DemoUser("finance@example.org", "Farid Shah", (Role.FINANCE_OFFICER,)),
    DemoUser("finance2@example.org", "Joy Mensah", (Role.FINANCE_OFFICER,)),
    DemoUser("pcc@example.org", "Patricia Cole", (Role.PCC_VIEWER,)),
    DemoUser("admin@example.org", "Adam Irving", (Role.ADMIN,)),
]


def seed_demo() -> list[DemoUser]:
    fund = _fund()
    _priorities(fund)
    _round(fund)
    _intervention_types()
    _areas()
    organisations = {name: _organisation(name, form, details) for name, form, details in ORGANISATIONS}
    users = {demo.email: _user(demo, organisations) for demo in USERS}
    db.session.flush()
    for name, organisation in organisations.items():
        main_contact = next(users[d.email] for d in USERS if d.organisation == name)
        add_documents(organisation, main_contact)
    application = add_submitted_application(organisations["Durham Night Safe CIC"], users["applicant2@example.org"])
    if application is not None:
        start_assessment(application, users["officer@example.org"],
                         [users["reviewer@example.org"], users["reviewer2@example.org"]])
    add_pilot_grants(fund, organisations, users)
    db.session.flush()
    return USERS


def _get_or_add(model: type[M], defaults: dict[str, Any] | None = None, **key: Any) -> M:
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key, **(defaults or {}))
        db.session.add(row)
        db.session.flush()
    return row


def _fund() -> Fund:
    return _get_or_add(Fund, slug=FUND_SLUG, defaults={
        "name": "Serious Violence Prevention Fund 2024/25",
        "funder_name": "Durham Police, Crime and Victims' Commissioner",
        "financial_year": "2024/25",
        "total_pence": 500_000 * 100,
        "committed_pence": 0,
        "status": FundStatus.OPEN,
    })


def _priorities(fund: Fund) -> None:
    for position, (code, title, cohort) in enumerate(PRIORITIES, start=1):
        _get_or_add(Priority, fund_id=fund.id, code=code,
                    defaults={"title": title, "cohort": cohort, "position": position})


def _round(fund: Fund) -> Round:
    existing = db.session.scalar(select(Round).where(Round.fund_id == fund.id))
    if existing is not None:
        return existing
    today = utcnow().astimezone(LONDON).date()
    opens = datetime.combine(today - timedelta(days=7), time(9, 0), LONDON)  # open whenever the demo starts
    closes = datetime.combine(today + timedelta(weeks=6), time(12, 0), LONDON)
    delivery_from = closes.date() + timedelta(weeks=8)
    round_ = Round(
        fund_id=fund.id, name="Round 1: community grants", opens_at=opens, closes_at=closes,
        delivery_from=delivery_from, delivery_until=delivery_from + timedelta(days=365),
        min_award_pence=2_000 * 100, max_award_pence=50_000 * 100,
        guidance="Grants from £2,000 to £50,000 for work in County Durham and Darlington that "
                 "prevents or reduces serious violence under one or more of the four priorities.",
        score_min=0, score_max=4, score_descriptors=SCORE_DESCRIPTORS,
        moderation_threshold_percent=20,
    )
    db.session.add(round_)
    db.session.flush()
    for position, (title, weight, guidance) in enumerate(CRITERIA, start=1):
        db.session.add(Criterion(
            round_id=round_.id, position=position, title=title, weight=weight, guidance=guidance,
            descriptors={str(d["score"]): d["description"] for d in SCORE_DESCRIPTORS},
        ))
    return round_


def _intervention_types() -> None:
    text = resources.files("sv_grants").joinpath("data/yef_toolkit.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        rating = row["impact_on_violence"].strip().lower()
        values = {
            "impact_rating": rating if rating in {"harmful", "none", "low", "moderate", "high"} else "unknown",
            "headline_effect": row["headline_effect"].strip(),
            "evidence_note": row["evidence_note"].strip(),
            "source_url": row["source_url"].strip(),
            "as_of": row["as_of"].strip(),
        }
        existing = db.session.scalar(select(InterventionType).where(InterventionType.name == row["approach"]))
        if existing is None:
            db.session.add(InterventionType(name=row["approach"].strip(), **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)


def _areas() -> None:
    for code, name in AREAS:
        _get_or_add(Area, code=code, defaults={"name": name, "kind": "local_authority"})


def _organisation(name: str, legal_form: LegalForm, details: dict[str, Any]) -> Organisation:
    return _get_or_add(Organisation, name=name, defaults={"legal_form": legal_form, **details})


def _user(demo: DemoUser, organisations: dict[str, Organisation]) -> User:
    user = db.session.scalar(select(User).where(User.email == demo.email))
    if user is None:
        user = User(email=demo.email, name=demo.name, password_hash=hash_password(DEMO_PASSWORD))
        for role in demo.roles:
            user.role_grants.append(UserRole(role=role))
        db.session.add(user)
        db.session.flush()
    if demo.organisation:
        organisation = organisations[demo.organisation]
        _get_or_add(Membership, organisation_id=organisation.id, user_id=user.id,
                    defaults={"is_main_contact": True})
    return user
