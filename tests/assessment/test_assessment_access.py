"""Who may see what during assessment: a declared interest shuts a person out of the organisation's
applications in every role; reviewers see only their own assignments; applicants never see who
reviewed them, their scores or their comments; absurd ids are a 404; and the audit log records
assignments, declarations and removals with the person who made them."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from sv_grants.applications.models import Application, ApplicationDocument, ApplicationStatus
from sv_grants.assessment import checks
from sv_grants.assessment.models import Assignment, CheckOutcome, Decision, Declaration
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db

from ..applications.factories import submitted
from ..conftest import sign_in
from ..helpers import Outbox, complete_organisation, csrf_token, page, submit_form
from .factories import add_criteria, assign, being_assessed, decide, declare, reviewed

REVIEWER_NAME = "Zebedee Quillfeather"
COMMENTS = [f"Quillfeather private remark on criterion {n}" for n in range(1, 6)]
OVERALL = "Quillfeather overall verdict for the panel only"
MARKS = [4, 3, 3, 2, 1]  # weights 30/20/20/15/15 out of 4: 71.25, shown as 71.3%
SCORE = "71.3%"
FEEDBACK = "The panel liked your plan for detached youth work on the estate."


@dataclass
class Assessed:
    application_id: int  # submitted through the pages, with its organisation's files attached, now in assessment
    documents: list[int]
    officer: FlaskClient
    applicant: FlaskClient


@pytest.fixture
def applicant(app: Flask, make_user: Any, setting: Any) -> FlaskClient:
    person = make_user(Role.APPLICANT, name="Alex Applicant")
    client = app.test_client()
    sign_in(client, person)
    client.person = person  # type: ignore[attr-defined]
    client.organisation_id = complete_organisation(app, person.id)  # type: ignore[attr-defined]
    return client


def _into_assessment(app: Flask, application_id: int, officer_id: int) -> None:
    with app.test_request_context():
        checks.record_check(db.session.get(User, officer_id), db.session.get(Application, application_id),
                            {item.key: True for item in checks.CHECKLIST}, "", CheckOutcome.PASSED, "")
        db.session.commit()


@pytest.fixture
def assessed(app: Flask, setting: Any, applicant: FlaskClient, login_as: Any) -> Assessed:
    add_criteria(app, setting.round_id)
    officer = login_as(Role.GRANTS_OFFICER, name="Olive Officer")
    application_id = submitted(applicant, app, setting)
    _into_assessment(app, application_id, officer.person.id)
    with app.app_context():
        documents = list(db.session.scalars(select(ApplicationDocument.document_id).where(
            ApplicationDocument.application_id == application_id).order_by(ApplicationDocument.document_id)))
    assert documents, "the submitted application should have files attached"
    return Assessed(application_id, documents, officer, applicant)


def _declare(client: FlaskClient, assignment_id: int, interest: bool) -> Any:
    data = {"interest": "yes", "details": "I sit on its board of trustees"} if interest else {"interest": "no"}
    response = submit_form(client, f"/reviews/{assignment_id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    return response


def _score_form(app: Flask, application_id: int, button: str = "save_draft") -> dict[str, Any]:
    with app.app_context():
        criteria = db.session.get(Application, application_id).round.criteria
        data: dict[str, Any] = {button: "1", "overall_comment": "Fine", "recommendation": "fund"}
        for index, criterion in enumerate(criteria):
            data.update({f"criteria-{index}-criterion_id": str(criterion.id), f"criteria-{index}-score": "3",
                         f"criteria-{index}-comment": "Good"})
        return data


def _statuses(client: FlaskClient, paths: list[str]) -> dict[str, int]:
    """The status of a GET of each path (files are streamed: each response is closed)."""
    found = {}
    for path in paths:
        with client.get(path) as response:
            found[path] = response.status_code
    return found


def _text(response: Any) -> str:
    return " ".join(page(response).get_text().split())


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


# A conflicted reviewer -------------------------------------------------------------------------


def test_a_conflicted_reviewer_gets_404_on_the_application_its_documents_and_its_scores(
        app: Flask, assessed: Assessed, login_as: Any) -> None:
    officer_id = assessed.officer.person.id
    clear = login_as(Role.REVIEWER, name="Clara Clear")
    conflicted = login_as(Role.REVIEWER, name="Connor Conflicted")
    clear_id = assign(app, assessed.application_id, clear.person.id, officer_id)
    conflicted_id = assign(app, assessed.application_id, conflicted.person.id, officer_id)
    _declare(clear, clear_id, interest=False)

    def reviewer_paths(assignment_id: int) -> list[str]:
        return [f"/reviews/{assignment_id}/application", f"/reviews/{assignment_id}/score",
                *(f"/reviews/{assignment_id}/documents/{d}" for d in assessed.documents)]

    # The same pages open for the reviewer who declared no interest.
    assert set(_statuses(clear, reviewer_paths(clear_id)).values()) == {200}

    _declare(conflicted, conflicted_id, interest=True)

    assert _statuses(conflicted, reviewer_paths(conflicted_id)) == {p: 404 for p in reviewer_paths(conflicted_id)}
    token = csrf_token(conflicted.get("/reviews"))
    for button in ("save_draft", "submit_review"):
        posted = conflicted.post(f"/reviews/{conflicted_id}/score",
                                 data={**_score_form(app, assessed.application_id, button), "csrf_token": token})
        assert posted.status_code == 404, button
    with app.app_context():
        assignment = db.session.get(Assignment, conflicted_id)
        assert assignment.declaration == Declaration.CONFLICTED
        assert assignment.review is None
    # The assignment page itself says why, and nothing more.
    shown = conflicted.get(f"/reviews/{conflicted_id}")
    assert shown.status_code == 200
    assert "You declared an interest in Eastside Youth Trust" in _text(shown)
    assert "Safe Streets Mentoring" not in _text(shown)


def test_an_interest_keeps_the_reviewer_out_of_the_organisations_other_application(
        app: Flask, setting: Any, assessed: Assessed, login_as: Any) -> None:
    officer_id = assessed.officer.person.id
    second = being_assessed(app, setting, assessed.applicant.person.id,
                            organisation_id=assessed.applicant.organisation_id, reference="SVF-2425-0098")
    reviewer = login_as(Role.REVIEWER, name="Connor Conflicted")
    later = assign(app, second, reviewer.person.id, officer_id)
    _declare(reviewer, later, interest=False)
    assert reviewer.get(f"/reviews/{later}/application").status_code == 200

    _declare(reviewer, assign(app, assessed.application_id, reviewer.person.id, officer_id), interest=True)

    for path in (f"/reviews/{later}/application", f"/reviews/{later}/score",
                 *(f"/reviews/{later}/documents/{d}" for d in assessed.documents)):
        assert reviewer.get(path).status_code == 404, path


# A grants officer who is also a reviewer and declared an interest ------------------------------


@pytest.fixture
def dual(app: Flask, assessed: Assessed, login_as: Any) -> FlaskClient:
    """Someone who is both grants officer and reviewer, assigned the application (not yet declared)."""
    client = login_as(Role.GRANTS_OFFICER, Role.REVIEWER, name="Dana Dual")
    client.assignment_id = assign(app, assessed.application_id, client.person.id,  # type: ignore[attr-defined]
                                  assessed.officer.person.id)
    return client


def _officer_paths(assessed: Assessed) -> list[str]:
    base = f"/applications/{assessed.application_id}"
    return [f"{base}/view", f"{base}/assessment", f"{base}/application.pdf", f"{base}/decision",
            f"{base}/moderate", f"{base}/questions/new", *(f"/documents/{d}" for d in assessed.documents)]


def test_an_officer_who_declared_an_interest_gets_404_on_every_page_of_the_application(
        app: Flask, assessed: Assessed, dual: FlaskClient) -> None:
    paths = _officer_paths(assessed)
    assert _statuses(dual, paths) == {p: 200 for p in paths}  # before declaring, an officer like any other

    _declare(dual, dual.assignment_id, interest=True)

    assert _statuses(dual, paths) == {p: 404 for p in paths}
    # The other grants officer still has every page.
    assert _statuses(assessed.officer, paths) == {p: 200 for p in paths}


def test_an_officer_who_declared_an_interest_cannot_act_on_the_application(
        app: Flask, assessed: Assessed, dual: FlaskClient, login_as: Any) -> None:
    base = f"/applications/{assessed.application_id}"
    reviewer = login_as(Role.REVIEWER, name="Rob Reviewer")
    other_assignment = assign(app, assessed.application_id, reviewer.person.id, assessed.officer.person.id)
    _declare(dual, dual.assignment_id, interest=True)
    token = csrf_token(dual.get("/reviews"))

    posts = {
        f"{base}/decision": {"outcome": "approved", "amount": "100", "panel_date-day": "1",
                             "panel_date-month": "3", "panel_date-year": "2025"},
        f"{base}/moderate": {"score": "99", "reason": "Because"},
        f"{base}/questions/new": {"question": "Anything?"},
        f"{base}/reviewers": {"reviewer_id": str(reviewer.person.id)},
        f"{base}/eligibility-check": {"outcome": "pass"},
        f"/assignments/{other_assignment}/remove": {},
    }
    for path, data in posts.items():
        assert dual.post(path, data={**data, "csrf_token": token}).status_code == 404, path
    with app.app_context():
        assert db.session.get(Assignment, other_assignment) is not None
        assert db.session.scalar(select(Decision)) is None


def test_an_officers_interest_covers_the_organisations_other_applications(
        app: Flask, setting: Any, assessed: Assessed, dual: FlaskClient) -> None:
    second = being_assessed(app, setting, assessed.applicant.person.id,
                            organisation_id=assessed.applicant.organisation_id, reference="SVF-2425-0098")
    assert dual.get(f"/applications/{second}/assessment").status_code == 200

    _declare(dual, dual.assignment_id, interest=True)

    for path in (f"/applications/{second}/view", f"/applications/{second}/assessment",
                 f"/applications/{second}/decision", f"/applications/{second}/moderate"):
        assert dual.get(path).status_code == 404, path


def test_declaring_no_interest_keeps_the_officers_access(app: Flask, assessed: Assessed, dual: FlaskClient) -> None:
    _declare(dual, dual.assignment_id, interest=False)

    paths = _officer_paths(assessed)
    assert _statuses(dual, paths) == {p: 200 for p in paths}


@pytest.fixture
def on_the_panel(app: Flask, setting: Any, assessed: Assessed, dual: FlaskClient, make_user: Any) -> int:
    """The application assessed by another reviewer (71.3%), beside another organisation's (50.0%),
    and the dual-role officer's interest declared. Returns the other application's id."""
    officer_id = assessed.officer.person.id
    rita = make_user(Role.REVIEWER, name=REVIEWER_NAME)
    reviewed(app, assessed.application_id, rita.id, officer_id, MARKS, comments=COMMENTS, overall=OVERALL)
    other = being_assessed(app, setting, make_user().id, organisation="Westside Boxing Club",
                           reference="SVF-2425-0099")
    reviewed(app, other, rita.id, officer_id, [2, 2, 2, 2, 2])
    _declare(dual, dual.assignment_id, interest=True)
    return other


def _panel_row(response: Any, reference: str) -> Any:
    return next(tr for tr in page(response).select("table")[0].select("tbody tr") if reference in tr.get_text())


def test_on_the_panel_the_officers_conflicted_application_shows_no_scores(
        app: Flask, setting: Any, assessed: Assessed, dual: FlaskClient, on_the_panel: int) -> None:
    response = dual.get(f"/rounds/{setting.round_id}/panel")

    assert response.status_code == 200
    row = _panel_row(response, "SVF-2425-0001")
    text = " ".join(row.get_text().split())
    assert "You declared an interest" in text
    assert SCORE not in text
    assert "Fund (1)" not in text
    assert row.find("a") is None  # no link to the assessment page
    other = " ".join(_panel_row(response, "SVF-2425-0099").get_text().split())
    assert "50.0%" in other
    assert "You declared an interest" not in other
    # Another officer sees the score.
    theirs = " ".join(_panel_row(assessed.officer.get(f"/rounds/{setting.round_id}/panel"),
                                 "SVF-2425-0001").get_text().split())
    assert SCORE in theirs
    assert "You declared an interest" not in theirs


def test_the_panel_page_shows_the_conflicted_officer_the_score_nowhere(
        app: Flask, setting: Any, assessed: Assessed, dual: FlaskClient, on_the_panel: int) -> None:
    """Not in the ranked table, nor in the recommended funding set below it."""
    response = dual.get(f"/rounds/{setting.round_id}/panel")

    assert response.status_code == 200
    assert SCORE in _text(assessed.officer.get(f"/rounds/{setting.round_id}/panel"))
    assert SCORE not in _text(response)


def test_the_panel_pack_is_refused_to_an_officer_with_a_declared_interest(
        app: Flask, setting: Any, assessed: Assessed, dual: FlaskClient, on_the_panel: int) -> None:
    """The pack carries each application's scores and reviewers' comments, so an officer who declared
    an interest in one of them cannot produce it, as a page or as a PDF."""
    other_officer = assessed.officer.get(f"/rounds/{setting.round_id}/panel/pack")
    assert other_officer.status_code == 200
    assert COMMENTS[0] in _text(other_officer)

    for path in ("pack", "pack.pdf"):
        response = dual.get(f"/rounds/{setting.round_id}/panel/{path}")
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith(f"/rounds/{setting.round_id}/panel")
        assert b"%PDF" not in response.data
        for leaked in (COMMENTS[0], OVERALL, SCORE):
            assert leaked not in response.get_data(as_text=True), leaked
        shown = _text(dual.get(response.headers["Location"]))
        assert "You declared an interest in SVF-2425-0001, so you cannot produce the panel pack" in shown


# Reviewers see only their own assignments ------------------------------------------------------


def test_a_reviewer_gets_404_for_every_page_of_another_reviewers_assignment(
        app: Flask, assessed: Assessed, login_as: Any) -> None:
    officer_id = assessed.officer.person.id
    mine = login_as(Role.REVIEWER, name="Mia Mine")
    theirs = login_as(Role.REVIEWER, name="Theo Theirs")
    my_id = assign(app, assessed.application_id, mine.person.id, officer_id)
    _declare(mine, my_id, interest=False)
    their_id = assign(app, assessed.application_id, theirs.person.id, officer_id)  # not declared yet
    token = csrf_token(mine.get("/reviews"))

    paths = [f"/reviews/{their_id}", f"/reviews/{their_id}/application", f"/reviews/{their_id}/score",
             *(f"/reviews/{their_id}/documents/{d}" for d in assessed.documents)]
    assert _statuses(mine, paths) == {p: 404 for p in paths}
    declared = mine.post(f"/reviews/{their_id}", data={"csrf_token": token, "interest": "no"})
    assert declared.status_code == 404
    scored = mine.post(f"/reviews/{their_id}/score",
                       data={**_score_form(app, assessed.application_id, "submit_review"), "csrf_token": token})
    assert scored.status_code == 404
    with app.app_context():
        assignment = db.session.get(Assignment, their_id)
        assert assignment.declaration == Declaration.UNDECLARED
        assert assignment.review is None
    home = mine.get("/reviews")
    assert f"/reviews/{their_id}" not in home.get_data(as_text=True)
    assert f"/reviews/{my_id}" in home.get_data(as_text=True)

    # Once theirs is declared and readable by them, it is still not found for me.
    _declare(theirs, their_id, interest=False)
    assert _statuses(mine, paths) == {p: 404 for p in paths}
    assert _statuses(theirs, [f"/reviews/{their_id}/application"]) == {f"/reviews/{their_id}/application": 200}


def test_a_reviewer_is_refused_the_officers_pages(app: Flask, setting: Any, assessed: Assessed,
                                                  login_as: Any) -> None:
    reviewer = login_as(Role.REVIEWER, name="Rob Reviewer")
    assignment_id = assign(app, assessed.application_id, reviewer.person.id, assessed.officer.person.id)
    _declare(reviewer, assignment_id, interest=False)
    base = f"/applications/{assessed.application_id}"

    for path in (f"/rounds/{setting.round_id}/panel", f"/rounds/{setting.round_id}/panel/pack",
                 f"/rounds/{setting.round_id}/assignments", f"/rounds/{setting.round_id}/reviewers",
                 f"/rounds/{setting.round_id}/conflicts", f"/rounds/{setting.round_id}/decisions",
                 f"{base}/assessment", f"{base}/decision", f"{base}/moderate", f"{base}/view",
                 f"{base}/application.pdf", *(f"/documents/{d}" for d in assessed.documents)):
        assert reviewer.get(path).status_code in (403, 404), path
    token = csrf_token(reviewer.get("/reviews"))
    assert reviewer.post(f"/assignments/{assignment_id}/remove",
                         data={"csrf_token": token}).status_code in (403, 404)
    assert reviewer.post(f"{base}/reviewers", data={"csrf_token": token,
                                                    "reviewer_id": str(reviewer.person.id)}).status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Assignment, assignment_id) is not None


# Applicants never see reviewers, scores or comments --------------------------------------------


def test_applicants_see_the_feedback_but_never_the_reviewers_names_scores_or_comments(
        app: Flask, setting: Any, assessed: Assessed, make_user: Any, outbox: Outbox) -> None:
    officer = assessed.officer
    zeb = make_user(Role.REVIEWER, name=REVIEWER_NAME)
    reviewed(app, assessed.application_id, zeb.id, officer.person.id, MARKS, comments=COMMENTS, overall=OVERALL,
             recommendation="fund_with_conditions")
    decide(app, assessed.application_id, officer.person.id, feedback=FEEDBACK)
    with app.app_context():
        decision_id = db.session.scalar(select(Decision.id))
    url = f"/rounds/{setting.round_id}/decisions"
    notified = officer.post(url, data={"csrf_token": csrf_token(officer.get(url)), "decisions": [str(decision_id)]})
    assert notified.status_code == 302
    with app.app_context():
        assert db.session.get(Application, assessed.application_id).status == ApplicationStatus.APPROVED
    applicant = assessed.applicant
    base = f"/applications/{assessed.application_id}"

    pages = {path: applicant.get(path) for path in ("/organisation", f"{base}/view", f"{base}/outcome",
                                                    f"{base}/application.pdf")}

    assert {path: r.status_code for path, r in pages.items()} == {path: 200 for path in pages}
    texts = {path: _pdf_text(r.data) if path.endswith(".pdf") else _text(r) for path, r in pages.items()}
    assert FEEDBACK in texts[f"{base}/outcome"]
    assert "Your application has been approved" in texts[f"{base}/outcome"]
    for path in ("/organisation", f"{base}/view"):
        assert f"{base}/outcome" in pages[path].get_data(as_text=True), path  # the way to the feedback
    mail = outbox.last(to=applicant.person.email)
    texts["decision e-mail"] = f"{mail['Subject']} {Outbox.body(mail)}"
    assert f"{base}/outcome" in texts["decision e-mail"]
    for where, text in texts.items():
        for secret in (REVIEWER_NAME, "Quillfeather", *COMMENTS, OVERALL, SCORE, "71.25", "Fund with conditions"):
            assert secret not in text, (where, secret)
        assert "Olive Officer" not in text, where
    # Nor can they open the reviewers' or officers' pages.
    for path in (f"{base}/assessment", "/reviews", f"/rounds/{setting.round_id}/panel"):
        assert applicant.get(path).status_code == 403, path


def test_a_draft_decision_is_not_shown_to_the_applicant(app: Flask, assessed: Assessed, make_user: Any) -> None:
    officer_id = assessed.officer.person.id
    reviewed(app, assessed.application_id, make_user(Role.REVIEWER, name=REVIEWER_NAME).id, officer_id, MARKS)
    decide(app, assessed.application_id, officer_id, feedback=FEEDBACK)

    base = f"/applications/{assessed.application_id}"
    assert assessed.applicant.get(f"{base}/outcome").status_code == 404
    for path in ("/organisation", f"{base}/view"):
        text = _text(assessed.applicant.get(path))
        assert FEEDBACK not in text and "A decision has been made" not in text, path


# Absurd ids ------------------------------------------------------------------------------------


HUGE = ["99999999999999999999", str(2**31), str(2**63), str(2**64)]


@pytest.mark.parametrize("huge", HUGE)
def test_huge_ids_in_reviewer_urls_are_not_found(app: Flask, assessed: Assessed, login_as: Any, huge: str) -> None:
    reviewer = login_as(Role.REVIEWER)
    assignment_id = assign(app, assessed.application_id, reviewer.person.id, assessed.officer.person.id)
    token = csrf_token(reviewer.get("/reviews"))

    for path in (f"/reviews/{huge}", f"/reviews/{huge}/application", f"/reviews/{huge}/score",
                 f"/reviews/{huge}/documents/1", f"/reviews/{assignment_id}/documents/{huge}",
                 f"/reviews/{huge}/documents/{huge}"):
        assert reviewer.get(path).status_code == 404, path
    for path in (f"/reviews/{huge}", f"/reviews/{huge}/score"):
        assert reviewer.post(path, data={"csrf_token": token}).status_code == 404, path


@pytest.mark.parametrize("huge", HUGE)
def test_huge_ids_in_officer_urls_are_not_found(app: Flask, setting: Any, login_as: Any, huge: str) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    token = csrf_token(officer.get(f"/rounds/{setting.round_id}/criteria"))

    for path in (f"/applications/{huge}/assessment", f"/applications/{huge}/decision",
                 f"/applications/{huge}/moderate", f"/applications/{huge}/view", f"/documents/{huge}",
                 f"/rounds/{huge}/panel", f"/rounds/{huge}/assignments", f"/rounds/{huge}/reviewers",
                 f"/rounds/{huge}/conflicts", f"/reviews/{huge}/reopen"):
        assert officer.get(path).status_code == 404, path
    for path in (f"/assignments/{huge}/remove", f"/applications/{huge}/reviewers", f"/rounds/{huge}/assignments",
                 f"/reviews/{huge}/reopen"):
        assert officer.post(path, data={"csrf_token": token}).status_code == 404, path


def test_the_largest_id_a_column_holds_is_simply_not_found(app: Flask, login_as: Any) -> None:
    reviewer = login_as(Role.REVIEWER)
    largest = 2**31 - 1
    assert reviewer.get(f"/reviews/{largest}").status_code == 404
    assert reviewer.get(f"/reviews/{largest}/documents/{largest}").status_code == 404


# The audit log ---------------------------------------------------------------------------------


def _events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                         .order_by(AuditEvent.id)))
        db.session.expunge_all()
        return events


def test_assigning_declaring_and_removing_are_audited_with_who_did_it(app: Flask, setting: Any, assessed: Assessed,
                                                                      login_as: Any) -> None:
    officer = assessed.officer
    application_id = assessed.application_id
    first = login_as(Role.REVIEWER, name="Fay First")
    second = login_as(Role.REVIEWER, name="Sid Second")
    url = f"/rounds/{setting.round_id}/assignments"
    response = officer.post(url, data={"csrf_token": csrf_token(officer.get(url)), "assign": "1",
                                       "applications": [str(application_id)],
                                       "reviewers": [str(first.person.id), str(second.person.id)]})
    assert response.status_code == 302

    assigned = _events(app, "assessment.reviewer_assigned")
    assert [(e.actor_id, e.subject_type, e.subject_id, e.details["reviewer_id"]) for e in assigned] == [
        (officer.person.id, "applications", str(application_id), first.person.id),
        (officer.person.id, "applications", str(application_id), second.person.id)]
    assert all(e.ip for e in assigned)

    with app.app_context():
        ids = {a.reviewer_id: a.id for a in db.session.scalars(select(Assignment))}
    _declare(first, ids[first.person.id], interest=True)
    declared = _events(app, "assessment.interest_declared")
    assert [(e.actor_id, e.subject_type, e.subject_id) for e in declared] == [
        (first.person.id, "applications", str(application_id))]
    assert declared[0].details["declaration"] == Declaration.CONFLICTED
    assert declared[0].details["organisation_id"] == assessed.applicant.organisation_id

    declare(app, ids[second.person.id], interest=False)
    assert [e.details["declaration"] for e in _events(app, "assessment.interest_declared")] == [
        Declaration.CONFLICTED, Declaration.NONE]

    removed = officer.post(f"/assignments/{ids[second.person.id]}/remove",
                           data={"csrf_token": csrf_token(officer.get(url))})
    assert removed.status_code == 302
    assert [(e.actor_id, e.subject_id, e.details["reviewer_id"]) for e in _events(app, "assessment.reviewer_removed")
            ] == [(officer.person.id, str(application_id), second.person.id)]
    # The refused removal of the declared interest leaves no trace of a removal.
    officer.post(f"/assignments/{ids[first.person.id]}/remove", data={"csrf_token": csrf_token(officer.get(url))})
    assert len(_events(app, "assessment.reviewer_removed")) == 1


def test_adding_one_reviewer_from_the_application_page_is_audited(app: Flask, assessed: Assessed,
                                                                  login_as: Any) -> None:
    officer = assessed.officer
    reviewer = login_as(Role.REVIEWER, name="Fay First")
    hub = officer.get(f"/applications/{assessed.application_id}/assessment")

    response = officer.post(f"/applications/{assessed.application_id}/reviewers",
                            data={"csrf_token": csrf_token(hub), "reviewer_id": str(reviewer.person.id)})

    assert response.status_code == 302
    assert [(e.actor_id, e.details["reviewer_id"]) for e in _events(app, "assessment.reviewer_assigned")] == [
        (officer.person.id, reviewer.person.id)]
