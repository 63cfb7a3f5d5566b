"""A worker killed mid-request (the kernel's OOM killer, a crashed host process) leaves the data
whole: gunicorn runs two workers and, while people submit applications, upload documents,
approve awards and record payments all at once, one worker is sent SIGKILL. The requests it was
serving are cut off, which a person sees as a failed page load; everything else must be answered
without a server error, and afterwards the database and the upload folder must agree.

Runs on SQLite (a file, as a small office would run it) in every `make test`, and again on
PostgreSQL in CI's second pass. Each round kills a different worker at a different moment.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from datetime import timedelta
from typing import Any

from flask import Flask

from sv_grants.auth.models import Role
from sv_grants.dates import clock

from ..applications.factories import ready_draft
from ..conftest import sign_in
from ..helpers import Setting, real_pdf
from . import seed
from .client import CUT_OFF, Browser, Seen, upload_file
from .server import Server

ROUNDS = 3
APPLICANTS = 2  # a round's applicants, each uploading two documents; the first also submits a draft
APPROVALS = 4  # a round's £50,000 approvals; three rounds ask for more than the fund holds
INSTALMENTS = 4  # a round's £1,000 instalments, each approved by one person and paid by another
AWARD_POUNDS = 50_000
SUMMARY = re.compile(r"Documents checked: (\d+) missing, (\d+) damaged, (\d+) orphaned files?\.")


def ready_drafts(app: Flask, applicants: list[tuple[Any, int]], setting: Setting) -> list[int]:
    """A complete draft for each applicant, written through the pages in-process (quicker than HTTP)."""
    ids = []
    for person, organisation_id in applicants:
        client = app.test_client()
        sign_in(client, person)
        client.organisation_id = organisation_id  # type: ignore[attr-defined]
        ids.append(ready_draft(client, app, setting))
    return ids


def tolerating_cut_off(job: Any) -> Any:
    """A person's steps, stopping at the first page that never came back."""
    def run() -> None:
        with contextlib.suppress(CUT_OFF):
            job()
    return run


def file_check(server: Server) -> tuple[int, int, int, list[str]]:
    """`flask check-files`: missing, damaged and orphaned counts, and the orphans' paths."""
    result = server.flask("check-files")
    summary = SUMMARY.search(result.stdout)
    assert summary, result.stdout + result.stderr
    missing, damaged, orphaned = (int(n) for n in summary.groups())
    assert result.returncode == (1 if missing or damaged else 0), result.stdout
    orphans = [line.removeprefix("Orphan: ") for line in result.stdout.splitlines() if line.startswith("Orphan: ")]
    return missing, damaged, orphaned, orphans


def assert_ledgers_whole(app: Flask, setting: Setting) -> None:
    assert seed.reference_problems(app) == []
    committed, total, awarded = seed.fund_ledger(app, setting.fund_id)
    assert committed == awarded <= total
    for reference, paid, awarded_pence, paid_sum in seed.grant_ledgers(app):
        assert paid == paid_sum <= awarded_pence, reference
    assert seed.separation_of_duties_broken(app) == []


def assert_files_whole(server: Server) -> int:
    """Every document row has its file; orphaned files are reported, and deleted by the operator's
    clean-up once old enough. Returns how many orphans there were."""
    missing, damaged, orphaned, orphans = file_check(server)
    assert (missing, damaged) == (0, 0), "a document row has lost its file"
    if orphans:
        # Files a killed upload wrote before its row committed. The clean-up deletes them only
        # once they are an hour old, so no upload still in flight is touched: age them as time would.
        two_hours_ago = time.time() - 2 * 60 * 60
        for path in orphans:
            os.utime(path, (two_hours_ago, two_hours_ago))
        cleaned = server.flask("check-files", "--delete-orphans")
        assert cleaned.returncode == 0, cleaned.stdout
        assert cleaned.stdout.count("Deleted orphan: ") == len(orphans)
        assert file_check(server)[:3] == (0, 0, 0)
    return orphaned


