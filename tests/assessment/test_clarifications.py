"""Questions from the grants team while checking or assessing: every member of the organisation is
e-mailed, the dashboard asks them to answer, the officer is told of the answer and sees the thread
in order, an answer is given once, and nobody outside the organisation reaches the questions."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.applications.models import Application, ApplicationStatus
from sv_grants.assessment import checks
from sv_grants.assessment.models import Clarification
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role, User
from sv_grants.extensions import db

from ..applications.conftest import applicant  # noqa: F401 - the fixture, used by name below
from ..applications.factories import add_member, other_applicant, submitted
from ..conftest import sign_in
from ..helpers import Outbox, Setting, csrf_token, error_summary, field_error, heading, page, submit_form

FIRST = "Your budget shows a youth worker at 30 hours a week. How many young people will each session reach?"
SECOND = "Is the room hire already agreed with the venue?"
ANSWER_1 = "Twelve young people a session, in two groups of six."
ANSWER_2 = "Yes, the community centre has confirmed the booking."


@pytest.fixture
def application_id(app: Flask, applicant: FlaskClient, setting: Setting) -> int:  # noqa: F811
    return submitted(applicant, app, setting)


@pytest.fixture
def officer(login_as: Any) -> FlaskClient:
    return login_as(Role.GRANTS_OFFICER, name="Olive Officer")


def _ask(officer: FlaskClient, application_id: int, question: str) -> Any:
    return submit_form(officer, f"/applications/{application_id}/questions/new", {"question": question})


def _clarifications(app: Flask, application_id: int) -> list[tuple[int, str, str | None, int | None]]:
    with app.app_context():
        return [(c.id, c.question, c.answer, c.answered_by_id) for c in db.session.scalars(
            select(Clarification).where(Clarification.application_id == application_id).order_by(Clarification.id))]


def _text(response: Any) -> str:
    return " ".join(page(response).get_text().split())


def _answer_url(application_id: int, clarification_id: int) -> str:
    return f"/applications/{application_id}/questions/{clarification_id}"


# The whole exchange ---------------------------------------------------------------------------


def test_a_question_and_its_answer(app: Flask, application_id: int, applicant: FlaskClient,  # noqa: F811
                                   officer: FlaskClient, make_user: Any, outbox: Outbox) -> None:
    with app.app_context():
        organisation_id = db.session.get(Application, application_id).organisation_id
    colleague = make_user(Role.APPLICANT, name="Casey Colleague")
    add_member(app, organisation_id, colleague.id)
    colleague_client = app.test_client()
    sign_in(colleague_client, colleague)
    before = len(outbox.messages())

    asked = _ask(officer, application_id, f"  {FIRST}  ")

    assert asked.status_code == 302
    assert asked.headers["Location"].endswith(f"/applications/{application_id}/assessment")
    [(clarification_id, question, answer, _)] = _clarifications(app, application_id)
    assert (question, answer) == (FIRST, None)
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.clarification_asked"))
        assert event.actor_id == officer.person.id
        assert event.details["clarification_id"] == clarification_id

    # Every member of the organisation is e-mailed, with a link to the questions.
    new = outbox.messages()[before:]
    assert sorted(m["To"] for m in new) == sorted([applicant.person.email, colleague.email])
    for member in (applicant.person.email, colleague.email):
        message = outbox.last(member)
        assert "SVF-2425-0001" in message["Subject"]
        assert outbox.link_in_last(member) == f"/applications/{application_id}/questions"
        assert FIRST not in outbox.body(message)  # the question is read in the service, signed in

    # The officer sees it waiting.
    hub = officer.get(asked.headers["Location"])
    assert "Your question has been sent to the applicant." in _text(hub)
    assert FIRST in _text(hub)
    assert "Waiting for an answer" in _text(hub)

    # Both members' dashboards and the application page ask for an answer.
    for client in (applicant, colleague_client):
        dashboard = client.get("/organisation")
        link = page(dashboard).find("a", href=f"/applications/{application_id}/questions")
        assert link is not None and "Answer the question" in link.get_text()
    shown = applicant.get(f"/applications/{application_id}/view")
    assert "Answer the question" in _text(shown)

    questions = applicant.get(outbox.link_in_last(applicant.person.email))
    assert questions.status_code == 200
    assert heading(questions) == "Questions from the grants team"
    assert FIRST in _text(questions)
    assert page(questions).find("a", href=_answer_url(application_id, clarification_id)) is not None

    # A blank answer is refused beside the field and in the summary.
    blank = submit_form(applicant, _answer_url(application_id, clarification_id), {"answer": "   "})
    assert blank.status_code == 400
    assert error_summary(blank) == ["Enter your answer"]
    assert field_error(blank, "answer") == "Enter your answer"
    assert _clarifications(app, application_id)[0][2] is None

    # The answer is saved, the officer e-mailed.
    before = len(outbox.messages())
    answered = submit_form(applicant, _answer_url(application_id, clarification_id), {"answer": f"{ANSWER_1}\n"})
    assert answered.status_code == 302
    assert answered.headers["Location"].endswith(f"/applications/{application_id}/questions")
    assert _clarifications(app, application_id) == [(clarification_id, FIRST, ANSWER_1, applicant.person.id)]
    [to_officer] = outbox.messages()[before:]
    assert to_officer["To"] == officer.person.email
    assert "SVF-2425-0001" in to_officer["Subject"]
    assert outbox.link_in_last(officer.person.email) == f"/applications/{application_id}/assessment"

    after = applicant.get(answered.headers["Location"])
    assert "Your answer has been sent to the grants team." in _text(after)
    assert ANSWER_1 in _text(after)
    assert "Alex Applicant" in _text(after)
    dashboard = applicant.get("/organisation")
    assert page(dashboard).find("a", href=f"/applications/{application_id}/questions") is None

    hub = officer.get(f"/applications/{application_id}/assessment")
    text = _text(hub)
    assert FIRST in text and ANSWER_1 in text
    assert text.index(FIRST) < text.index(ANSWER_1)
    assert "Answer from Alex Applicant" in text
    assert "Waiting for an answer" not in text


def test_the_thread_keeps_questions_and_answers_in_order(app: Flask, application_id: int,
                                                         applicant: FlaskClient,  # noqa: F811
                                                         officer: FlaskClient) -> None:
    _ask(officer, application_id, FIRST)
    _ask(officer, application_id, SECOND)
    [(first_id, *_), (second_id, *_)] = _clarifications(app, application_id)
    assert first_id < second_id

    # Answered out of order: the thread still reads in the order asked.
    submit_form(applicant, _answer_url(application_id, second_id), {"answer": ANSWER_2})
    hub = _text(officer.get(f"/applications/{application_id}/assessment"))
    assert hub.index(FIRST) < hub.index(SECOND) < hub.index(ANSWER_2)
    assert hub.count("Waiting for an answer") == 1
    dashboard = applicant.get("/organisation")
    assert page(dashboard).find("a", href=f"/applications/{application_id}/questions") is not None

    submit_form(applicant, _answer_url(application_id, first_id), {"answer": ANSWER_1})
    hub = _text(officer.get(f"/applications/{application_id}/assessment"))
    assert hub.index(FIRST) < hub.index(ANSWER_1) < hub.index(SECOND) < hub.index(ANSWER_2)
    questions = _text(applicant.get(f"/applications/{application_id}/questions"))
    assert questions.index("Question 1") < questions.index(FIRST) < questions.index(ANSWER_1) \
        < questions.index("Question 2") < questions.index(SECOND) < questions.index(ANSWER_2)


def test_a_question_is_answered_once(app: Flask, application_id: int, applicant: FlaskClient,  # noqa: F811
                                     officer: FlaskClient, outbox: Outbox) -> None:
    _ask(officer, application_id, FIRST)
    [(clarification_id, *_)] = _clarifications(app, application_id)
    url = _answer_url(application_id, clarification_id)
    form_page = applicant.get(url)
    token = csrf_token(form_page)
    assert applicant.post(url, data={"answer": ANSWER_1, "csrf_token": token}).status_code == 302
    sent = len(outbox.messages())

    # The old tab posts again, and the page itself is no longer offered.
    again = applicant.post(url, data={"answer": "A different answer", "csrf_token": token})
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/applications/{application_id}/questions")
    reopened = applicant.get(url)
    assert reopened.status_code == 302
    assert _clarifications(app, application_id) == [(clarification_id, FIRST, ANSWER_1, applicant.person.id)]
    assert len(outbox.messages()) == sent
    with app.app_context():
        answers = db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "assessment.clarification_answered")).all()
        assert len(answers) == 1


def test_the_service_refuses_a_second_answer(app: Flask, application_id: int, applicant: FlaskClient,  # noqa: F811
                                             officer: FlaskClient) -> None:
    """Two members answering at once: the second to save is refused by the conditional update."""
    _ask(officer, application_id, FIRST)
    [(clarification_id, *_)] = _clarifications(app, application_id)
    with app.test_request_context():
        actor = db.session.get(User, applicant.person.id)
        clarification = db.session.get(Clarification, clarification_id)
        checks.answer(actor, clarification, ANSWER_1)
        db.session.commit()
        with pytest.raises(checks.CheckError, match="already been answered"):
            checks.answer(actor, clarification, "Another answer")
        db.session.rollback()
    assert _clarifications(app, application_id)[0][2] == ANSWER_1


# The officer's form ---------------------------------------------------------------------------


def test_a_blank_question_is_refused(app: Flask, application_id: int, officer: FlaskClient, outbox: Outbox) -> None:
    response = _ask(officer, application_id, "  ")

    assert response.status_code == 400
    assert error_summary(response) == ["Enter your question"]
    assert field_error(response, "question") == "Enter your question"
    assert _clarifications(app, application_id) == []
    assert not [m for m in outbox.messages() if m["Subject"].startswith("A question about")]


def test_no_questions_once_the_application_is_not_eligible(app: Flask, application_id: int,
                                                          officer: FlaskClient) -> None:
    with app.app_context():
        db.session.get(Application, application_id).status = ApplicationStatus.INELIGIBLE
        db.session.commit()

    response = _ask(officer, application_id, FIRST)

    assert response.status_code == 400
    assert field_error(response, "question") == ("You can only ask about an application that is being checked "
                                                 "or assessed")
    assert _clarifications(app, application_id) == []


# Who can reach the questions ------------------------------------------------------------------


def test_another_organisation_cannot_reach_the_questions(app: Flask, application_id: int, setting: Setting,
                                                         applicant: FlaskClient,  # noqa: F811
                                                         officer: FlaskClient, make_user: Any) -> None:
    stranger = other_applicant(app, make_user)
    stranger_application = submitted(stranger, app, setting)
    _ask(officer, application_id, FIRST)
    _ask(officer, stranger_application, SECOND)
    [(mine, *_)] = _clarifications(app, application_id)
    [(theirs, *_)] = _clarifications(app, stranger_application)

    assert stranger.get(f"/applications/{application_id}/questions").status_code == 404
    assert stranger.get(_answer_url(application_id, mine)).status_code == 404
    token = csrf_token(stranger.get(f"/applications/{stranger_application}/questions"))
    posted = stranger.post(_answer_url(application_id, mine), data={"answer": "Not mine", "csrf_token": token})
    assert posted.status_code == 404
    # Their own application in the URL, with a question about someone else's.
    assert stranger.get(_answer_url(stranger_application, mine)).status_code == 404
    posted = stranger.post(_answer_url(stranger_application, mine), data={"answer": "Not mine",
                                                                          "csrf_token": token})
    assert posted.status_code == 404
    # And the applicant, with a question about the stranger's application under their own.
    assert applicant.get(_answer_url(application_id, theirs)).status_code == 404
    assert applicant.get(_answer_url(application_id, theirs + 1000)).status_code == 404

    assert _clarifications(app, application_id)[0][2] is None
    assert _clarifications(app, stranger_application)[0][2] is None
    assert "Not mine" not in _text(officer.get(f"/applications/{application_id}/assessment"))


def test_staff_do_not_answer_and_applicants_do_not_ask(app: Flask, application_id: int,
                                                      applicant: FlaskClient,  # noqa: F811
                                                      officer: FlaskClient, login_as: Any) -> None:
    _ask(officer, application_id, FIRST)
    [(clarification_id, *_)] = _clarifications(app, application_id)
    reviewer = login_as(Role.REVIEWER, name="Rita Reviewer")

    assert officer.get(_answer_url(application_id, clarification_id)).status_code == 403
    assert reviewer.get(f"/applications/{application_id}/questions").status_code == 403
    assert applicant.get(f"/applications/{application_id}/questions/new").status_code == 403
    assert applicant.get(f"/applications/{application_id}/assessment").status_code == 403
