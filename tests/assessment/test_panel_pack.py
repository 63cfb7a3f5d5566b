"""The panel pack PDF, built straight from the panel data (the routes are tested with the pages)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader

from sv_grants.assessment.models import Assignment, Declaration, Review, ReviewStatus, Score
from sv_grants.assessment.pack import pack_sections, panel_pack_pdf
from sv_grants.assessment.panel import panel_for
from sv_grants.auth.models import Role
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Round

from . import factories

DISTINCTIVE = "Mentors already trusted by the schools on the Eastfield estate"


def pdf_pages(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def between(text: str, start: str, end: str) -> str:
    """The part of ``text`` from the heading ``start`` to the heading ``end``."""
    assert start in text and end in text, (start, end)
    return text[text.index(start):text.index(end, text.index(start))]


@dataclass
class Scenario:
    officer_id: int
    references: dict[str, str]  # organisation → reference


@pytest.fixture
def scenario(app: Flask, setting: Any, make_user: Any) -> Scenario:
    """Three assessed applications from three organisations, and a fourth whose reviewer declared
    an interest:

    - SVF-2425-0001 Alpha (P1, £20,000): 75% and 100% from two reviewers → 87.5%, spread 25% (flagged)
    - SVF-2425-0002 Beta (P2, £15,000): 92.5%
    - SVF-2425-0003 Gamma (P1, £12,000): 50%, moderated to 90.0%
    so the ranking is Beta, Gamma, Alpha.
    """
    officer = make_user(Role.GRANTS_OFFICER, name="Olivia Officer")
    rita = make_user(Role.REVIEWER, name="Rita Reviewer")
    sam = make_user(Role.REVIEWER, name="Sam Scorer")
    factories.add_criteria(app, setting.round_id)
    made = {}
    for n, (organisation, pence, priority) in enumerate(
            [("Alpha Youth Trust", 20_000_00, 0), ("Beta Boxing Club", 15_000_00, 1),
             ("Gamma Arts Collective", 12_000_00, 0), ("Delta Community Club", 9_000_00, 2)], start=1):
        made[organisation] = factories.being_assessed(
            app, setting, make_user().id, organisation=organisation, reference=f"SVF-2425-000{n}",
            requested_pence=pence, priority_index=priority, title=f"{organisation.split()[0]} project")
    alpha, beta, gamma, delta = made.values()
    factories.reviewed(app, alpha, rita.id, officer.id, [3, 3, 3, 3, 3], recommendation="fund_with_conditions")
    factories.reviewed(app, alpha, sam.id, officer.id, [4, 4, 4, 4, 4],
                       comments=[DISTINCTIVE, "Clear plan", "Good value", "Strong partners", "Sound governance"],
                       overall="Sam's overall view of Alpha")
    factories.reviewed(app, beta, rita.id, officer.id, [4, 4, 4, 4, 2])
    factories.reviewed(app, gamma, rita.id, officer.id, [2, 2, 2, 2, 2], recommendation="do_not_fund")
    factories.moderate(app, gamma, officer.id, 900, reason="The panel heard new evidence of reach")
    assignment = factories.assign(app, delta, sam.id, officer.id)
    factories.declare(app, assignment, interest=True, details="Trustee of the charity")
    return Scenario(officer.id, {name: f"SVF-2425-000{n}" for n, name in enumerate(made, start=1)})


def build_pack(app: Flask, round_id: int) -> tuple[list[str], bytes]:
    with app.test_request_context():
        panel = panel_for(db.session.get(Round, round_id))
        ranked = [row.application.reference for row in panel.rows]
        return ranked, panel_pack_pdf(panel, "Olivia Officer")


def test_the_ranked_table_follows_the_panel_ranking(app: Flask, setting: Any, scenario: Scenario) -> None:
    ranked, data = build_pack(app, setting.round_id)

    assert ranked == ["SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0001"]  # moderation lifts Gamma above Alpha
    _, pages = pdf_pages(data)
    table = between(" ".join(pages), "Ranked applications", "Totals per priority")
    positions = [table.index(reference) for reference in ranked]
    assert positions == sorted(positions)
    assert "SVF-2425-0004" not in table.split("awaiting a submitted review")[0]  # conflicted, so not scored
    assert "87.5%" in table and "25.0% Flag" in table
    assert "Fund with conditions (1)" in table


def test_the_cover_totals_and_funding_set_show_the_money(app: Flask, setting: Any, scenario: Scenario) -> None:
    _, data = build_pack(app, setting.round_id)

    _, pages = pdf_pages(data)
    text = " ".join(pages)
    assert "Panel pack" in pages[0]
    assert "Generated at" in pages[0] and "by Olivia Officer" in pages[0]
    assert "£500,000" in pages[0]  # the pot, nothing committed yet
    assert "£47,000" in pages[0]  # requested by the three ranked applications
    totals = between(text, "Totals per priority", "Recommended funding set")
    assert "P1: Early intervention 2 £32,000" in totals
    assert "P2: Places 1 £15,000" in totals
    assert "Total 3 £47,000 3 £47,000" in totals
    funding = between(text, "Recommended funding set", "Left out")
    assert "3 of 3 applications" in funding
    assert "£485,000" in funding  # remaining after Beta, the first pick


def test_each_application_shows_scores_comments_and_moderation(app: Flask, setting: Any,
                                                               scenario: Scenario) -> None:
    _, data = build_pack(app, setting.round_id)

    _, pages = pdf_pages(data)
    alpha = next(page for page in pages if "SVF-2425-0001 – Alpha project" in page)
    assert "Alpha Youth Trust" in alpha
    assert "Rita Reviewer" in alpha and "Sam Scorer" in alpha
    assert f"4 – {DISTINCTIVE}" in alpha
    assert "Sam's overall view of Alpha" in alpha
    assert "Criterion 1 (weight 30)" in alpha
    assert "Staff salaries Labour £20,000.00" in alpha
    assert "Spread between reviewers 25.0% Flag" in alpha
    gamma = next(page for page in pages if "SVF-2425-0003 – Gamma project" in page)
    assert "Weighted score 50.0%" in gamma
    assert "Moderated score 90.0%" in gamma
    assert "The panel heard new evidence of reach" in gamma
    assert "Olivia Officer" in gamma


def test_the_pack_has_page_numbers_metadata_and_the_conflicts_register(app: Flask, setting: Any,
                                                                       scenario: Scenario) -> None:
    _, data = build_pack(app, setting.round_id)

    reader, pages = pdf_pages(data)
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert reader.metadata.title == "Panel pack – Serious Violence Prevention Fund Round 1"
    assert reader.metadata.author
    register = pages[-1]
    assert "Conflicts register" in register
    assert "Sam Scorer Delta Community Club SVF-2425-0004 Interest declared Trustee of the charity" in register


def test_user_text_is_escaped_not_read_as_markup(app: Flask, setting: Any, scenario: Scenario) -> None:
    with app.app_context():
        review = db.session.scalars(db.select(Review).where(Review.overall_comment == "Sam's overall view of Alpha")
                                    ).one()
        review.overall_comment = "Costs <b>& benefits</b> unclear <para>"
        db.session.commit()

    _, data = build_pack(app, setting.round_id)

    assert "Costs <b>& benefits</b> unclear <para>" in " ".join(pdf_pages(data)[1])


def test_pack_sections_give_the_page_data_in_rank_order(app: Flask, setting: Any, scenario: Scenario) -> None:
    with app.test_request_context():
        panel = panel_for(db.session.get(Round, setting.round_id))
        pages = pack_sections(panel)

        assert [page.reference for page in pages] == ["SVF-2425-0002", "SVF-2425-0003", "SVF-2425-0001"]
        alpha = pages[2]
        assert alpha.heading == "SVF-2425-0001 – Alpha project"
        assert [column.reviewer for column in alpha.sheet.reviewers] == ["Rita Reviewer", "Sam Scorer"]
        assert [str(score) for score in alpha.reviewer_scores] == ["75", "100"]
        assert alpha.criteria[0].cells[1].text == f"4 – {DISTINCTIVE}"
        assert alpha.budget.labour_pence == 20_000_00 and alpha.budget.non_labour_pence == 0
        assert alpha.priorities[0].is_primary and alpha.priorities[0].code == "P1"
        assert [str(m.score) for m in pages[1].moderations] == ["90"]


def test_a_long_pack_repeats_the_ranked_header_and_wraps_long_comments(app: Flask, setting: Any,
                                                                        make_user: Any) -> None:
    officer = make_user(Role.GRANTS_OFFICER, name="Olivia Officer")
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")
    criterion_ids = factories.add_criteria(app, setting.round_id)
    first = factories.being_assessed(app, setting, make_user().id, reference="SVF-2425-0001")
    organisation_id = factories.organisation_of(app, first)
    ids = [first] + [factories.being_assessed(app, setting, officer.id, organisation_id=organisation_id,
                                              reference=f"SVF-2425-{n:04d}", requested_pence=(5_000 + n * 100) * 100)
                     for n in range(2, 61)]
    long_comment = "A very long comment. " * 230  # about 5,000 characters, longer than a page in a cell
    _score_directly(app, ids, reviewer.id, officer.id, criterion_ids, long_comment)

    ranked, data = build_pack(app, setting.round_id)

    assert len(ranked) == 60
    _, pages = pdf_pages(data)
    ranked_pages = [page for page in pages if "Running total" in page]
    assert len(ranked_pages) >= 2  # the table runs on, and its header came with it
    assert ranked[-1] in ranked_pages[-1]
    assert all("Reviewers recommend" in page for page in ranked_pages)


def _score_directly(app: Flask, application_ids: list[int], reviewer_id: int, officer_id: int,
                    criterion_ids: list[int], long_comment: str) -> None:
    """Submitted reviews written straight to the database: sixty through the service is slow,
    and the scoring rules are not what this test is about. Scores vary so the ranking does."""
    with app.app_context():
        now = clock.now()
        for n, application_id in enumerate(application_ids):
            assignment = Assignment(application_id=application_id, reviewer_id=reviewer_id,
                                    assigned_by_id=officer_id, declaration=Declaration.NONE, declared_at=now)
            comment = long_comment if n == 0 else f"Comment {n}"
            assignment.review = Review(status=ReviewStatus.SUBMITTED, recommendation="fund", submitted_at=now,
                                       overall_comment="Fine", scores=[
                                           Score(criterion_id=c, score=(n + i) % 5, comment=comment)
                                           for i, c in enumerate(criterion_ids)])
            db.session.add(assignment)
        db.session.commit()
