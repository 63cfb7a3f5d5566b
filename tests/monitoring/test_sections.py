"""Filling in a return's sections: the task list, save and come back later, and every kind of bad
answer refused with a clear message, what was typed kept and nothing already saved lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from sv_grants.applications.models import PlannedOutput
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.monitoring.models import MonitoringReturn

from ..assessment.factories import being_assessed
from ..conftest import sign_in
from ..grants.factories import Funded
from ..helpers import Setting, error_summary, field_error, heading, page, submit_form
from .conftest import first_return_id, return_url
from .factories import complete, grant_items, returns_of, submit, travel_to_day

REACH_OK = {"new_participants": "10",
            "age_band__10_14": "4", "age_band__15_17": "6",
            "sex__female": "3", "sex__male": "7",
            "area__E06000005": "10",
            "cohort__at_risk": "9", "cohort__not_known": "1"}


def _section(grant: Funded, return_id: int, key: str) -> str:
    return return_url(grant, return_id, f"/sections/{key}")


def _stored(app: Flask, return_id: int) -> MonitoringReturn:
    with app.app_context():
        found = db.session.get(MonitoringReturn, return_id)
        db.session.expunge(found)
        return found


def _value(response: Any, field_id: str) -> str:
    field = page(response).find(id=field_id)
    return field.get("value", "") if field else ""


def _output_rows(app: Flask, grant: Funded, quantities: list[str]) -> dict[str, str]:
    outputs, _, _ = grant_items(app, grant.grant_id)
    data = {}
    for index, (output_id, quantity) in enumerate(zip(outputs, quantities, strict=True)):
        data[f"rows-{index}-planned_id"] = str(output_id)
        data[f"rows-{index}-quantity"] = quantity
    return data


def test_the_task_list_shows_five_sections_and_saving_one_completes_it(app: Flask, grant: Funded,
                                                                       member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)

    task_list = member.get(return_url(grant, return_id))
    assert heading(task_list) == "Quarter 1 2025-26 return"
    assert "due by 31 July 2025" in page(task_list).get_text()
    titles = [" ".join(t.get_text().split()) for t in page(task_list).select(".govuk-task-list__name-and-hint")]
    assert titles == ["1. Outputs delivered", "2. Participants reached", "3. Outcomes", "4. Spend to date",
                      "5. Progress and case study"]

    saved = submit_form(member, _section(grant, return_id, "outputs"), _output_rows(app, grant, ["12", "5"]))

    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(return_url(grant, return_id))
    stored = _stored(app, return_id)
    assert stored.status == "draft"
    assert stored.sections == {"outputs": "completed"}
    with app.app_context():
        assert sorted(a.quantity for a in db.session.get(MonitoringReturn, return_id).output_actuals) == [5, 12]


def test_save_and_come_back_later_keeps_a_partial_answer_in_progress(app: Flask, grant: Funded,
                                                                     member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)

    saved = submit_form(member, _section(grant, return_id, "outputs"),
                        {**_output_rows(app, grant, ["12", ""]), "save_draft": "Save and come back later"})

    assert saved.status_code == 302
    assert _stored(app, return_id).sections == {"outputs": "in_progress"}
    again = member.get(_section(grant, return_id, "outputs"))
    assert _value(again, "rows-0-quantity") == "12"
    # Completing it needs every figure.
    refused = submit_form(member, _section(grant, return_id, "outputs"), _output_rows(app, grant, ["12", ""]))
    assert refused.status_code == 400
    assert error_summary(refused) == [
        "Enter how many people were delivered this quarter for Young people completing the programme"]


def test_reach_breakdowns_that_do_not_add_up_are_named_with_the_difference(app: Flask, grant: Funded,
                                                                           member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    answers = {**REACH_OK, "age_band__10_14": "2", "area__E06000005": "11", "area__not_known": "1"}

    response = submit_form(member, _section(grant, return_id, "reach"), answers)

    assert response.status_code == 400
    age = "The age band breakdown adds up to 8, which is 2 participants fewer than the 10 new participants"
    area = "The area breakdown adds up to 12, which is 2 participants more than the 10 new participants"
    assert error_summary(response) == [age, area]
    assert field_error(response, "age_band__under_10") == age  # beside the breakdown's first field
    assert field_error(response, "area__E06000047") == area
    links = [a["href"] for a in page(response).select(".govuk-error-summary__list a")]
    assert links == ["#age_band__under_10", "#area__E06000047"]
    assert _value(response, "age_band__10_14") == "2"  # what was typed is kept
    assert _value(response, "new_participants") == "10"
    assert _stored(app, return_id).new_participants is None  # and nothing was saved
    assert _stored(app, return_id).sections == {}

    fixed = submit_form(member, _section(grant, return_id, "reach"), REACH_OK)
    assert fixed.status_code == 302
    stored = _stored(app, return_id)
    assert (stored.new_participants, stored.sections) == (10, {"reach": "completed"})


def test_negative_non_numeric_and_huge_counts_are_refused_clearly(app: Flask, grant: Funded,
                                                                  member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    answers = {**REACH_OK, "new_participants": "-3", "sex__female": "three", "cohort__at_risk": "1" + "0" * 30}

    response = submit_form(member, _section(grant, return_id, "reach"), answers)

    assert response.status_code == 400
    assert field_error(response, "new_participants") == "The number of new participants must be 0 or more"
    assert field_error(response, "sex__female") == "Female (sex) must be a whole number, like 12"
    assert field_error(response, "cohort__at_risk") == \
        "At risk of involvement in violence (cohort) must be 1,000,000 or fewer"
    assert _value(response, "sex__female") == "three"

    outputs = submit_form(member, _section(grant, return_id, "outputs"),
                          _output_rows(app, grant, ["9" * 40, "²"]))
    assert outputs.status_code == 400
    assert error_summary(outputs) == [
        "The number for Mentoring sessions delivered must be 1,000,000 or fewer",
        "The number for Young people completing the programme must be a whole number, like 12"]


def test_an_output_of_another_grant_is_refused_and_nothing_saved_is_lost(
        app: Flask, grant: Funded, member: FlaskClient, setting: Setting, make_user: Any) -> None:
    return_id = first_return_id(app, grant)
    assert submit_form(member, _section(grant, return_id, "outputs"),
                       _output_rows(app, grant, ["12", "5"])).status_code == 302
    other = make_user(Role.APPLICANT)
    other_application = being_assessed(app, setting, other.id, organisation="Westside Boxing Club",
                                       reference="SVF-2425-0099")
    with app.app_context():
        foreign = PlannedOutput(application_id=other_application, position=1, measure="Boxing sessions",
                                unit="sessions", target=10, priority_id=setting.priority_ids[0])
        db.session.add(foreign)
        db.session.commit()
        foreign_id = foreign.id

    tampered = {**_output_rows(app, grant, ["30", "40"]), "rows-1-planned_id": str(foreign_id)}
    response = submit_form(member, _section(grant, return_id, "outputs"), tampered)

    assert response.status_code == 400
    assert field_error(response, "rows-1-quantity") == \
        "This output is not part of this grant. Reload the page and enter the figures again"
    with app.app_context():
        assert sorted(a.quantity for a in db.session.get(MonitoringReturn, return_id).output_actuals) == [5, 12]
    # Nonsense ids are refused the same way, never with a crash.
    for bad in ("abc", "-1", "9" * 40, ""):
        response = submit_form(member, _section(grant, return_id, "outputs"),
                               {**_output_rows(app, grant, ["30", "40"]), "rows-0-planned_id": bad})
        assert response.status_code == 400, bad
        assert "not part of this grant" in field_error(response, "rows-0-quantity")


def _spend(app: Flask, grant: Funded, spent: str, explanation: str = "") -> dict[str, str]:
    _, _, lines = grant_items(app, grant.grant_id)
    [(line_id, _)] = lines
    return {"rows-0-planned_id": str(line_id), "rows-0-spent": spent, "rows-0-explanation": explanation}


def test_spend_more_than_ten_percent_off_the_profile_needs_an_explanation(app: Flask, grant: Funded,
                                                                          member: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    url = _section(grant, return_id, "spend")
    # £20,000 over 365 days; 91 of them by 30 June 2025: a profile of £4,986.30.
    assert "£4,986.30" in page(member.get(url)).get_text()

    over = submit_form(member, url, _spend(app, grant, "5600"))
    assert over.status_code == 400
    assert field_error(over, "rows-0-explanation") == \
        "Explain why spend on Youth worker is more than 10% above its profile of £4,986.30"
    under = submit_form(member, url, _spend(app, grant, "4,400.50"))
    assert field_error(under, "rows-0-explanation") == \
        "Explain why spend on Youth worker is more than 10% below its profile of £4,986.30"
    assert _value(under, "rows-0-spent") == "4,400.50"

    within = submit_form(member, url, _spend(app, grant, "5400"))  # 8% over: no reason needed
    assert within.status_code == 302
    explained = submit_form(member, url, _spend(app, grant, "5600", "We bought the laptops early."))
    assert explained.status_code == 302
    with app.app_context():
        [line] = db.session.get(MonitoringReturn, return_id).spend_lines
        assert (line.spent_pence, line.profile_pence, line.explanation) == (5_600_00, 4_986_30,
                                                                            "We bought the laptops early.")


def test_bad_amounts_of_spend_are_refused(app: Flask, grant: Funded, member: FlaskClient) -> None:
    url = _section(grant, first_return_id(app, grant), "spend")
    for typed, message in [("-5", "The amount spent on Youth worker must be £0 or more"),
                           ("lots", "The amount spent on Youth worker must be an amount of money in pounds, "
                                    "like 1500 or 1500.50"),
                           ("1" + "0" * 30, "The amount spent on Youth worker must be £100,000,000 or less")]:
        response = submit_form(member, url, _spend(app, grant, typed))
        assert response.status_code == 400
        assert field_error(response, "rows-0-spent") == message
    assert submit_form(member, url, _spend(app, grant, "0", "Staff start in August")).status_code == 302


def _narrative(**changes: str) -> dict[str, str]:
    return {"progress": "Twelve sessions ran.", "challenges": "None this quarter.",
            "case_study": "A young person who had been excluded now attends every week.",
            "safeguarding_incidents": "0", "rag": "green", **changes}


def test_the_narrative_refuses_contact_details_that_could_identify_someone(app: Flask, grant: Funded,
                                                                           member: FlaskClient) -> None:
    url = _section(grant, first_return_id(app, grant), "narrative")
    form = member.get(url)
    assert "no names, dates of birth, addresses, schools" in page(form).get_text()

    phone = submit_form(member, url, _narrative(case_study="Her mum asked us to ring 07700 900123 with news."))
    assert phone.status_code == 400
    assert field_error(phone, "case_study") == \
        "Remove the phone number from the case study. A return must not include anything that could identify someone"
    email = submit_form(member, url, _narrative(progress="Contact jo.bloggs@example.org for the register."))
    assert field_error(email, "progress") == ("Remove the email address from the progress update. A return must "
                                              "not include anything that could identify someone")
    landline = submit_form(member, url, _narrative(challenges="The centre on (01325) 380 651 closed."))
    assert "phone number" in field_error(landline, "challenges")
    incidents = submit_form(member, url, _narrative(safeguarding_incidents="-1", rag="purple"))
    assert field_error(incidents, "safeguarding_incidents") == "The number of safeguarding incidents must be 0 or more"
    assert field_error(incidents, "rag") == "Select from the options shown"

    assert submit_form(member, url, _narrative(progress="Sessions for 120 young people, budget £12,000 in 2025")
                       ).status_code == 302


def test_a_return_cannot_be_started_before_its_period(app: Flask, grant: Funded, member: FlaskClient) -> None:
    later = returns_of(app, grant.grant_id)[1]  # July to September 2025: open from 1 July...
    assert member.get(return_url(grant, later.id)).status_code == 200
    third = returns_of(app, grant.grant_id)[2]  # ...October to December is not yet
    task_list = member.get(return_url(grant, third.id))
    assert "You can start this return from 1 October 2025" in page(task_list).get_text()
    blocked = member.get(_section(grant, third.id, "outputs"))
    assert blocked.status_code == 302
    assert blocked.headers["Location"].endswith(return_url(grant, third.id))


def test_the_final_return_asks_for_outcomes_spend_and_narrative_only(app: Flask, grant: Funded,
                                                                     member: FlaskClient) -> None:
    final = returns_of(app, grant.grant_id)[-1]
    assert "You can start this return from 1 January 2026" in page(member.get(return_url(grant, final.id))).get_text()

    travel_to_day(date(2026, 1, 5))
    sign_in(member, grant.applicant)
    task_list = member.get(return_url(grant, final.id))
    titles = [" ".join(t.get_text().split()) for t in page(task_list).select(".govuk-task-list__name-and-hint")]
    assert titles == ["1. Outcomes", "2. Spend to date", "3. Progress and case study"]
    assert member.get(_section(grant, final.id, "outputs")).status_code == 404
    assert member.get(_section(grant, final.id, "reach")).status_code == 404
    # The final return's profile is the whole line.
    assert "£20,000.00" in page(member.get(_section(grant, final.id, "spend"))).get_text()


def test_every_page_of_a_return_renders(app: Flask, grant: Funded, member: FlaskClient,
                                        officer: FlaskClient) -> None:
    return_id = first_return_id(app, grant)
    for key in ("outputs", "reach", "outcomes", "spend", "narrative"):
        assert member.get(_section(grant, return_id, key)).status_code == 200, key
    complete(app, grant.applicant.id, return_id)
    checked = member.get(return_url(grant, return_id, "/check"))
    assert "Now send your return" in page(checked).get_text()
    change_links = [a["href"] for a in page(checked).find_all("a") if a.get_text().startswith("Change")]
    assert change_links[0] == _section(grant, return_id, "outputs") + "?return=check"
    submit(app, grant.applicant.id, return_id)
    shown = member.get(return_url(grant, return_id, "/view"))
    assert "The grants team will review this return" in page(shown).get_text()
    assert member.get(f"/your-grants/{grant.grant_id}/returns").status_code == 200
    listed = officer.get("/returns")
    assert "Quarter 1 2025-26 return" in page(listed).get_text()
    review = officer.get(f"/grants/{grant.grant_id}/returns/{return_id}")
    text = " ".join(page(review).get_text().split())
    assert "Mentoring sessions delivered 12 12 (30%) 40 sessions" in text
    assert "£4,986.30" in text


def test_a_blank_narrative_lists_every_answer_still_needed(app: Flask, grant: Funded, member: FlaskClient) -> None:
    response = submit_form(member, _section(grant, first_return_id(app, grant), "narrative"), {})

    assert response.status_code == 400
    assert error_summary(response) == [
        "Enter the progress made this period", "Enter the challenges you faced, or say there were none",
        "Enter an anonymised case study", "Enter the number of safeguarding incidents, or 0 if there were none",
        "Select green, amber or red"]
