"""The applicant's whole journey through the pages: eligibility, ten sections, check, submit."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from ..helpers import heading, page
from .journey import application, complete_every_section, start_application


def test_an_applicant_completes_every_section_and_submits_with_a_reference(
        app: Flask, applicant: FlaskClient, setting: Any, outbox: Any) -> None:
    application_id = start_application(applicant, applicant.organisation_id, setting.round_id,
                                       setting.priority_ids[0])
    complete_every_section(applicant, app, application_id, applicant.organisation_id, setting.priority_ids,
                           setting.intervention_id)
    task_list = applicant.get(f"/applications/{application_id}")
    assert "You have completed 10 of 10 sections" in task_list.get_data(as_text=True)

    check = applicant.get(f"/applications/{application_id}/check")
    assert heading(check) == "Check your answers before submitting"
    token = page(check).find("input", attrs={"name": "csrf_token"})["value"]
    submitted = applicant.post(f"/applications/{application_id}/submit", data={"csrf_token": token})
    assert submitted.status_code == 302
    confirmation = applicant.get(submitted.headers["Location"])
    saved = application(app, application_id)
    assert saved.reference == "SVF-2425-0001"
    assert saved.requested_pence == 13_500_50
    assert "SVF-2425-0001" in page(confirmation).select_one(".govuk-panel").get_text()
    assert outbox.last(applicant.person.email)["Subject"] == "Application SVF-2425-0001 submitted"
