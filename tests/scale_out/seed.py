"""What the load and fault tests start from, written through the app's own services and
factories: staff, applicants ready to apply, applications awaiting a decision and a grant with
instalments due. Seeded references start "SEED-" so they never meet the ones the server draws."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment.models import Decision, Outcome
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import services
from sv_grants.grants.models import Grant, Instalment, InstalmentStatus, Trigger
from sv_grants.grants.schedule import PlannedInstalment

from ..assessment.factories import add_criteria, being_assessed, reviewed
from ..conftest import sign_in
from ..grants.factories import accept, approved_application, give_bank_details, offer
from ..helpers import Setting, complete_organisation, csrf_token
from .client import Browser, Seen

PANEL_DATE = ["4", "3", "2025"]
MARKS = [3, 3, 3, 3, 3]


def people(make_user: Any, role: Role, count: int, name: str) -> list[Any]:
    return [make_user(role, name=f"{name} {n}") for n in range(1, count + 1)]


def ready_applicants(app: Flask, make_user: Any, count: int) -> list[tuple[Any, int]]:
    """Applicants whose organisations have full details and their three documents: (person, organisation id)."""
    found = []
    for person in people(make_user, Role.APPLICANT, count, "Applicant"):
        found.append((person, complete_organisation(app, person.id, f"{person.email} Trust")))
    return found


def awaiting_decision(app: Flask, setting: Setting, make_user: Any, count: int, requested_pence: int) -> list[int]:
    """``count`` applications of one organisation, each scored by a reviewer against the round's
    criteria (added here, so call this once and before any other seeding that scores); returns their ids."""
    add_criteria(app, setting.round_id)
    applicant = make_user(Role.APPLICANT, name="Many Projects")
    reviewer = make_user(Role.REVIEWER, name="Rowan Reviewer")
    officer = make_user(Role.GRANTS_OFFICER, name="Assigning Officer")
    organisation_id = complete_organisation(app, applicant.id, "Many Projects Trust")
    ids = []
    for n in range(1, count + 1):
        application_id = being_assessed(app, setting, applicant.id, organisation_id=organisation_id,
                                        reference=f"SEED-{n:04d}", requested_pence=requested_pence,
                                        title=f"Project {n}")
        reviewed(app, application_id, reviewer.id, officer.id, MARKS)
        ids.append(application_id)
    return ids


def grant_with_instalments_due(app: Flask, setting: Setting, make_user: Any, instalments: int,
                               each_pence: int, verifier_id: int) -> tuple[int, list[int]]:
    """An accepted grant paying ``instalments`` equal instalments on acceptance, all now due, to
    bank details ``verifier_id`` verified; returns the grant id and its instalment ids."""
    applicant = make_user(Role.APPLICANT, name="Grant Holder")
    officer = make_user(Role.GRANTS_OFFICER, name="Grant Officer")
    reviewer = make_user(Role.REVIEWER, name="Grant Reviewer")
    application_id = approved_application(app, setting, applicant.id, officer.id, reviewer.id,
                                          requested_pence=instalments * each_pence, reference="SEED-G001",
                                          organisation="Grant Holder Trust")
    grant_id = offer(app, application_id, officer.id)
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        organisation_id = grant.organisation_id
        services.replace_schedule(db.session.get(User, officer.id), grant,
                                  [PlannedInstalment(each_pence, Trigger.ON_ACCEPTANCE)] * instalments)
        db.session.commit()
    give_bank_details(app, organisation_id, applicant.id, verified_by=verifier_id)
    accept(app, grant_id, applicant.id)
    with app.app_context():
        ids = [i.id for i in db.session.get(Grant, grant_id).instalments]
        assert {db.session.get(Instalment, i).status for i in ids} == {InstalmentStatus.DUE}
    return grant_id, ids


def signed_in(port: int, seen: Seen, persons: list[Any]) -> list[Browser]:
    """A browser per person, signed in through the real pages (two-factor code included), a few at a time."""
    def one(person: Any) -> Browser:
        browser = Browser(port, seen, person)
        sign_in(browser, person)
        return browser

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, persons))


def token_from(browser: Browser, path: str) -> str:
    """The session's CSRF token, good for every form of that session."""
    return csrf_token(browser.get(path))


