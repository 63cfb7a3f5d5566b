"""The reviewer's pages: declaring an interest before reading anything, reading the application and
its files, scoring (draft, submit, errors beside the fields), and independence from other reviewers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from sv_grants.applications.models import Application, ApplicationDocument, ApplicationStatus
from sv_grants.assessment.models import Assignment, Declaration, Review, ReviewStatus
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Criterion, Round
from sv_grants.organisations.models import Document

from ..helpers import csrf_token, error_summary, field_error, heading, page, submit_form
from .factories import add_criteria, assign, being_assessed, declare, score

TITLE = "Street mentoring for Darlington"
SCALE = [
    {"score": 0, "label": "Unacceptable", "description": "Does not meet the criterion"},
    {"score": 1, "label": "Weak", "description": "Meets it in a few ways"},
    {"score": 2, "label": "Adequate", "description": "Meets it in most ways"},
    {"score": 3, "label": "Good", "description": "Meets it well"},
    {"score": 4, "label": "Excellent", "description": "Meets it fully, with evidence"},
]


@dataclass
class World:
    application_id: int
    other_application_id: int
    officer_id: int
    criteria: list[int]
    documents: list[int]
    other_documents: list[int]


def _attach_documents(app: Flask, application_id: int) -> list[int]:
    """The organisation's own files attached to the application, as submitting does."""
    with app.app_context():
        application = db.session.get(Application, application_id)
        documents = db.session.scalars(select(Document).where(Document.organisation_id == application.organisation_id)
                                       .order_by(Document.id)).all()
        for document in documents:
            db.session.add(ApplicationDocument(application_id=application_id, document_id=document.id,
                                               kind=document.kind))
        db.session.commit()
        return [document.id for document in documents]


@pytest.fixture
def world(app: Flask, setting: Any, make_user: Any) -> World:
    applicant = make_user(Role.APPLICANT)
    other_applicant = make_user(Role.APPLICANT)
    officer = make_user(Role.GRANTS_OFFICER, name="Olive Officer")
    criteria = add_criteria(app, setting.round_id)
    with app.app_context():
        db.session.get(Round, setting.round_id).score_descriptors = SCALE
        db.session.commit()
    application_id = being_assessed(app, setting, applicant.id, organisation="Eastside Youth Trust", title=TITLE,
                                    requested_pence=12_345_00)
    other_id = being_assessed(app, setting, other_applicant.id, organisation="Westside Boxing Club",
                              reference="SVF-2425-0002", title="Boxing after school")
    return World(application_id, other_id, officer.id, criteria, _attach_documents(app, application_id),
                 _attach_documents(app, other_id))


@pytest.fixture
def reviewer(login_as: Any) -> Any:
    return login_as(Role.REVIEWER, name="Rita Reviewer")


def _assigned(app: Flask, world: World, client: Any) -> int:
    return assign(app, world.application_id, client.person.id, world.officer_id)


def _scores(world: World, marks: list[Any], comments: list[str] | None = None, recommendation: str | None = "fund",
            overall: str = "A strong, well-evidenced project.", button: str = "submit_review") -> dict[str, Any]:
    comments = comments if comments is not None else [f"My reasons for criterion {n}" for n in range(1, 6)]
    data: dict[str, Any] = {button: "Submit review" if button == "submit_review" else "Save as draft",
                            "overall_comment": overall}
    if recommendation is not None:
        data["recommendation"] = recommendation
    for index, (criterion_id, mark, comment) in enumerate(zip(world.criteria, marks, comments, strict=True)):
        data[f"criteria-{index}-criterion_id"] = str(criterion_id)
        data[f"criteria-{index}-comment"] = comment
        if mark is not None:
            data[f"criteria-{index}-score"] = str(mark)
    return data


