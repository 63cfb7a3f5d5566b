"""A submitted return downloads as a PDF holding the figures entered, for the organisation and the
grants officer."""

from __future__ import annotations

import io

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from ..grants.factories import Funded
from .conftest import first_return_id
from .factories import CASE_STUDY, complete, profile_of, submit


def _text(response: object) -> str:
    reader = PdfReader(io.BytesIO(response.data))  # type: ignore[attr-defined]
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_the_return_pdf_holds_the_figures_entered(app: Flask, grant: Funded, member: FlaskClient,
                                                  officer: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    [profile] = profile_of(app, return_id)
    complete(app, grant.applicant.id, return_id, quantities=(17, 4), participants=23, spent=[profile + 100_000_00],
             explanation="We bought the minibus in the first quarter.")
    submit(app, grant.applicant.id, return_id)

    response = member.get(f"/your-grants/{grant.grant_id}/returns/{return_id}/return.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "GR-SVF-2425-0001-return-1.pdf" in response.headers["Content-Disposition"]
    text = _text(response)
    for expected in ("Quarter 1 2025-26 return: GR-SVF-2425-0001", "Eastside Youth Trust",
                     "1 April 2025 to 30 June 2025", "31 July 2025",
                     "Mentoring sessions delivered 17 17 40 sessions", "Young people completing the programme 4 4 25",
                     "New participants this quarter: 23", "15 to 17 23", "Darlington 23",
                     "Young people reporting feeling safer 70% 55% so far Survey",
                     "£4,986.30", "£104,986.30", "We bought the minibus in the first quarter.", "Green: on track",
                     CASE_STUDY[:40]):
        assert expected in text, expected
    officer_copy = officer.get(f"/grants/{grant.grant_id}/returns/{return_id}/return.pdf")
    assert officer_copy.status_code == 200
    assert "Mentoring sessions delivered 17 17 40 sessions" in _text(officer_copy)