def decision_form(token: str, pounds: int) -> dict[str, Any]:
    return {"csrf_token": token, "outcome": "approved", "amount": str(pounds), "conditions": "", "feedback": "",
            "panel_date": PANEL_DATE}


def paid_form(token: str, remittance: str, paid_on: date) -> dict[str, Any]:
    return {"csrf_token": token, "paid_on": [str(paid_on.day), str(paid_on.month), str(paid_on.year)],
            "remittance": remittance}


def run_together(jobs: list[Callable[[], None]], expected: tuple[type[BaseException], ...] = ()) -> list[BaseException]:
    """Start every job on its own thread, released together; returns the ``expected`` failures
    and raises any other (with every job's failure attached)."""
    barrier = threading.Barrier(len(jobs))
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(job: Callable[[], None]) -> None:
        barrier.wait(timeout=60)
        try:
            job()
        except BaseException as error:  # noqa: BLE001 - handed back or raised below
            with lock:
                failures.append(error)

    threads = [threading.Thread(target=run, args=(job,), daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request did not finish within two minutes"
    unexpected = [error for error in failures if not isinstance(error, expected)]
    if unexpected:
        raise BaseExceptionGroup("unexpected failures in concurrent requests", unexpected)
    return failures


# What an auditor checks afterwards --------------------------------------------------------------

def fund_ledger(app: Flask, fund_id: int) -> tuple[int, int, int]:
    """The fund's committed and total, and the sum of the approved awards."""
    with app.app_context():
        fund = db.session.get(Fund, fund_id)
        awarded = db.session.scalar(select(func.coalesce(func.sum(Decision.awarded_pence), 0))
                                    .where(Decision.outcome == Outcome.APPROVED))
        return fund.committed_pence, fund.total_pence, int(awarded)


def grant_ledgers(app: Flask) -> list[tuple[str, int, int, int]]:
    """Each grant's reference, paid, awarded and the sum of its instalments marked paid."""
    with app.app_context():
        rows = []
        for grant in db.session.scalars(select(Grant).order_by(Grant.id)):
            paid_sum = sum(i.amount_pence for i in grant.instalments if i.status == InstalmentStatus.PAID)
            rows.append((grant.reference, grant.paid_pence, grant.awarded_pence, paid_sum))
        return rows


def separation_of_duties_broken(app: Flask) -> list[int]:
    """Paid instalments recorded by the person who approved them."""
    with app.app_context():
        return list(db.session.scalars(select(Instalment.id).where(
            Instalment.status == InstalmentStatus.PAID, Instalment.paid_by_id == Instalment.approved_by_id)))


def reference_problems(app: Flask) -> list[str]:
    """Submitted applications without a reference, drafts with one, shared references and
    applications submitted more than once."""
    with app.app_context():
        applications = db.session.scalars(select(Application)).all()
        submitted_events = db.session.execute(
            select(AuditEvent.subject_id, func.count()).where(AuditEvent.action == "application.submitted")
            .group_by(AuditEvent.subject_id)).all()
    problems = [f"application {a.id} is {a.status} without a reference" for a in applications
                if a.status != ApplicationStatus.DRAFT and not a.reference]
    problems += [f"draft {a.id} has reference {a.reference}" for a in applications
                 if a.status == ApplicationStatus.DRAFT and a.reference]
    references = [a.reference for a in applications if a.reference]
    problems += [f"reference {r} is shared" for r in set(references) if references.count(r) > 1]
    problems += [f"application {subject} was submitted {count} times" for subject, count in submitted_events
                 if count != 1]
    return problems


def statuses_of(app: Flask, ids: list[int]) -> dict[int, str]:
    with app.app_context():
        return {i: db.session.get(Application, i).status for i in ids}
