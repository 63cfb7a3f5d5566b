"""The panel's numbers on worked examples: weighted score, spread between reviewers, the moderation
flag and the moderated score; first as pure arithmetic, then loaded from the database and shown on
the officer's assessment page.

The worked example used throughout (weights 30/20/20/15/15, scores 0 to 4):

    reviewer A [4, 3, 2, 1, 0] → 30·4/4 + 20·3/4 + 20·2/4 + 15·1/4 + 15·0/4
                               = 30 + 15 + 10 + 3.75 + 0               = 58.75  (235/4)
    reviewer B [2, 2, 2, 2, 2] → 100·2/4                               = 50     (50/1)
    weighted (mean score per criterion: 3, 2.5, 2, 1.5, 1)
                               → 30·3/4 + 20·2.5/4 + 20·2/4 + 15·1.5/4 + 15·1/4
                               = 22.5 + 12.5 + 10 + 5.625 + 3.75       = 54.375 (435/8), shown "54.4%"
    spread                     → 58.75 - 50                            = 8.75   (35/4), shown "8.8%"
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from sv_grants.applications.models import Application
from sv_grants.assessment import reviews
from sv_grants.assessment.models import Assignment, Review, ReviewStatus, Score
from sv_grants.assessment.results import result_for, results_for
from sv_grants.assessment.scoring import (
    ReviewerMarks,
    hundredths,
    percent,
    result_of,
    reviewer_score,
    rounded,
    weighted_score,
)
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Round

from ..helpers import page
from . import factories

WEIGHTS = {1: 30, 2: 20, 3: 20, 4: 15, 5: 15}
MAXIMUM = 4


def marks(reviewer: str, scores: list[int | None], submitted: bool = True) -> ReviewerMarks:
    return ReviewerMarks(reviewer, submitted, dict(zip(WEIGHTS, scores, strict=True)))


A = marks("A", [4, 3, 2, 1, 0])
B = marks("B", [2, 2, 2, 2, 2])


# Pure arithmetic ---------------------------------------------------------------------------------


def test_each_reviewer_score_is_the_weighted_percentage_of_their_own_marks() -> None:
    # 30 + 15 + 10 + 3.75 + 0 = 58.75
    assert reviewer_score(WEIGHTS, A.scores, MAXIMUM) == Fraction(235, 4)
    # every criterion half marks: 50
    assert reviewer_score(WEIGHTS, B.scores, MAXIMUM) == Fraction(50)
    # a criterion left unscored counts as zero: [4, None, 4, None, 4] → 30 + 0 + 20 + 0 + 15 = 65
    assert reviewer_score(WEIGHTS, marks("C", [4, None, 4, None, 4]).scores, MAXIMUM) == Fraction(65)


def test_worked_example_weighted_score_spread_and_flag() -> None:
    result = result_of(WEIGHTS, [A, B], MAXIMUM, threshold=5)

    assert result.weighted == Fraction(435, 8)  # 54.375, exactly
    assert result.weighted == (Fraction(235, 4) + 50) / 2  # the same as the mean of the two reviewers
    assert result.by_reviewer == (("A", Fraction(235, 4)), ("B", Fraction(50)))
    assert result.spread == Fraction(35, 4)  # 58.75 - 50 = 8.75
    assert result.flagged  # 8.75 > 5
    assert result.moderated is None
    assert result.effective == Fraction(435, 8)
    assert (result.submitted, result.expected) == (2, 2)
    assert result.is_assessed
    assert percent(result.weighted) == "54.4%"
    assert percent(result.spread) == "8.8%"

    assert not result_of(WEIGHTS, [A, B], MAXIMUM, threshold=10).flagged  # 8.75 is not more than 10
    assert result_of(WEIGHTS, [A, B], MAXIMUM, threshold=8).flagged  # but it is more than 8


def test_a_reviewer_who_has_not_submitted_is_left_out_of_every_number() -> None:
    # C's draft of all zeros would pull the mean down to 36.25 and the spread up to 58.75 if it counted.
    draft = marks("C", [0, 0, 0, 0, 0], submitted=False)

    result = result_of(WEIGHTS, [A, draft, B], MAXIMUM, threshold=10)

    assert result.weighted == Fraction(435, 8)
    assert result.by_reviewer == (("A", Fraction(235, 4)), ("B", Fraction(50)))
    assert result.spread == Fraction(35, 4)
    assert not result.flagged
    assert (result.submitted, result.expected) == (2, 3)  # 2 of 3 reviews are in
    assert weighted_score(WEIGHTS, [A, draft, B], MAXIMUM) == Fraction(435, 8)


def test_a_moderated_score_becomes_the_effective_score_and_the_weighted_score_stays() -> None:
    result = result_of(WEIGHTS, [A, B], MAXIMUM, threshold=5, moderated_tenths=725)

    assert result.moderated == Fraction(145, 2)  # 725 tenths = 72.5
    assert result.effective == Fraction(145, 2)
    assert result.weighted == Fraction(435, 8)  # still 54.375
    assert result.spread == Fraction(35, 4) and result.flagged  # moderation does not hide the disagreement
    assert percent(result.effective) == "72.5%"
    assert hundredths(result.effective) == 7250

    # A moderated score of 0 is a score, not "no moderation".
    zero = result_of(WEIGHTS, [A, B], MAXIMUM, threshold=5, moderated_tenths=0)
    assert zero.moderated == 0 and zero.effective == 0


def test_a_spread_exactly_at_the_threshold_is_not_flagged() -> None:
    # D [4, 3, 2, 1, 4] = 58.75 + 15·4/4 = 73.75; the spread from A's 58.75 is exactly 15.
    d = marks("D", [4, 3, 2, 1, 4])
    assert reviewer_score(WEIGHTS, d.scores, MAXIMUM) == Fraction(295, 4)

    at = result_of(WEIGHTS, [A, d], MAXIMUM, threshold=15)
    assert at.spread == 15
    assert not at.flagged  # more than the threshold is flagged, not "at least"
    assert result_of(WEIGHTS, [A, d], MAXIMUM, threshold=14).flagged


def test_one_reviewer_has_no_spread_and_is_never_flagged() -> None:
    result = result_of(WEIGHTS, [A, marks("C", [0, 0, 0, 0, 0], submitted=False)], MAXIMUM, threshold=0)

    assert result.weighted == Fraction(235, 4)
    assert result.spread is None
    assert not result.flagged  # even with a threshold of 0
    assert (result.submitted, result.expected) == (1, 2)


def test_no_submitted_review_means_not_scored() -> None:
    result = result_of(WEIGHTS, [marks("C", [4, 4, 4, 4, 4], submitted=False)], MAXIMUM, threshold=0)

    assert result.weighted is None and result.effective is None
    assert not result.is_assessed
    assert result.by_reviewer == () and result.spread is None and not result.flagged
    assert percent(result.weighted) == "Not scored"
    assert result_of(WEIGHTS, [], MAXIMUM, threshold=20).weighted is None


def test_fractions_stay_exact_until_shown() -> None:
    # One criterion worth 100, scored 2 of 3 by one reviewer and 1 of 3 by another.
    one = {7: 100}
    result = result_of(one, [ReviewerMarks("X", True, {7: 2}), ReviewerMarks("Y", True, {7: 1})], 3, threshold=50)
    assert result.weighted == 50  # (200/3 + 100/3) / 2, exactly: no 66.67 + 33.33 drift
    assert result.spread == Fraction(100, 3)
    assert percent(result.spread) == "33.3%"
    assert percent(Fraction(200, 3)) == "66.7%"
    assert hundredths(Fraction(200, 3)) == 6667


@pytest.mark.parametrize(("value", "shown"), [
    (Fraction(435, 8), "54.4%"),   # 54.375
    (Fraction(45, 4), "11.3%"),    # 11.25, a true half: half up gives 11.3 (round-half-even would give 11.2)
    (Fraction(49, 4), "12.3%"),    # 12.25, likewise
    (Fraction(35, 4), "8.8%"),     # 8.75
    (Fraction(1249, 100), "12.5%"),
    (Fraction(0), "0.0%"),
    (Fraction(100), "100.0%"),
])
def test_percent_rounds_half_up_to_one_place(value: Fraction, shown: str) -> None:
    assert percent(value) == shown


def test_rounded_and_hundredths_round_half_up() -> None:
    assert str(rounded(Fraction(435, 8), 2)) == "54.38"  # 54.375 → 54.38
    assert hundredths(Fraction(435, 8)) == 5438
    assert hundredths(Fraction(45, 4)) == 1125
    assert hundredths(Fraction(1, 800)) == 0   # 0.00125
    assert hundredths(Fraction(1, 200)) == 1   # 0.005, a half, goes up


# Through the database ----------------------------------------------------------------------------


@dataclass
class Scored:
    application_id: int
    officer: Any
    criteria: list[int]


@pytest.fixture
def scored(app: Flask, setting: Any, make_user: Any, login_as: Any) -> Scored:
    """The worked example stored: Ann (A's marks) and Ben (B's) submitted; Cat saved a draft of
    zeros; Dan declared an interest (and, to prove it is not read, a submitted review of zeros is
    written under his assignment straight into the database)."""
    officer = login_as(Role.GRANTS_OFFICER, name="Olive Officer")
    criteria = factories.add_criteria(app, setting.round_id, (30, 20, 20, 15, 15))
    application_id = factories.being_assessed(app, setting, make_user(Role.APPLICANT).id)
    reviewers = {name: make_user(Role.REVIEWER, name=name).id
                 for name in ("Ann Reviewer", "Ben Reviewer", "Cat Drafter", "Dan Conflicted")}
    factories.reviewed(app, application_id, reviewers["Ann Reviewer"], officer.person.id, [4, 3, 2, 1, 0])
    factories.reviewed(app, application_id, reviewers["Ben Reviewer"], officer.person.id, [2, 2, 2, 2, 2])
    draft = factories.assign(app, application_id, reviewers["Cat Drafter"], officer.person.id)
    factories.declare(app, draft)
    factories.score(app, draft, [0, 0, 0, 0, 0], submit=False)
    conflicted = factories.assign(app, application_id, reviewers["Dan Conflicted"], officer.person.id)
    factories.declare(app, conflicted, interest=True, details="Trustee of the charity")
    with app.app_context():
        review = Review(assignment_id=conflicted, status=ReviewStatus.SUBMITTED, recommendation="do_not_fund",
                        submitted_at=clock.now())
        review.scores = [Score(criterion_id=c, score=0, comment="Should not count") for c in criteria]
        db.session.add(review)
        db.session.commit()
    return Scored(application_id, officer, criteria)


def _set_threshold(app: Flask, round_id: int, threshold: int) -> None:
    with app.app_context():
        db.session.get(Round, round_id).moderation_threshold_percent = threshold
        db.session.commit()


def test_results_from_the_database_count_only_submitted_reviews_of_unconflicted_reviewers(
        app: Flask, setting: Any, scored: Scored) -> None:
    with app.app_context():
        application = db.session.get(Application, scored.application_id)
        states = {a.reviewer.name: (a.declaration, a.review.status if a.review else None) for a in
                  db.session.scalars(select(Assignment).where(Assignment.application_id == application.id))}
        assert states["Cat Drafter"] == ("none", "draft")
        assert states["Dan Conflicted"] == ("conflicted", "submitted")

        result = result_for(application)

    assert result.weighted == Fraction(435, 8)
    assert result.by_reviewer == (("Ann Reviewer", Fraction(235, 4)), ("Ben Reviewer", Fraction(50)))
    assert result.spread == Fraction(35, 4)
    assert not result.flagged  # the round's default threshold is 20
    assert result.moderated is None
    assert result.submitted == 2
    assert result.expected == 3  # Ann, Ben and Cat; Dan declared an interest and is not expected to score


def test_results_for_many_applications_and_the_round_threshold(app: Flask, setting: Any, make_user: Any,
                                                                scored: Scored) -> None:
    # A second application with one reviewer, [4, 4, 4, 4, 4] → 100%; and one nobody has scored.
    other = factories.being_assessed(app, setting, make_user(Role.APPLICANT).id, organisation="Westside Club",
                                     reference="SVF-2425-0002")
    unscored = factories.being_assessed(app, setting, make_user(Role.APPLICANT).id, organisation="Northside Club",
                                        reference="SVF-2425-0003")
    factories.reviewed(app, other, make_user(Role.REVIEWER, name="Eve Reviewer").id, scored.officer.person.id,
                       [4, 4, 4, 4, 4])
    _set_threshold(app, setting.round_id, 8)

    with app.app_context():
        round_ = db.session.get(Round, setting.round_id)
        results = results_for(round_, [db.session.get(Application, i) for i in (scored.application_id, other,
                                                                               unscored)])

    assert results[scored.application_id].weighted == Fraction(435, 8)
    assert results[scored.application_id].flagged  # 8.75 > 8
    assert results[other].weighted == 100 and results[other].spread is None and not results[other].flagged
    assert results[unscored].weighted is None and not results[unscored].is_assessed
    assert (results[unscored].submitted, results[unscored].expected) == (0, 0)


def test_a_stored_moderation_is_the_effective_score(app: Flask, scored: Scored) -> None:
    factories.moderate(app, scored.application_id, scored.officer.person.id, 725, reason="Panel discussion")
    factories.moderate(app, scored.application_id, scored.officer.person.id, 700, reason="Second thoughts")

    with app.app_context():
        result = result_for(db.session.get(Application, scored.application_id))

    assert result.moderated == 70  # the newest moderation counts
    assert result.effective == 70
    assert result.weighted == Fraction(435, 8)


def _summary(response: Any) -> dict[str, str]:
    """The score summary list on the officer's page: key → value."""
    rows = {}
    for row in page(response).select(".govuk-summary-list__row"):
        key, value = row.select_one(".govuk-summary-list__key"), row.select_one(".govuk-summary-list__value")
        if key and value:
            rows[" ".join(key.get_text().split())] = " ".join(value.get_text().split())
    return rows