def _review(app: Flask, assignment_id: int) -> tuple[str, list[int | None], str | None] | None:
    with app.app_context():
        review = db.session.scalar(select(Review).where(Review.assignment_id == assignment_id))
        if review is None:
            return None
        by_criterion = {s.criterion_id: s.score for s in review.scores}
        ordered = [by_criterion[cid] for cid in sorted(by_criterion)]
        return review.status, ordered, review.recommendation


def _text(response: Any) -> str:
    return " ".join(page(response).get_text().split())


def _audit(app: Flask, action: str, actor_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                                AuditEvent.actor_id == actor_id)))


# Your reviews -----------------------------------------------------------------------------------


def test_home_lists_only_your_assignments_with_their_status(app: Flask, world: World, reviewer: Any,
                                                            login_as: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    someone_else = login_as(Role.REVIEWER, name="Sam Else")
    assign(app, world.other_application_id, someone_else.person.id, world.officer_id)

    response = reviewer.get("/reviews")
    assert response.status_code == 200
    rows = [" ".join(tr.get_text().split()) for tr in page(response).select("tbody tr")]
    assert len(rows) == 1
    assert "SVF-2425-0001" in rows[0] and "Eastside Youth Trust" in rows[0] and "Declare interest" in rows[0]
    assert "Westside Boxing Club" not in _text(response)
    assert page(response).find("a", href=f"/reviews/{assignment_id}") is not None

    declare(app, assignment_id)
    assert "Not started" in _text(reviewer.get("/reviews"))
    score(app, assignment_id, [3, None, None, None, None], submit=False)
    assert "Draft" in _text(reviewer.get("/reviews"))
    score(app, assignment_id, [3, 3, 3, 3, 3])
    assert "Submitted" in _text(reviewer.get("/reviews"))


def test_home_with_nothing_assigned(reviewer: Any) -> None:
    response = reviewer.get("/reviews")
    assert response.status_code == 200
    assert "No applications have been assigned to you yet" in _text(response)


def test_reviewer_pages_need_the_reviewer_role(app: Flask, world: World, reviewer: Any, login_as: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    applicant = login_as(Role.APPLICANT)
    assert applicant.get(f"/reviews/{assignment_id}").status_code == 403


# Before declaring ------------------------------------------------------------------------------


def test_before_declaring_only_the_organisation_is_shown(app: Flask, world: World, reviewer: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    response = reviewer.get(f"/reviews/{assignment_id}")
    assert response.status_code == 200
    text = _text(response)
    assert "Eastside Youth Trust" in text
    assert "SVF-2425-0001" in text
    assert TITLE not in text
    assert "Summary of" not in text
    assert "12,345" not in text
    assert "Do you have an interest in this organisation?" in text

    assert reviewer.get(f"/reviews/{assignment_id}/application").status_code == 404
    assert reviewer.get(f"/reviews/{assignment_id}/score").status_code == 404
    assert reviewer.get(f"/reviews/{assignment_id}/documents/{world.documents[0]}").status_code == 404
    token = csrf_token(response)
    posted = reviewer.post(f"/reviews/{assignment_id}/score", data={**_scores(world, [4] * 5), "csrf_token": token})
    assert posted.status_code == 404
    assert _review(app, assignment_id) is None


def test_another_reviewers_assignment_is_not_found(app: Flask, world: World, reviewer: Any, login_as: Any) -> None:
    theirs = assign(app, world.application_id, login_as(Role.REVIEWER).person.id, world.officer_id)
    declare(app, theirs)
    for path in (f"/reviews/{theirs}", f"/reviews/{theirs}/application", f"/reviews/{theirs}/score",
                 f"/reviews/{theirs}/documents/{world.documents[0]}"):
        assert reviewer.get(path).status_code == 404, path
    assert reviewer.get("/reviews/99999").status_code == 404


def test_declaring_needs_an_answer(app: Flask, world: World, reviewer: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    response = submit_form(reviewer, f"/reviews/{assignment_id}", {})
    assert response.status_code == 400
    assert field_error(response, "interest") == "Select whether you have an interest in the organisation"
    assert error_summary(response) == ["Select whether you have an interest in the organisation"]
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).declaration == Declaration.UNDECLARED


# Declaring an interest -------------------------------------------------------------------------


def test_an_interest_needs_details_and_keeps_the_choice(app: Flask, world: World, reviewer: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    response = submit_form(reviewer, f"/reviews/{assignment_id}", {"interest": "yes", "details": "  "})
    assert response.status_code == 400
    assert field_error(response, "details") == "Describe your interest in the organisation"
    assert error_summary(response) == ["Describe your interest in the organisation"]
    assert page(response).find("input", attrs={"name": "interest", "value": "yes"}).has_attr("checked")
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).declaration == Declaration.UNDECLARED


def test_declaring_an_interest_keeps_the_reviewer_out_for_ever(app: Flask, world: World, reviewer: Any,
                                                               login_as: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    # Another reviewer has already submitted scores the conflicted reviewer must never see.
    colleague = login_as(Role.REVIEWER, name="Colin Colleague")
    theirs = assign(app, world.application_id, colleague.person.id, world.officer_id)
    declare(app, theirs)
    score(app, theirs, [4, 4, 4, 4, 4], comments=[f"Colin's secret note {n}" for n in range(5)])

    response = submit_form(reviewer, f"/reviews/{assignment_id}",
                           {"interest": "yes", "details": "My sister is a trustee."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{assignment_id}")

    explained = reviewer.get(f"/reviews/{assignment_id}")
    assert explained.status_code == 200
    assert heading(explained) == "You declared an interest in Eastside Youth Trust"
    text = _text(explained)
    assert "will not see this application" in text and "another reviewer" in text
    assert TITLE not in text and "12,345" not in text and "Colin" not in text

    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment.declaration == Declaration.CONFLICTED
        assert assignment.interest_details == "My sister is a trustee."

    token = csrf_token(reviewer.get("/reviews"))
    for path in (f"/reviews/{assignment_id}/application", f"/reviews/{assignment_id}/score",
                 f"/reviews/{assignment_id}/documents/{world.documents[0]}"):
        assert reviewer.get(path).status_code == 404, path
    posted = reviewer.post(f"/reviews/{assignment_id}/score", data={**_scores(world, [0] * 5), "csrf_token": token})
    assert posted.status_code == 404
    assert _review(app, assignment_id) is None
    # The declaration cannot be taken back by posting again.
    again = reviewer.post(f"/reviews/{assignment_id}", data={"interest": "no", "csrf_token": token})
    assert again.status_code == 200
    assert heading(again) == "You declared an interest in Eastside Youth Trust"
    assert reviewer.get(f"/reviews/{assignment_id}/score").status_code == 404
    assert "Colin's secret note" not in _text(reviewer.get("/reviews"))
    assert "Interest declared" in _text(reviewer.get("/reviews"))


def test_an_interest_in_the_organisation_keeps_out_of_its_other_applications(
        app: Flask, world: World, setting: Any, reviewer: Any) -> None:
    first = _assigned(app, world, reviewer)
    with app.app_context():
        organisation_id = db.session.get(Application, world.application_id).organisation_id
        applicant_id = db.session.get(Application, world.application_id).created_by_id
    second_application = being_assessed(app, setting, applicant_id, organisation_id=organisation_id,
                                        reference="SVF-2425-0003", title="A second project")
    second = assign(app, second_application, reviewer.person.id, world.officer_id)
    declare(app, second)  # no interest in the second one...
    declare(app, first, interest=True, details="I volunteer there.")  # ...but an interest in the organisation

    response = reviewer.get(f"/reviews/{second}")
    assert response.status_code == 200
    assert heading(response) == "You declared an interest in Eastside Youth Trust"
    assert reviewer.get(f"/reviews/{second}/application").status_code == 404
    assert reviewer.get(f"/reviews/{second}/score").status_code == 404


# Declaring no interest -------------------------------------------------------------------------


def test_declaring_no_interest_opens_the_application_and_its_files(app: Flask, world: World, reviewer: Any) -> None:
    assignment_id = _assigned(app, world, reviewer)
    response = submit_form(reviewer, f"/reviews/{assignment_id}", {"interest": "no"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{assignment_id}/score")
    assert reviewer.get(f"/reviews/{assignment_id}").headers["Location"].endswith(f"/reviews/{assignment_id}/score")

    application = reviewer.get(f"/reviews/{assignment_id}/application")
    assert application.status_code == 200
    assert heading(application) == TITLE
    text = _text(application)
    assert "Summary of " + TITLE in text and "£12,345.00" in text
    links = [a["href"] for a in page(application).select("a") if "/documents/" in a["href"]]
    assert sorted(links) == sorted(f"/reviews/{assignment_id}/documents/{d}" for d in world.documents)

    download = reviewer.get(links[0])
    body = download.get_data()
    download.close()  # send_file streams from an open file
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert body.startswith(b"%PDF")

    # A file of another application cannot be fetched through this assignment.
    for document_id in world.other_documents:
        assert reviewer.get(f"/reviews/{assignment_id}/documents/{document_id}").status_code == 404
    assert reviewer.get(f"/reviews/{assignment_id}/documents/99999").status_code == 404
    # Nor through the applicants' and officers' download route.
    assert reviewer.get(f"/documents/{world.documents[0]}").status_code == 403

    assert len(_audit(app, "assessment.interest_declared", reviewer.person.id)) == 1
    event = _audit(app, "assessment.interest_declared", reviewer.person.id)[0]
    assert event.details["declaration"] == Declaration.NONE


# Scoring ---------------------------------------------------------------------------------------


@pytest.fixture
def ready(app: Flask, world: World, reviewer: Any) -> int:
    """The reviewer's assignment, declared free of interest."""
    assignment_id = _assigned(app, world, reviewer)
    declare(app, assignment_id)
    return assignment_id


def test_the_score_page_shows_the_scale_and_each_criterion(app: Flask, world: World, reviewer: Any,
                                                           ready: int) -> None:
    with app.app_context():
        criterion = db.session.get(Criterion, world.criteria[0])
        criterion.descriptors = {**criterion.descriptors, "4": "Clear evidence of local need"}
        db.session.commit()
    response = reviewer.get(f"/reviews/{ready}/score")
    assert response.status_code == 200
    assert heading(response) == "Score this application"
    soup = page(response)
    assert "Meets it fully, with evidence" in _text(response)
    labels = [" ".join(label.get_text().split()) for label in soup.select("label[for^=criteria-0-score]")]
    assert labels == ["0 – Unacceptable", "1 – Weak", "2 – Adequate", "3 – Good", "4 – Excellent"]
    # Each score's hint is the criterion's own descriptor, unless it only repeats the scale's name.
    assert " ".join(soup.find(id="criteria-0-score-5-item-hint").get_text().split()) == "Clear evidence of local need"
    assert soup.find(id="criteria-0-score-4-item-hint") is None
    assert "Guidance 1" in _text(response) and "Weight: 30%" in _text(response)
    legends = [" ".join(legend.get_text().split()) for legend in soup.select("legend")]
    assert "Your score for Criterion 1" in legends
    assert len(soup.find_all("h1")) == 1
    assert soup.find("button", attrs={"name": "save_draft"}) is not None
    assert soup.find("button", attrs={"name": "submit_review"}) is not None


def test_a_draft_keeps_partial_answers(app: Flask, world: World, reviewer: Any, ready: int) -> None:
    data = _scores(world, [3, None, None, None, None], comments=["Clear need", "", "", "", ""], recommendation=None,
                   overall="", button="save_draft")
    response = submit_form(reviewer, f"/reviews/{ready}/score", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/reviews/{ready}/score")
    assert _review(app, ready) == (ReviewStatus.DRAFT, [3, None, None, None, None], None)

    again = reviewer.get(f"/reviews/{ready}/score")
    assert "Your draft has been saved" in _text(again)
    soup = page(again)
    assert soup.find("input", attrs={"name": "criteria-0-score", "value": "3"}).has_attr("checked")
    assert soup.find("textarea", attrs={"name": "criteria-0-comment"}).get_text().strip() == "Clear need"
    assert not any(i.has_attr("checked") for i in soup.find_all("input", attrs={"name": "criteria-1-score"}))
    assert _audit(app, "assessment.review_saved", reviewer.person.id)


def test_submitting_with_a_missing_comment_is_refused_beside_the_field(app: Flask, world: World, reviewer: Any,
                                                                     ready: int) -> None:
    comments = ["One", "Two", "", "Four", "Five"]
    response = submit_form(reviewer, f"/reviews/{ready}/score", _scores(world, [4, 3, 2, 1, 0], comments))
    assert response.status_code == 400
    message = "Enter a comment explaining the score for Criterion 3"
    assert field_error(response, "criteria-2-comment") == message
    assert error_summary(response) == [message]
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#criteria-2-comment"
    # Everything typed is still there.
    soup = page(response)
    assert soup.find("input", attrs={"name": "criteria-0-score", "value": "4"}).has_attr("checked")
    assert soup.find("textarea", attrs={"name": "criteria-3-comment"}).get_text().strip() == "Four"
    assert soup.find("input", attrs={"name": "recommendation", "value": "fund"}).has_attr("checked")
    assert _review(app, ready) is None


def test_submitting_with_a_missing_score_is_refused_beside_the_field(app: Flask, world: World, reviewer: Any,
                                                                   ready: int) -> None:
    response = submit_form(reviewer, f"/reviews/{ready}/score", _scores(world, [4, None, 2, 1, 0]))
    assert response.status_code == 400
    assert field_error(response, "criteria-1-score") == "Select a score for Criterion 2"
    assert error_summary(response) == ["Select a score for Criterion 2"]
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#criteria-1-score"
    assert page(response).find(id="criteria-1-score") is not None  # the link has somewhere to go
    assert _review(app, ready) is None


def test_submitting_everything_missing_lists_every_problem(app: Flask, world: World, reviewer: Any,
                                                           ready: int) -> None:
    response = submit_form(reviewer, f"/reviews/{ready}/score",
                           _scores(world, [None] * 5, [""] * 5, recommendation=None, overall=""))
    assert response.status_code == 400
    problems = error_summary(response)
    assert len(problems) == 12
    assert field_error(response, "recommendation") == "Select your recommendation"
    assert field_error(response, "overall_comment") == "Enter an overall comment"
    assert _review(app, ready) is None


@pytest.mark.parametrize(("posted", "message"), [
    ("7", "Score for Criterion 1 must be between 0 and 4"),
    ("-1", "Score for Criterion 1 must be between 0 and 4"),
    ("x", "Select a score for Criterion 1"),
])
@pytest.mark.parametrize("button", ["submit_review", "save_draft"])
def test_a_score_off_the_scale_is_refused(app: Flask, world: World, reviewer: Any, ready: int, posted: str,
                                          message: str, button: str) -> None:
    data = _scores(world, [posted, 3, 3, 3, 3], button=button)
    response = submit_form(reviewer, f"/reviews/{ready}/score", data)
    assert response.status_code == 400
    assert field_error(response, "criteria-0-score") == message
    assert error_summary(response) == [message]
    soup = page(response)
    comment = soup.find("textarea", attrs={"name": "criteria-0-comment"}).get_text().strip()
    assert comment == "My reasons for criterion 1"
    assert soup.find("input", attrs={"name": "criteria-1-score", "value": "3"}).has_attr("checked")
    assert _review(app, ready) is None


def test_an_unknown_recommendation_is_refused(app: Flask, world: World, reviewer: Any, ready: int) -> None:
    response = submit_form(reviewer, f"/reviews/{ready}/score", _scores(world, [3] * 5, recommendation="maybe"))
    assert response.status_code == 400
    assert field_error(response, "recommendation") == "Select fund, fund with conditions or do not fund"
    assert _review(app, ready) is None


def test_a_full_submission_is_stored_and_becomes_read_only(app: Flask, world: World, reviewer: Any,
                                                           ready: int) -> None:
    response = submit_form(reviewer, f"/reviews/{ready}/score",
                           _scores(world, [4, 3, 2, 1, 0], recommendation="fund_with_conditions"))
    assert response.status_code == 302
    assert _review(app, ready) == (ReviewStatus.SUBMITTED, [4, 3, 2, 1, 0], "fund_with_conditions")
    with app.app_context():
        review = db.session.scalar(select(Review).where(Review.assignment_id == ready))
        assert review.submitted_at is not None
        assert review.overall_comment == "A strong, well-evidenced project."
        assert sorted(s.comment for s in review.scores)[0] == "My reasons for criterion 1"
    events = _audit(app, "assessment.review_submitted", reviewer.person.id)
    assert len(events) == 1
    assert events[0].subject_id == str(world.application_id)

    shown = reviewer.get(f"/reviews/{ready}/score")
    assert shown.status_code == 200
    assert heading(shown) == "Your review"
    text = _text(shown)
    assert "Submitted on" in text
    assert "4 – Excellent" in text and "My reasons for criterion 3" in text and "Fund with conditions" in text
    # (4*30 + 3*20 + 2*20 + 1*15 + 0*15) / 4 = 58.75
    assert "58.8%" in text
    assert page(shown).find("form", id="review-form") is None
    assert page(shown).find("textarea") is None
    assert "No other reviewer has submitted a review of this application yet" in text
    assert "Submitted" in _text(reviewer.get("/reviews"))


def test_posting_after_submitting_is_refused_and_changes_nothing(app: Flask, world: World, reviewer: Any,
                                                                 ready: int) -> None:
    assert submit_form(reviewer, f"/reviews/{ready}/score", _scores(world, [4, 3, 2, 1, 0])).status_code == 302
    token = csrf_token(reviewer.get("/reviews"))
    for button in ("submit_review", "save_draft"):
        response = reviewer.post(f"/reviews/{ready}/score",
                                 data={**_scores(world, [0, 0, 0, 0, 0], button=button), "csrf_token": token})
        assert response.status_code == 400
        assert "You have already submitted this review" in " ".join(error_summary(response))
        assert page(response).title.get_text().startswith("Error: ")
    # Even an incomplete post is told the review is submitted, not that it is incomplete.
    response = reviewer.post(f"/reviews/{ready}/score",
                             data={**_scores(world, [None] * 5, [""] * 5), "csrf_token": token})
    assert response.status_code == 400
    assert "You have already submitted this review" in " ".join(error_summary(response))
    assert _review(app, ready) == (ReviewStatus.SUBMITTED, [4, 3, 2, 1, 0], "fund")
    assert len(_audit(app, "assessment.review_submitted", reviewer.person.id)) == 1


def test_a_withdrawn_application_cannot_be_scored(app: Flask, world: World, reviewer: Any, ready: int) -> None:
    form_page = reviewer.get(f"/reviews/{ready}/score")
    with app.app_context():
        db.session.get(Application, world.application_id).status = ApplicationStatus.WITHDRAWN
        db.session.commit()
    shown = reviewer.get(f"/reviews/{ready}/score")
    assert shown.status_code == 200
    assert "no longer being assessed" in _text(shown)
    assert page(shown).find("form", id="review-form") is None
    response = reviewer.post(f"/reviews/{ready}/score",
                             data={**_scores(world, [4] * 5), "csrf_token": csrf_token(form_page)})
    assert response.status_code == 409
    assert "no longer being assessed" in " ".join(error_summary(response))
    assert _review(app, ready) is None


def test_a_page_opened_before_the_criteria_changed_is_not_saved(app: Flask, world: World, reviewer: Any,
                                                                ready: int) -> None:
    data = _scores(world, [4] * 5)
    data["criteria-0-criterion_id"] = str(world.criteria[1])
    response = submit_form(reviewer, f"/reviews/{ready}/score", data)
    assert response.status_code == 409
    assert "criteria changed" in " ".join(error_summary(response))
    assert _review(app, ready) is None


# Independence ----------------------------------------------------------------------------------


def test_other_reviewers_scores_are_hidden_until_you_submit(app: Flask, world: World, reviewer: Any, ready: int,
                                                           login_as: Any) -> None:
    colleague = login_as(Role.REVIEWER, name="Beatrice Colleague")
    theirs = assign(app, world.application_id, colleague.person.id, world.officer_id)
    declare(app, theirs)
    score(app, theirs, [1, 1, 1, 1, 1], comments=[f"Beatrice thinks {n} is thin" for n in range(5)],
          overall="Beatrice's overall view", recommendation="do_not_fund")

    # Reviewer A has a draft: nothing of B's review anywhere on A's pages.
    assert submit_form(reviewer, f"/reviews/{ready}/score",
                       _scores(world, [3, None, None, None, None], button="save_draft")).status_code == 302
    for path in ("/reviews", f"/reviews/{ready}/score", f"/reviews/{ready}/application"):
        text = _text(reviewer.get(path))
        assert "Beatrice" not in text, path
        assert "is thin" not in text, path
        assert "Other reviewers' scores" not in text, path

    # After A submits, B's review appears with its comments; B's draft-free page is unchanged.
    assert submit_form(reviewer, f"/reviews/{ready}/score", _scores(world, [3] * 5)).status_code == 302
    shown = reviewer.get(f"/reviews/{ready}/score")
    text = _text(shown)
    assert "Other reviewers' scores" in text
    assert "Beatrice Colleague" in text
    assert "Beatrice thinks 2 is thin" in text and "Beatrice's overall view" in text
    assert "Do not fund" in text and "1 – Weak" in text


def test_a_colleagues_draft_is_never_shown(app: Flask, world: World, reviewer: Any, ready: int,
                                           login_as: Any) -> None:
    colleague = login_as(Role.REVIEWER, name="Dora Drafter")
    theirs = assign(app, world.application_id, colleague.person.id, world.officer_id)
    declare(app, theirs)
    score(app, theirs, [2, 2, 2, 2, 2], comments=["Dora's unfinished thought"] * 5, submit=False)
    assert submit_form(reviewer, f"/reviews/{ready}/score", _scores(world, [3] * 5)).status_code == 302
    text = _text(reviewer.get(f"/reviews/{ready}/score"))
    assert "Dora" not in text
    assert "No other reviewer has submitted a review of this application yet" in text


def test_the_conflicted_reviewers_submitted_scores_are_impossible(app: Flask, world: World, reviewer: Any,
                                                                  login_as: Any) -> None:
    """A conflicted colleague never scored, so only real reviews appear to a reviewer who submitted."""
    mine = _assigned(app, world, reviewer)
    declare(app, mine)
    conflicted = login_as(Role.REVIEWER, name="Connie Conflicted")
    theirs = assign(app, world.application_id, conflicted.person.id, world.officer_id)
    declare(app, theirs, interest=True, details="Former employee")
    assert submit_form(reviewer, f"/reviews/{mine}/score", _scores(world, [3] * 5)).status_code == 302
    text = _text(reviewer.get(f"/reviews/{mine}/score"))
    assert "Connie" not in text and "Former employee" not in text
