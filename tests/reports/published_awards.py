"""A fund with every kind of award the transparency list and the 360Giving export must tell apart:
published ones (a charity, a company, an unregistered group) and ones that must stay out (a draft
decision, a rejection, a withdrawn grant), each made through the services the pages call. Also a
quick way to a fund with many awards, written straight to the database, for paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import Flask

from sv_grants.applications.models import Application, ApplicationPriority, ApplicationStatus
from sv_grants.assessment import decisions
from sv_grants.assessment.models import Decision, Outcome
from sv_grants.auth.models import Role, User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Area, Fund
from sv_grants.grants import services
from sv_grants.grants.models import Grant
from sv_grants.organisations.models import LegalForm, Organisation

from ..assessment.factories import being_assessed, decide, reviewed
from ..grants.factories import ACCOUNT_NUMBER, SORT_CODE, accept, approved_application, give_bank_details, offer

WARD = ("E05008999", "Darlington Central")


@dataclass
class Published:
    fund_id: int
    slug: str
    charity: str  # the application references
    company: str
    unregistered: str
    draft: str
    rejected: str
    withdrawn: str
    # Things about people that must never be published.
    personal: list[str]
    # Organisations whose awards must not be published.
    unpublished: list[str]


def _organisation(app: Flask, reference: str, **changes: Any) -> None:
    with app.app_context():
        application = db.session.scalar(db.select(Application).where(Application.reference == reference))
        for name, value in changes.items():
            setattr(application.organisation, name, value)
        db.session.commit()


def _application(app: Flask, reference: str, **changes: Any) -> int:
    with app.app_context():
        application = db.session.scalar(db.select(Application).where(Application.reference == reference))
        for name, value in changes.items():
            setattr(application, name, value)
        db.session.commit()
        return application.id


def _notify(app: Flask, application_id: int, officer_id: int) -> None:
    with app.test_request_context():
        decision = db.session.scalar(db.select(Decision).where(Decision.application_id == application_id))
        decisions.notify(db.session.get(User, officer_id), [decision])
        db.session.commit()


def published_awards(app: Flask, setting: Any, make_user: Any) -> Published:
    officer = make_user(Role.GRANTS_OFFICER, name="Olu Officer", email="olu.officer@example.org")
    reviewer = make_user(Role.REVIEWER, name="Rae Reviewer", email="rae.reviewer@example.org")
    finance = make_user(Role.FINANCE_OFFICER, name="Fin Finance", email="fin.finance@example.org")
    applicants = [make_user(Role.APPLICANT, name=f"Applicant Person{n}", email=f"person{n}@example.org")
                  for n in range(1, 7)]
    with app.app_context():
        db.session.add(Area(code=WARD[0], name=WARD[1], kind="ward"))
        db.session.commit()

    # A registered charity (the factories' organisations have charity number 1234567), offered,
    # with verified bank details, and accepted; it works in a council area and one of its wards.
    charity = approved_application(app, setting, applicants[0].id, officer.id, reviewer.id,
                                   reference="SVF-2425-0001", organisation="Eastside Youth Trust")
    _application(app, "SVF-2425-0001", delivery_areas=["E06000005", WARD[0]], declaration_name="Dee Clarant")
    grant_id = offer(app, charity, officer.id)
    with app.app_context():
        organisation_id = db.session.get(Grant, grant_id).organisation_id
    give_bank_details(app, organisation_id, applicants[0].id, verified_by=finance.id)
    accept(app, grant_id, applicants[0].id)

    # A company that is not a charity, awarded pounds and pence, told but not yet offered; its
    # summary would run as a formula in a spreadsheet.
    approved_application(app, setting, applicants[1].id, officer.id, reviewer.id, reference="SVF-2425-0002",
                         organisation="Northside Boxing CIC", requested_pence=15_000_00, awarded_pence=12_500_50)
    _organisation(app, "SVF-2425-0002", charity_number=None, company_number="SC123456", legal_form=LegalForm.CIC,
                  postcode="DH1 2ZZ", address_line_1="2 Ring Road")
    _application(app, "SVF-2425-0002", summary="=HYPERLINK(\"http://evil.example\") boxing for young people")

    # An unincorporated group registered nowhere, whose address is a member's home; offered only.
    unregistered = approved_application(app, setting, applicants[2].id, officer.id, reviewer.id,
                                        reference="SVF-2425-0003", organisation="Hilltop Residents Group",
                                        requested_pence=5_000_00)
    _organisation(app, "SVF-2425-0003", charity_number=None, company_number=None,
                  legal_form=LegalForm.COMMUNITY_GROUP, postcode="DH9 9ZZ", address_line_1="7 Acacia Avenue",
                  local_authority_code="E06000047")
    offer(app, unregistered, officer.id)

    # A decision the panel has made but not yet sent.
    draft = being_assessed(app, setting, applicants[3].id, reference="SVF-2425-0004", organisation="Draft Hopes Ltd")
    reviewed(app, draft, reviewer.id, officer.id, [3, 3, 3, 3, 3])
    decide(app, draft, officer.id)

    # A rejection the applicant has been told of.
    rejected = being_assessed(app, setting, applicants[4].id, reference="SVF-2425-0005", organisation="Rejected Club")
    reviewed(app, rejected, reviewer.id, officer.id, [1, 1, 1, 1, 1])
    decide(app, rejected, officer.id, outcome=Outcome.REJECTED)
    _notify(app, rejected, officer.id)

    # An award whose grant was withdrawn.
    withdrawn = approved_application(app, setting, applicants[5].id, officer.id, reviewer.id,
                                     reference="SVF-2425-0006", organisation="Withdrawn Works")
    withdrawn_grant = offer(app, withdrawn, officer.id)
    with app.test_request_context():
        services.withdraw(db.session.get(User, officer.id), db.session.get(Grant, withdrawn_grant),
                          "The project lost its venue")
        db.session.commit()
        slug = db.session.get(Fund, setting.fund_id).slug

    people = [officer, reviewer, finance, *applicants]
    personal = ([p.email for p in people] + ["Olu Officer", "Rae Reviewer", "Fin Finance", "Applicant Person",
                                             "Dee Clarant", "Pat Chair", "Sam Lead", "lead@example.org"]
                + [SORT_CODE, ACCOUNT_NUMBER, "30-94-30", "DL1 1AA", "DH1 2ZZ", "DH9 9ZZ", "1 High Street",
                   "2 Ring Road", "7 Acacia Avenue"])
    return Published(setting.fund_id, slug, "SVF-2425-0001", "SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0004",
                     "SVF-2425-0005", "SVF-2425-0006", personal,
                     ["Draft Hopes Ltd", "Rejected Club", "Withdrawn Works"])


def many_awards(app: Flask, setting: Any, officer_id: int, count: int) -> None:
    """``count`` notified approvals of £1,000, £1,001… to organisations "Group 001"… , notified a
    minute apart in that order, written straight to the database (no rule is under test here)."""
    start = clock.now() - timedelta(days=1)
    with app.app_context():
        for n in range(1, count + 1):
            organisation = Organisation(name=f"Group {n:03d}", legal_form=LegalForm.COMMUNITY_GROUP,
                                        local_authority_code="E06000047")
            application = Application(
                round_id=setting.round_id, organisation=organisation, created_by_id=officer_id,
                reference=f"SVF-2425-{n + 100:04d}", status=ApplicationStatus.APPROVED, title=f"Project {n}",
                summary=f"Purpose {n:03d}", requested_pence=(1_000 + n) * 100, delivery_areas=["E06000047"],
                priorities=[ApplicationPriority(priority_id=setting.priority_ids[n % 4], is_primary=True)])
            db.session.add_all([organisation, application])
            db.session.flush()
            notified = start + timedelta(minutes=n)
            db.session.add(Decision(application_id=application.id, outcome=Outcome.APPROVED,
                                    awarded_pence=(1_000 + n) * 100, panel_date=date(2025, 3, 1),
                                    decided_by_id=officer_id, notified_at=notified, notified_by_id=officer_id,
                                    published_outcome=Outcome.APPROVED, published_awarded_pence=(1_000 + n) * 100))
        db.session.commit()