def test_killing_a_worker_mid_request_loses_nothing_and_leaves_no_server_error(
        app: Flask, make_user: Any, setting: Setting, run_server: Any) -> None:
    applicants = seed.ready_applicants(app, make_user, ROUNDS * APPLICANTS)
    drafts = ready_drafts(app, applicants[::APPLICANTS], setting)
    to_decide = seed.awaiting_decision(app, setting, make_user, ROUNDS * APPROVALS, AWARD_POUNDS * 100)
    finance = seed.people(make_user, Role.FINANCE_OFFICER, 3, "Finance")
    _, instalments = seed.grant_with_instalments_due(app, setting, make_user, ROUNDS * INSTALMENTS, 1_000_00,
                                                     verifier_id=finance[0].id)
    officers = seed.people(make_user, Role.GRANTS_OFFICER, APPROVALS, "Panel Officer")
    server = run_server(redis_url=os.environ.get("REDIS_URL") or None)
    seen = Seen()
    applicant_browsers = seed.signed_in(server.port, seen, [person for person, _ in applicants])
    officer_browsers = seed.signed_in(server.port, seen, officers)
    finance_browsers = seed.signed_in(server.port, seen, finance)
    finance_tokens = [seed.token_from(b, "/payments") for b in finance_browsers]
    yesterday = clock.today_in_london() - timedelta(days=1)
    killed: list[int] = []

    def submit(browser: Browser, application_id: int) -> None:
        token = seed.token_from(browser, f"/applications/{application_id}/check")
        assert browser.post(f"/applications/{application_id}/submit", {"csrf_token": token}).status_code == 302

    def upload(browser: Browser, organisation_id: int, n: int) -> None:
        url = f"/organisations/{organisation_id}/documents/upload"
        for copy in range(2):
            token = seed.token_from(browser, url)
            response = browser.post(url, {"csrf_token": token, "kind": "insurance", "expires_on": ["", "", ""],
                                          "file": upload_file(f"insurance-{n}-{copy}.pdf", real_pdf(f"{n}-{copy}"))})
            assert response.status_code == 302, response.status_code

    def approve_award(browser: Browser, application_id: int) -> None:
        token = seed.token_from(browser, f"/applications/{application_id}/decision")
        response = browser.post(f"/applications/{application_id}/decision", seed.decision_form(token, AWARD_POUNDS))
        assert response.status_code in (302, 409), response.status_code

    def pay(instalment_id: int) -> None:
        approved = finance_browsers[0].post(f"/payments/{instalment_id}/approve", {"csrf_token": finance_tokens[0]})
        assert approved.status_code == 302
        for n in (1, 2):  # then two others record it as paid: the second is turned away
            paid = finance_browsers[n].post(f"/payments/{instalment_id}/paid",
                                            seed.paid_form(finance_tokens[n], f"BACS-{n}-{instalment_id}", yesterday))
            assert paid.status_code in (302, 400), paid.status_code

    def kill_after(seconds: float) -> None:
        time.sleep(seconds)
        killed.append(server.kill_a_worker())

    for round_ in range(ROUNDS):
        mine = slice(round_ * APPLICANTS, (round_ + 1) * APPLICANTS)
        jobs = []
        jobs.append(lambda b=applicant_browsers[mine][0], d=drafts[round_]: submit(b, d))
        for n, (browser, (_, organisation_id)) in enumerate(zip(applicant_browsers[mine], applicants[mine],
                                                                strict=True)):
            jobs.append(lambda b=browser, o=organisation_id, n=round_ * 10 + n: upload(b, o, n))
        jobs += [lambda b=b, a=a: approve_award(b, a)
                 for b, a in zip(officer_browsers, to_decide[round_ * APPROVALS:(round_ + 1) * APPROVALS], strict=True)]
        jobs += [lambda i=i: pay(i) for i in instalments[round_ * INSTALMENTS:(round_ + 1) * INSTALMENTS]]
        jobs = [tolerating_cut_off(job) for job in jobs]
        before = server.worker_pids()
        seed.run_together([*jobs, lambda delay=0.2 + 0.3 * round_: kill_after(delay)])

        assert killed[-1] in before
        server.wait_for_workers(gone={killed[-1]})  # gunicorn has started a new worker in its place
        assert seen.server_errors() == []
        assert_ledgers_whole(app, setting)

    # The kills did cut requests off, so the checks above were made after real crashes.
    assert seen.cut_off, "no request was in flight when the workers were killed"
    assert [line for line in server.request_lines() if line["status"] >= 500] == []
    assert server.log().count("Booting worker") == 2 + ROUNDS
    # The files are checked once for all rounds: each check starts the app in a process of its own.
    orphans = assert_files_whole(server)
    print(f"cut off: {len(seen.cut_off)} requests; answered: {len(seen.statuses)}; orphaned files: {orphans}")