def test_officer_assessment_page_shows_the_scores(app: Flask, setting: Any, scored: Scored) -> None:
    url = f"/applications/{scored.application_id}/assessment"
    response = scored.officer.get(url)
    assert response.status_code == 200
    summary = _summary(response)
    assert summary["Weighted score"] == "54.4% from 2 submitted reviews"
    assert summary["Spread between reviewers"] == "8.8%"
    assert summary["Moderated score"] == "Not moderated"
    assert "Spread above threshold" not in response.get_data(as_text=True)

    # Each submitted reviewer's column and own weighted score; not the draft's, not the conflicted one's.
    sheet = page(response).find("caption", string="Scores by criterion and reviewer").find_parent("table")
    headers = [" ".join(th.get_text().split()) for th in sheet.select("thead th")]
    assert headers == ["Criterion (weight)", "Ann Reviewer", "Ben Reviewer"]
    weighted_row = sheet.find("th", string="Reviewer's weighted score").find_parent("tr")
    assert [td.get_text(strip=True) for td in weighted_row.select("td")] == ["58.8%", "50.0%"]
    assert "Should not count" not in response.get_data(as_text=True)

    _set_threshold(app, setting.round_id, 5)
    flagged = scored.officer.get(url)
    assert _summary(flagged)["Spread between reviewers"] == "8.8% Spread above threshold"
    tag = page(flagged).find("strong", string="Spread above threshold")
    assert tag is not None and "govuk-tag--red" in tag["class"]

    factories.moderate(app, scored.application_id, scored.officer.person.id, 725, reason="The panel agreed 72.5")
    moderated = scored.officer.get(url)
    summary = _summary(moderated)
    assert summary["Weighted score"] == "54.4% from 2 submitted reviews"  # kept beside the moderated score
    assert summary["Moderated score"] == "72.5%"
    history = page(moderated).find("caption", string="Moderation history").find_parent("table")
    assert "72.5%" in history.get_text() and "The panel agreed 72.5" in history.get_text()
    assert "Olive Officer" in history.get_text()


def test_the_scoring_service_refuses_a_withdrawn_application_and_a_submitted_review(
        app: Flask, setting: Any, make_user: Any) -> None:
    officer = make_user(Role.GRANTS_OFFICER)
    reviewer = make_user(Role.REVIEWER)
    applicant = make_user(Role.APPLICANT)
    factories.add_criteria(app, setting.round_id, (50, 50))
    application_id = factories.being_assessed(app, setting, applicant.id)
    submitted_id = factories.reviewed(app, application_id, reviewer.id, officer.id, [4, 4])

    with app.test_request_context():
        assignment = db.session.get(Assignment, submitted_id)
        incomplete = {c.id: reviews.Marks(None, "") for c in assignment.application.round.criteria}
        with pytest.raises(reviews.ReviewError, match="already submitted"):
            reviews.save(assignment.reviewer, assignment, incomplete, None, "", submit=True)
        db.session.rollback()
        db.session.get(Application, application_id).status = "withdrawn"
        db.session.commit()
        assignment = db.session.get(Assignment, submitted_id)
        with pytest.raises(reviews.ReviewError, match="no longer being assessed"):
            reviews.save(assignment.reviewer, assignment, incomplete, None, "", submit=False)
