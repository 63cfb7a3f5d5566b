"""The grant agreement: its terms as data and as a PDF read back with pypdf."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from pypdf import PdfReader

from sv_grants.applications.models import Application, BudgetLine
from sv_grants.extensions import db
from sv_grants.grants.agreement import Facts, Signature, Table, agreement_pdf, agreement_sections, scale_to_award
from sv_grants.grants.models import Grant

from . import factories

COMMISSIONER = "Durham Police, Crime and Victims' Commissioner"


def render(app: Flask, grant_id: int) -> bytes:
    with app.test_request_context():
        return agreement_pdf(db.session.get(Grant, grant_id), COMMISSIONER, "SV Grants")


def read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def between(text: str, start: str, end: str) -> str:
    assert start in text and end in text, (start, end)
    return text[text.index(start):text.index(end, text.index(start))]


def test_offer_shows_the_award_schedules_conditions_and_targets(app: Flask, setting: Any, make_user: Any) -> None:
    funded = factories.funded(app, setting, make_user, accepted=False)
    with app.app_context():
        reference = db.session.get(Grant, funded.grant_id).reference
    reader, text = read(render(app, funded.grant_id))

    assert reader.metadata.title == f"Grant agreement {reference}"
    assert reader.metadata.author == COMMISSIONER
    assert "Eastside Youth Trust" in reader.metadata.subject
    assert f"Grant agreement {reference}" in text
    assert "Page 1 of" in text

    parties = between(text, "The parties", "The award")
    assert COMMISSIONER in parties and "Eastside Youth Trust" in parties
    assert "1234567" in parties and "1 High Street, Darlington, DL1 1AA" in parties

    award = between(text, "The award", "Purpose of the grant")
    assert "£20,000.00" in award
    assert "1 April 2025 to 31 March 2026" in award

    purpose = between(text, "Purpose of the grant", "Conditions of the award")
    assert "A project" in purpose and "Summary of A project" in purpose

    assert "Share your safeguarding policy review by June." in between(text, "Conditions of the award",
                                                                       "Eligible costs")

    costs = between(text, "Eligible costs", "Outputs and outcomes to report")
    assert "Youth worker" in costs and "scaled in proportion" in costs
    assert "Total £20,000.00" in costs

    targets = between(text, "Outputs and outcomes to report", "Payment schedule")
    assert "Mentoring sessions delivered sessions 40" in targets
    assert "Young people completing the programme people 25" in targets
    assert "Young people reporting feeling safer 70%" in targets

    payments = between(text, "Payment schedule", "Reporting schedule")
    assert "1 When the offer is accepted £10,000.00" in payments
    assert "2 After quarterly return 2 is accepted £5,000.00" in payments
    assert "3 After the final return is accepted £5,000.00" in payments
    assert "Total £20,000.00" in payments
    assert "in arrears of reporting" in payments and "verified bank details" in payments

    reporting = between(text, "Reporting schedule", "Changes to the grant")
    for row in ["Quarterly return 1 (Q1 2025-26) 1 April 2025 to 30 June 2025 31 July 2025",
                "Quarterly return 2 (Q2 2025-26) 1 July 2025 to 30 September 2025 31 October 2025",
                "Quarterly return 3 (Q3 2025-26) 1 October 2025 to 31 December 2025 31 January 2026",
                "Quarterly return 4 (Q4 2025-26) 1 January 2026 to 31 March 2026 30 April 2026",
                "Final return 1 April 2025 to 31 March 2026 30 April 2026"]:
        assert row in reporting

    assert "approved in writing" in between(text, "Changes to the grant", "Recovering the grant")
    clawback = between(text, "Recovering the grant", "Data protection")
    assert "misused" in clawback and "returned to the commissioner" in clawback
    assert "personal data about participants" in between(text, "Data protection", "Acceptance")

    acceptance = text[text.rindex("Acceptance"):]
    with app.app_context():
        accept_by = db.session.get(Grant, funded.grant_id).accept_by
    assert f"Accept online by {accept_by.day} {accept_by:%B %Y}" in acceptance
    assert "Pat Chair" not in acceptance


def test_accepted_agreement_names_who_accepted(app: Flask, setting: Any, make_user: Any) -> None:
    funded = factories.funded(app, setting, make_user, accepted=False)
    factories.accept(app, funded.grant_id, funded.applicant.id)
    _, text = read(render(app, funded.grant_id))
    acceptance = text[text.rindex("Acceptance"):]
    assert "Pat Chair" in acceptance and "Chair of trustees" in acceptance
    assert "Date accepted" in acceptance
    assert "Accept online by" not in acceptance


def test_sections_are_plain_data(app: Flask, setting: Any, make_user: Any) -> None:
    funded = factories.funded(app, setting, make_user, accepted=False)
    with app.app_context():
        grant = db.session.get(Grant, funded.grant_id)
        sections = {section.title: section for section in agreement_sections(grant, COMMISSIONER)}
        acceptance_blocks = sections["Acceptance"].blocks
        assert any(isinstance(block, Signature) and block.labels == ["Name", "Role", "Date"]
                   for block in acceptance_blocks)
        payments = next(b for b in sections["Payment schedule"].blocks if isinstance(b, Table))
        assert [row[2] for row in payments.rows] == ["£10,000.00", "£5,000.00", "£5,000.00"]
        assert payments.total == ["Total", "", "£20,000.00"]
        parties = next(b for b in sections["The parties"].blocks if isinstance(b, Facts))
        assert ("Registered charity number", "1234567") in parties.rows
        # Without a commissioner name, the fund's funder name stands in.
        parties = next(b for b in agreement_sections(grant)[0].blocks if isinstance(b, Facts))
        assert parties.rows[0][1].startswith("The PCC")


def test_scaling_keeps_proportion_and_adds_up_to_the_award() -> None:
    assert scale_to_award([100_00, 200_00, 300_00], 300_00) == [50_00, 100_00, 150_00]
    scaled = scale_to_award([1, 1, 1], 2)
    assert sum(scaled) == 2 and scaled == [1, 1, 0]
    lines = [333_33, 333_33, 333_34, 17_01]
    assert sum(scale_to_award(lines, 500_00)) == 500_00
    assert scale_to_award([], 100) == []


def test_many_budget_lines_run_over_several_pages(app: Flask, setting: Any, make_user: Any) -> None:
    """Sixty lines budgeting £30,000 against a £20,000 award: the table runs over pages with its
    header repeated, and the funded column is scaled to add up to the award."""
    funded = factories.funded(app, setting, make_user, accepted=False)
    long_words = "Sessional youth worker for detached outreach on the estates " * 3
    with app.app_context():
        application = db.session.get(Application, funded.application_id)
        application.budget_lines = [
            BudgetLine(position=n, category="sessional", cost_type="labour",
                       description=f"Line {n:02d} {long_words}"[:200], amount_pence=500_00)
            for n in range(1, 61)]
        db.session.commit()
    reader, text = read(render(app, funded.grant_id))

    assert len(reader.pages) >= 4
    assert f"Page 1 of {len(reader.pages)}" in text
    costs = between(text, "Eligible costs", "Outputs and outcomes to report")
    for n in (1, 30, 60):
        assert f"Line {n:02d}" in costs
    assert "66.7%" in costs
    assert "Total £30,000.00 £20,000.00" in costs
    pages_with_costs = [page.extract_text() for page in reader.pages if "Line " in (page.extract_text() or "")]
    assert len(pages_with_costs) >= 2
    assert all("Budgeted" in page for page in pages_with_costs)  # the header repeats on every page
