"""Load through the real server: gunicorn with two workers on PostgreSQL and Redis, several
people at once, each in a session of their own. Applicants apply and submit (with a double
click), twelve officers approve £50,000 awards at the same moment against a fund that cannot
hold them all, and finance staff approve and record the same instalments at once.

Afterwards nobody has seen a server error, the fund is not over-committed, no grant is paid
beyond its award and every submitted application has one reference of its own. Runs in CI's
PostgreSQL pass (which exports DATABASE_URL and REDIS_URL); skipped elsewhere.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any

import pytest
import redis
from flask import Flask

from sv_grants.applications.models import ApplicationStatus
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.grants.models import Grant, InstalmentStatus

from ..applications.journey import complete_every_section, start_application
from ..conftest import USES_POSTGRES
from ..helpers import Setting, submit_form
from . import seed
from .client import Browser, Seen

REDIS_URL = os.environ.get("REDIS_URL", "")
pytestmark = pytest.mark.skipif(
    not (USES_POSTGRES and REDIS_URL),
    reason="the load check needs PostgreSQL and Redis: set DATABASE_URL=postgresql://… and REDIS_URL")

APPLICANTS = 4
APPROVALS = 12
AWARD_POUNDS = 50_000
INSTALMENTS = 4
INSTALMENT_PENCE = 5_000_00


def test_many_people_at_once_see_no_server_error_and_leave_every_ledger_whole(
        app: Flask, make_user: Any, setting: Setting, run_server: Any) -> None:
    applicants = seed.ready_applicants(app, make_user, APPLICANTS)
    to_decide = seed.awaiting_decision(app, setting, make_user, APPROVALS, AWARD_POUNDS * 100)
    finance = seed.people(make_user, Role.FINANCE_OFFICER, 5, "Finance")
    grant_id, instalments = seed.grant_with_instalments_due(app, setting, make_user, INSTALMENTS, INSTALMENT_PENCE,
                                                            verifier_id=finance[0].id)
    officers = seed.people(make_user, Role.GRANTS_OFFICER, APPROVALS, "Panel Officer")
    committed_before, total, _ = seed.fund_ledger(app, setting.fund_id)
    server = run_server(redis_url=REDIS_URL)
    seen = Seen()

    applicant_browsers = seed.signed_in(server.port, seen, [person for person, _ in applicants])
    officer_browsers = seed.signed_in(server.port, seen, officers)
    finance_browsers = seed.signed_in(server.port, seen, finance)

    # Applicants go through the whole journey while the staff below work at the same time.
    journey_failures: list[BaseException] = []
    submitted_ids: list[int] = []

    def apply(browser: Browser, organisation_id: int) -> None:
        try:
            application_id = start_application(browser, organisation_id, setting.round_id, setting.priority_ids[0])
            complete_every_section(browser, app, application_id, organisation_id, setting.priority_ids,
                                   setting.intervention_id)
            token = seed.token_from(browser, f"/applications/{application_id}/check")
            submit = f"/applications/{application_id}/submit"
            # A double click: both presses reach the server together.
            seed.run_together([lambda: browser.post(submit, {"csrf_token": token})] * 2)
            submitted_ids.append(application_id)
        except BaseException as error:  # noqa: BLE001 - raised in the main thread below
            journey_failures.append(error)

    journeys = [threading.Thread(target=apply, args=(browser, organisation_id), daemon=True)
                for browser, (_, organisation_id) in zip(applicant_browsers, applicants, strict=True)]
    for thread in journeys:
        thread.start()

    # Twelve officers approve £50,000 each at the same moment, while two finance officers race to
    # approve the same four instalments.
    decided: dict[int, int] = {}
    officer_tokens = [seed.token_from(b, f"/applications/{a}/decision") for b, a in zip(officer_browsers, to_decide,
                                                                                        strict=True)]
    finance_tokens = [seed.token_from(b, "/payments") for b in finance_browsers]

    def approve_award(browser: Browser, token: str, application_id: int) -> None:
        response = browser.post(f"/applications/{application_id}/decision",
                                seed.decision_form(token, AWARD_POUNDS))
        decided[application_id] = response.status_code

    def approve_payment(n: int, instalment_id: int) -> None:
        response = finance_browsers[n].post(f"/payments/{instalment_id}/approve", {"csrf_token": finance_tokens[n]})
        assert response.status_code == 302, response.status_code

    seed.run_together(
        [lambda b=b, t=t, a=a: approve_award(b, t, a)
         for b, t, a in zip(officer_browsers, officer_tokens, to_decide, strict=True)]
        + [lambda n=n, i=i: approve_payment(n, i) for n in (1, 2) for i in instalments])

    # Three other finance officers record each of the four instalments as paid, all at once.
    yesterday = clock.today_in_london() - timedelta(days=1)
    paid_answers: list[int] = []

    def record_paid(n: int, instalment_id: int) -> None:
        response = finance_browsers[n].post(f"/payments/{instalment_id}/paid",
                                            seed.paid_form(finance_tokens[n], f"BACS-{n}-{instalment_id}", yesterday))
        paid_answers.append(response.status_code)

    seed.run_together([lambda n=n, i=i: record_paid(n, i) for n in (0, 3, 4) for i in instalments])

    for thread in journeys:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in journeys), "an applicant's journey did not finish"
    if journey_failures:
        raise BaseExceptionGroup("an applicant's journey failed", journey_failures)

    # Nobody saw a server error, in the browsers or in the server's own request log.
    assert len(seen.statuses) > 250  # the load was real: every step of every journey was answered
    assert seen.server_errors() == []
    assert not seen.cut_off
    logged = server.request_lines()
    assert [line for line in logged if line["status"] >= 500] == []

    # The awards that fit were approved and the rest refused with what remains; nothing over-committed.
    fit = (total - committed_before) // (AWARD_POUNDS * 100)
    assert sorted(decided.values()) == [302] * fit + [409] * (APPROVALS - fit)
    committed, total_after, awarded = seed.fund_ledger(app, setting.fund_id)
    assert committed == awarded == committed_before + fit * AWARD_POUNDS * 100
    assert committed <= total_after == total

    # Each instalment was paid exactly once, by someone other than who approved it.
    assert sorted(paid_answers).count(302) >= INSTALMENTS and max(paid_answers) < 500
    with app.app_context():
        grant = db.session.get(Grant, grant_id)
        assert {i.status for i in grant.instalments} == {InstalmentStatus.PAID}
        assert grant.paid_pence == grant.awarded_pence == INSTALMENTS * INSTALMENT_PENCE
    assert seed.separation_of_duties_broken(app) == []
    for reference, paid, awarded_pence, paid_sum in seed.grant_ledgers(app):
        assert paid == paid_sum <= awarded_pence, reference

    # Every applicant's double click submitted once, with a reference of its own.
    assert len(submitted_ids) == APPLICANTS
    assert set(seed.statuses_of(app, submitted_ids).values()) == {ApplicationStatus.SUBMITTED}
    assert seed.reference_problems(app) == []

    # Sign-in throttling counts in Redis: one failed attempt leaves its two counters there.
    stranger = Browser(server.port, seen)
    refused = submit_form(stranger, "/sign-in", {"email": applicants[0][0].email, "password": "not the password"})
    assert refused.status_code == 200
    counters = redis.Redis.from_url(REDIS_URL)
    keys = list(counters.scan_iter(match=server.env["RATE_LIMIT_PREFIX"] + "*"))
    try:
        assert len(keys) == 2  # one for the account, one for the address
        assert [counters.get(key) for key in keys] == [b"1", b"1"]
    finally:
        if keys:
            counters.delete(*keys)
        counters.close()
