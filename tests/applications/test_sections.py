"""The ten section pages an applicant fills in: what each refuses and says, what it keeps, and
what it saves (``sv_grants/applications/section_routes.py`` and ``forms.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.applications.models import Application, ApplicationPriority, ApplicationSection
from sv_grants.extensions import db
from sv_grants.funds.models import Fund, Priority
from sv_grants.organisations.models import DocumentKind

from ..helpers import error_summary, field_error, page
from .journey import documents_of_kind, save_section, section_url, start_application, valid_sections

# Looking at pages and the database -----------------------------------------------------------------


def shown(response: Any, name: str) -> Any:
    """What the re-rendered page shows for the field ``name``: a text box's value, a text area's text,
    the chosen option of a select, the ticked values of radios or checkboxes, or a date's three parts."""
    soup = page(response)
    textarea = soup.find("textarea", attrs={"name": name})
    if textarea is not None:
        return textarea.get_text().strip()
    dropdown = soup.find("select", attrs={"name": name})
    if dropdown is not None:
        chosen = dropdown.find("option", selected=True)
        return chosen["value"] if chosen else ""
    inputs = soup.find_all("input", attrs={"name": name})
    assert inputs, f"no field named {name} on the page"
    if inputs[0].get("type") in ("checkbox", "radio"):
        return [box["value"] for box in inputs if box.has_attr("checked")]
    if len(inputs) > 1:
        return [box.get("value", "") for box in inputs]
    return inputs[0].get("value", "")


def task_statuses(response: Any) -> dict[str, str]:
    """Each task-list section's title (without its number) and status, as the applicant reads them."""
    statuses = {}
    for item in page(response).select(".govuk-task-list__item"):
        title = " ".join(item.select_one(".govuk-task-list__name-and-hint").get_text().split())
        statuses[title.split(". ", 1)[1]] = " ".join(item.select_one(".govuk-task-list__status").get_text().split())
    return statuses


def legends(response: Any, starting: str) -> list[str]:
    return [" ".join(legend.get_text().split()) for legend in page(response).select("legend")
            if legend.get_text().strip().startswith(starting)]


def words(count: int) -> str:
    return " ".join(["word"] * count)


def section_state(app: Flask, application_id: int, key: str) -> tuple[str, int]:
    with app.app_context():
        section = db.session.scalar(select(ApplicationSection).where(
            ApplicationSection.application_id == application_id, ApplicationSection.key == key))
        return section.status, section.version


def saved(app: Flask, application_id: int, read: Any) -> Any:
    """``read(application)`` with the saved application and its lines loaded."""
    with app.app_context():
        return read(db.session.get(Application, application_id))


def saved_budget(app: Flask, application_id: int) -> tuple[int | None, list[tuple[str, str, int]]]:
    return saved(app, application_id, lambda a: (
        a.requested_pence, [(line.category, line.cost_type, line.amount_pence) for line in a.budget_lines]))


def other_fund_priority(app: Flask) -> int:
    with app.app_context():
        fund = Fund(slug="other-fund", name="Another Fund", funder_name="Someone else",
                    financial_year="2024/25", total_pence=100_000_00, status="open")
        fund.priorities = [Priority(code="X1", title="Somewhere else", position=1)]
        db.session.add(fund)
        db.session.commit()
        return fund.priorities[0].id


def post_with_version(client: FlaskClient, application_id: int, key: str, data: dict[str, Any],
                      version: str) -> Any:
    form_page = client.get(section_url(application_id, key))
    token = page(form_page).find("input", attrs={"name": "csrf_token"})["value"]
    return client.post(section_url(application_id, key),
                       data={**data, "version": version, "csrf_token": token, "save": "y"})


def assert_refused(response: Any, field_id: str, message: str) -> None:
    """The message is shown beside the field and in the error summary, and nothing is saved."""
    assert response.status_code == 400
    assert field_error(response, field_id) == message
    assert message in error_summary(response)


@pytest.fixture
def application_id(applicant: FlaskClient, setting: Any) -> int:
    return start_application(applicant, applicant.organisation_id, setting.round_id, setting.priority_ids[0])


@pytest.fixture
def answers(app: Flask, applicant: FlaskClient, setting: Any) -> dict[str, Any]:
    return valid_sections(app, applicant.organisation_id, setting.priority_ids, setting.intervention_id)


# Required answers: said beside the field and in the summary, with the rest kept ---------------------


def required_cases(app: Flask, applicant: FlaskClient, setting: Any) -> dict[str, dict[str, Any]]:
    """For each section: a part-filled form, the messages expected beside fields, what is kept."""
    first, second = setting.priority_ids[:2]
    constitution = str(documents_of_kind(app, applicant.organisation_id, DocumentKind.CONSTITUTION))
    return {
        "about": {
            "data": {"title": "", "summary": "", "description": "Weekly mentoring in Darlington."},
            "errors": {"title": "Enter the title of your project", "summary": "Enter a summary of your project"},
            "kept": {"description": "Weekly mentoring in Darlington."}},
        "priorities": {
            "data": {f"how_{second}": "We work in hot spots."},
            "errors": {"addresses": "Select at least one priority", "primary": "Select the main priority"},
            "kept": {f"how_{second}": "We work in hot spots.", f"how_{first}": ""}},
        "reach": {
            "data": {"people_expected": "120", "referral_routes": "Schools and youth justice.",
                     "delivery_places": "Darlington town centre"},
            "errors": {"age_bands": "Select the ages the project will work with",
                       "gender_focus": "Select who the project is for",
                       "delivery_areas": "Select where the project will be delivered"},
            "kept": {"people_expected": "120", "referral_routes": "Schools and youth justice.",
                     "delivery_places": "Darlington town centre"}},
        "approach": {
            "data": {"evidence": "The Toolkit rates it moderate."},
            "errors": {"intervention_type": "Select the type of intervention",
                       "approach_reason": "Enter why you have chosen this approach"},
            "kept": {"evidence": "The Toolkit rates it moderate."}},
        "outputs": {
            "data": {"outputs-0-measure": "Mentoring sessions delivered", "outputs-0-unit": "",
                     "outputs-0-target": "400", "outputs-0-priority": str(first)},
            "errors": {"outputs-0-unit": "Enter the unit for output 1, like sessions",
                       "outcomes-0-indicator": "Enter at least one planned outcome"},
            "kept": {"outputs-0-measure": "Mentoring sessions delivered", "outputs-0-target": "400",
                     "outputs-0-priority": str(first)}},
        "budget": {
            "data": {"lines-0-category": "staff", "lines-0-description": "Mentor salary", "lines-0-amount": ""},
            "errors": {"lines-0-amount": "Enter the amount for budget line 1, like 1500"},
            "kept": {"lines-0-category": "staff", "lines-0-description": "Mentor salary"}},
        "delivery": {
            "data": {"start_date": ["", "", ""], "end_date": ["31", "3", "2026"],
                     "risks": "Staff turnover: we train two."},
            "errors": {"start_date": "Enter the start date",
                       "milestones": "Enter the main milestones and when you will reach them"},
            "kept": {"end_date": ["31", "3", "2026"], "risks": "Staff turnover: we train two."}},
        "safeguarding": {
            "data": {"dbs_checks": "all"},
            "errors": {"policy": "Select your safeguarding policy",
                       "lead_confirmed": "Confirm who your safeguarding lead is"},
            "kept": {"dbs_checks": ["all"]}},
        "documents": {
            "data": {"constitution": constitution},
            "errors": {"accounts": "Select your latest accounts"},
            "kept": {"constitution": [constitution]}},
        "declaration": {
            "data": {"declaration_name": "Alex Applicant", "declaration_role": ""},
            "errors": {"declaration_role": "Enter your role in the organisation",
                       "confirmations": "Confirm each statement in the declaration"},
            "kept": {"declaration_name": "Alex Applicant"}},
    }


@pytest.mark.parametrize("key", ["about", "priorities", "reach", "approach", "outputs", "budget", "delivery",
                                 "safeguarding", "documents", "declaration"])
def test_a_missing_answer_is_named_beside_its_field_and_in_the_summary_and_the_other_answers_stay(
        app: Flask, applicant: FlaskClient, setting: Any, application_id: int, key: str) -> None:
    case = required_cases(app, applicant, setting)[key]
    response = save_section(applicant, application_id, key, case["data"])

    assert response.status_code == 400
    summary = error_summary(response)
    for field_id, message in case["errors"].items():
        assert field_error(response, field_id) == message, field_id
        assert message in summary, f"{message!r} missing from the summary {summary}"
    for name, value in case["kept"].items():
        assert shown(response, name) == value, name
    assert section_state(app, application_id, key) == ("not_started", 0)


# About the project ------------------------------------------------------------------------------------


def test_a_title_over_100_characters_is_refused(applicant: FlaskClient, application_id: int,
                                                answers: dict[str, Any]) -> None:
    response = save_section(applicant, application_id, "about", {**answers["about"], "title": "T" * 101})
    assert_refused(response, "title", "Project title must be 100 characters or fewer")
    assert shown(response, "title") == "T" * 101


def test_a_summary_of_101_words_is_refused_but_100_words_is_accepted(
        app: Flask, applicant: FlaskClient, application_id: int, answers: dict[str, Any]) -> None:
    too_long = save_section(applicant, application_id, "about", {**answers["about"], "summary": words(101)})
    assert_refused(too_long, "summary", "Summary must be 100 words or fewer")
    assert shown(too_long, "summary") == words(101)

    just_right = save_section(applicant, application_id, "about", {**answers["about"], "summary": words(100)})
    assert just_right.status_code == 302
    assert saved(app, application_id, lambda a: a.summary) == words(100)


def test_a_description_of_501_words_is_refused(applicant: FlaskClient, application_id: int,
                                               answers: dict[str, Any]) -> None:
    response = save_section(applicant, application_id, "about", {**answers["about"], "description": words(501)})
    assert_refused(response, "description", "Full description must be 500 words or fewer")


def test_word_limited_answers_carry_the_govuk_live_word_count(applicant: FlaskClient, application_id: int) -> None:
    soup = page(applicant.get(section_url(application_id, "about")))
    counts = {box.find("textarea")["name"]: box for box in soup.select(".govuk-character-count")}
    assert counts["summary"]["data-module"] == "govuk-character-count"
    assert counts["summary"]["data-maxwords"] == "100"
    assert counts["description"]["data-maxwords"] == "500"


# Priorities -------------------------------------------------------------------------------------------


def test_choosing_no_priority_is_refused(applicant: FlaskClient, application_id: int) -> None:
    response = save_section(applicant, application_id, "priorities", {"primary": ""})
    assert_refused(response, "addresses", "Select at least one priority")


def test_the_main_priority_must_be_one_of_those_selected(applicant: FlaskClient, setting: Any,
                                                         application_id: int) -> None:
    first, _, third, _ = setting.priority_ids
    response = save_section(applicant, application_id, "priorities", {
        "addresses": [str(first)], "primary": str(third), f"how_{first}": "Early help."})
    assert_refused(response, "primary", "The main priority must be one of the priorities you selected")
    assert shown(response, f"how_{first}") == "Early help."


def test_each_selected_priority_needs_how_the_project_addresses_it(applicant: FlaskClient, setting: Any,
                                                                   application_id: int) -> None:
    first, second = setting.priority_ids[:2]
    response = save_section(applicant, application_id, "priorities", {
        "addresses": [str(first), str(second)], "primary": str(first), f"how_{first}": "Early help."})
    assert_refused(response, f"how_{second}", "Enter how the project addresses P2")


def test_how_a_priority_is_addressed_is_limited_to_250_words(applicant: FlaskClient, setting: Any,
                                                             application_id: int) -> None:
    first = setting.priority_ids[0]
    response = save_section(applicant, application_id, "priorities", {
        "addresses": [str(first)], "primary": str(first), f"how_{first}": words(251)})
    assert response.status_code == 400
    assert field_error(response, f"how_{first}").endswith("must be 250 words or fewer")


def test_saved_priorities_have_exactly_one_main_priority(app: Flask, applicant: FlaskClient, setting: Any,
                                                         application_id: int, answers: dict[str, Any]) -> None:
    first, second = setting.priority_ids[:2]
    data = {**answers["priorities"], "primary": str(second)}
    assert save_section(applicant, application_id, "priorities", data).status_code == 302

    with app.app_context():
        rows = db.session.scalars(select(ApplicationPriority).where(
            ApplicationPriority.application_id == application_id)).all()
        chosen = {row.priority_id: (row.is_primary, row.how) for row in rows}
    assert chosen == {first: (False, "We reach young people early."), second: (True, "We work in hot spots.")}


# Budget -----------------------------------------------------------------------------------------------


def budget(*lines: tuple[str, str, str]) -> dict[str, str]:
    data = {}
    for number, (category, description, amount) in enumerate(lines):
        data.update({f"lines-{number}-category": category, f"lines-{number}-description": description,
                     f"lines-{number}-amount": amount})
    return data


@pytest.mark.parametrize("typed", ["£1,500", "1500", "1500.00"])
def test_an_amount_typed_in_any_usual_way_is_stored_in_pence(app: Flask, applicant: FlaskClient,
                                                             application_id: int, typed: str) -> None:
    data = budget(("staff", "Mentor salary", typed), ("venue", "Room hire", "£1,000"))
    assert save_section(applicant, application_id, "budget", data).status_code == 302
    assert saved_budget(app, application_id) == (250_000, [("staff", "labour", 150_000),
                                                           ("venue", "non_labour", 100_000)])


@pytest.mark.parametrize(("typed", "message"), [
    ("-50", "The amount for budget line 1 must be more than £0"),
    ("0", "The amount for budget line 1 must be more than £0"),
    ("12.345", "The amount for budget line 1 must not have more than 2 decimal places, like 1500.50"),
    ("abc", "The amount for budget line 1 must be an amount of money in pounds, like 1500"),
])
def test_an_amount_that_is_not_money_is_refused(applicant: FlaskClient, application_id: int,
                                                typed: str, message: str) -> None:
    response = save_section(applicant, application_id, "budget", budget(("staff", "Mentor salary", typed)))
    assert_refused(response, "lines-0-amount", message)
    assert shown(response, "lines-0-amount") == typed


def test_an_absurdly_large_amount_is_refused_with_the_most_allowed(applicant: FlaskClient,
                                                                   application_id: int) -> None:
    response = save_section(applicant, application_id, "budget",
                            budget(("staff", "Mentor salary", "99999999999")))
    assert response.status_code == 400
    message = field_error(response, "lines-0-amount")
    assert message.startswith("The amount for budget line 1 must be £")
    assert message.endswith(" or less")
    assert message in error_summary(response)


def test_a_budget_line_without_an_amount_is_refused(applicant: FlaskClient, application_id: int) -> None:
    response = save_section(applicant, application_id, "budget", budget(("staff", "Mentor salary", "")))
    assert_refused(response, "lines-0-amount", "Enter the amount for budget line 1, like 1500")


@pytest.mark.parametrize(("amount", "total"), [("1999.99", "£1,999.99"), ("50000.01", "£50,000.01")])
def test_a_total_outside_the_rounds_limits_is_refused(app: Flask, applicant: FlaskClient, application_id: int,
                                                      amount: str, total: str) -> None:
    response = save_section(applicant, application_id, "budget", budget(("staff", "Mentor salary", amount)))
    assert_refused(response, "lines-0-amount", f"The total, {total}, must be between £2,000 and £50,000")
    assert saved_budget(app, application_id) == (None, [])


def test_staff_costs_are_labour_and_the_amount_requested_is_the_sum_of_the_lines(
        app: Flask, applicant: FlaskClient, application_id: int) -> None:
    data = budget(("staff", "Mentor salary", "£12,000"), ("sessional", "Sessional youth workers", "3000"),
                  ("venue", "Room hire", "1500.50"), ("equipment", "Kit", "99.99"))
    assert save_section(applicant, application_id, "budget", data).status_code == 302
    requested, lines = saved_budget(app, application_id)
    assert lines == [("staff", "labour", 12_000_00), ("sessional", "labour", 3_000_00),
                     ("venue", "non_labour", 1_500_50), ("equipment", "non_labour", 99_99)]
    assert requested == sum(amount for _, _, amount in lines) == 16_600_49


def test_adding_a_budget_line_without_javascript_keeps_what_was_typed_and_saves_nothing(
        app: Flask, applicant: FlaskClient, application_id: int) -> None:
    data = budget(("staff", "Mentor salary", "£12,000"))
    response = save_section(applicant, application_id, "budget", data, button="add_line")

    assert response.status_code == 200
    assert legends(response, "Budget line") == ["Budget line 1", "Budget line 2"]
    assert [shown(response, name) for name in data] == ["staff", "Mentor salary", "£12,000"]
    assert shown(response, "lines-1-description") == ""
    assert section_state(app, application_id, "budget") == ("not_started", 0)
    assert saved_budget(app, application_id) == (None, [])


def test_removing_the_first_budget_line_renumbers_the_rest_and_saves_nothing(
        app: Flask, applicant: FlaskClient, application_id: int) -> None:
    data = budget(("staff", "Mentor salary", "£12,000"), ("venue", "Room hire", "1500.50"))
    response = save_section(applicant, application_id, "budget", {**data, "remove_lines": "0"}, button="_")

    assert response.status_code == 200
    assert legends(response, "Budget line") == ["Budget line 1"]
    assert shown(response, "lines-0-category") == "venue"
    assert shown(response, "lines-0-description") == "Room hire"
    assert shown(response, "lines-0-amount") == "1500.50"
    assert page(response).find(attrs={"name": "lines-1-description"}) is None
    assert section_state(app, application_id, "budget") == ("not_started", 0)
    assert saved_budget(app, application_id) == (None, [])


# Outputs and outcomes ---------------------------------------------------------------------------------


def outputs(setting: Any, **changes: str) -> dict[str, str]:
    return {"outputs-0-measure": "Mentoring sessions delivered", "outputs-0-unit": "sessions",
            "outputs-0-target": "400", "outputs-0-priority": str(setting.priority_ids[0]),
            "outcomes-0-indicator": "% feeling safer", "outcomes-0-target": "70%", **changes}


def test_an_output_without_a_target_is_refused(applicant: FlaskClient, setting: Any,
                                               application_id: int) -> None:
    response = save_section(applicant, application_id, "outputs", outputs(setting, **{"outputs-0-target": ""}))
    assert_refused(response, "outputs-0-target", "Enter the target for output 1, like 40")
    assert shown(response, "outputs-0-measure") == "Mentoring sessions delivered"


def test_an_output_target_in_words_is_refused(applicant: FlaskClient, setting: Any, application_id: int) -> None:
    response = save_section(applicant, application_id, "outputs",
                            outputs(setting, **{"outputs-0-target": "ten"}))
    assert_refused(response, "outputs-0-target",
                   "The target for output 1 must be a whole number between 1 and 1,000,000")
    assert shown(response, "outputs-0-target") == "ten"


def test_an_output_without_a_priority_is_refused(applicant: FlaskClient, setting: Any,
                                                 application_id: int) -> None:
    response = save_section(applicant, application_id, "outputs",
                            outputs(setting, **{"outputs-0-priority": ""}))
    assert_refused(response, "outputs-0-priority", "Select the priority output 1 counts towards")


def test_save_and_continue_needs_at_least_one_output_and_one_outcome(applicant: FlaskClient,
                                                                     application_id: int) -> None:
    blank_rows = {f"outputs-0-{name}": "" for name in ("measure", "unit", "target", "priority")}
    blank_rows |= {"outcomes-0-indicator": "", "outcomes-0-target": ""}
    response = save_section(applicant, application_id, "outputs", blank_rows)
    assert_refused(response, "outputs-0-measure", "Enter at least one planned output")
    assert_refused(response, "outcomes-0-indicator", "Enter at least one planned outcome")


def test_adding_an_output_without_javascript_keeps_what_was_typed(app: Flask, applicant: FlaskClient,
                                                                  setting: Any, application_id: int) -> None:
    response = save_section(applicant, application_id, "outputs", outputs(setting), button="add_output")
    assert response.status_code == 200
    assert legends(response, "Output") == ["Output 1", "Output 2"]
    assert shown(response, "outputs-0-measure") == "Mentoring sessions delivered"
    assert shown(response, "outputs-0-priority") == str(setting.priority_ids[0])
    assert shown(response, "outcomes-0-target") == "70%"
    assert section_state(app, application_id, "outputs") == ("not_started", 0)


def test_valid_outputs_and_outcomes_are_saved(app: Flask, applicant: FlaskClient, setting: Any,
                                              application_id: int) -> None:
    assert save_section(applicant, application_id, "outputs", outputs(setting)).status_code == 302
    stored = saved(app, application_id, lambda a: (
        [(o.measure, o.unit, o.target, o.priority_id) for o in a.outputs],
        [(o.indicator, o.target) for o in a.outcomes]))
    assert stored == ([("Mentoring sessions delivered", "sessions", 400, setting.priority_ids[0])],
                      [("% feeling safer", "70%")])


# Delivery dates ---------------------------------------------------------------------------------------


def delivery(start: list[str], end: list[str]) -> dict[str, Any]:
    return {"start_date": start, "end_date": end, "milestones": "Recruit mentors by July.",
            "risks": "Staff turnover: we train two."}


@pytest.mark.parametrize(("start", "end", "field_id", "message"), [
    (["31", "3", "2025"], ["31", "3", "2026"], "start_date", "Start date must be on or after 1 April 2025"),
    (["1", "6", "2025"], ["1", "4", "2026"], "end_date", "End date must be on or before 31 March 2026"),
    (["1", "6", "2025"], ["31", "5", "2025"], "end_date", "End date must be after the start date"),
    (["1", "6", "2025"], ["1", "6", "2025"], "end_date", "End date must be after the start date"),
    (["31", "2", "2025"], ["31", "3", "2026"], "start_date", "Start date must be a real date, like 27 3 2026"),
    (["31", "", ""], ["31", "3", "2026"], "start_date", "Start date must include a month and year"),
    (["", "6", "2025"], ["31", "3", "2026"], "start_date", "Start date must include a day"),
])
def test_delivery_dates_outside_the_window_or_unreal_are_refused(
        applicant: FlaskClient, application_id: int, start: list[str], end: list[str], field_id: str,
        message: str) -> None:
    response = save_section(applicant, application_id, "delivery", delivery(start, end))
    assert_refused(response, field_id, message)
    assert shown(response, "start_date") == start
    assert shown(response, "end_date") == end


def test_delivery_dates_inside_the_window_are_saved(app: Flask, applicant: FlaskClient,
                                                    application_id: int) -> None:
    response = save_section(applicant, application_id, "delivery", delivery(["1", "4", "2025"], ["31", "3", "2026"]))
    assert response.status_code == 302
    dates = saved(app, application_id, lambda a: (a.start_date.isoformat(), a.end_date.isoformat()))
    assert dates == ("2025-04-01", "2026-03-31")


# Who it reaches ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("people", "message"), [
    ("lots", "Number of people must be a whole number, like 120"),
    ("0", "Number of people must be between 1 and 1,000,000"),
    ("-5", "Number of people must be a whole number, like 120"),
])
def test_the_number_of_people_must_be_a_positive_whole_number(applicant: FlaskClient, application_id: int,
                                                              answers: dict[str, Any], people: str,
                                                              message: str) -> None:
    response = save_section(applicant, application_id, "reach", {**answers["reach"], "people_expected": people})
    assert_refused(response, "people_expected", message)
    assert shown(response, "age_bands") == ["10_13", "14_17"]


def test_the_number_of_people_may_be_typed_with_a_comma(app: Flask, applicant: FlaskClient, application_id: int,
                                                        answers: dict[str, Any]) -> None:
    response = save_section(applicant, application_id, "reach", {**answers["reach"], "people_expected": "1,200"})
    assert response.status_code == 302
    assert saved(app, application_id, lambda a: a.people_expected) == 1200


# Approach and evidence --------------------------------------------------------------------------------


def test_choosing_another_type_of_intervention_needs_a_description(applicant: FlaskClient, application_id: int,
                                                                   answers: dict[str, Any]) -> None:
    response = save_section(applicant, application_id, "approach",
                            {**answers["approach"], "intervention_type": "other", "intervention_other": ""})
    assert_refused(response, "intervention_other", "Describe the type of intervention")
    assert shown(response, "intervention_type") == ["other"]


def test_each_toolkit_type_is_shown_with_its_impact_rating(applicant: FlaskClient, setting: Any,
                                                           application_id: int) -> None:
    soup = page(applicant.get(section_url(application_id, "approach")))
    option = soup.find("input", attrs={"name": "intervention_type", "value": str(setting.intervention_id)})
    hint = soup.find(id=option["aria-describedby"])
    assert " ".join(hint.get_text().split()) == "Toolkit impact on violence: Moderate"
    assert soup.find("label", attrs={"for": option["id"]}).get_text().strip() == "Mentoring"


# Declaration ------------------------------------------------------------------------------------------


def test_the_declaration_needs_every_statement_confirmed(applicant: FlaskClient, application_id: int,
                                                         answers: dict[str, Any]) -> None:
    response = save_section(applicant, application_id, "declaration",
                            {**answers["declaration"], "confirmations": ["true", "purposes"]})
    assert_refused(response, "confirmations", "Confirm each statement in the declaration")
    assert shown(response, "confirmations") == ["true", "purposes"]


# Save and come back later, the task list, and change links -------------------------------------------


def test_saving_for_later_keeps_a_part_answered_section_in_progress(
        app: Flask, applicant: FlaskClient, application_id: int) -> None:
    response = save_section(applicant, application_id, "about", {"title": "Safe Streets", "summary": "",
                                                                 "description": ""}, button="save_draft")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}")

    statuses = task_statuses(applicant.get(f"/applications/{application_id}"))
    assert statuses["About the project"] == "In progress"
    assert statuses["Budget"] == "Not started"
    reopened = applicant.get(section_url(application_id, "about"))
    assert shown(reopened, "title") == "Safe Streets"
    assert shown(reopened, "summary") == ""


def test_saving_for_later_still_refuses_a_wrong_answer(app: Flask, applicant: FlaskClient,
                                                       application_id: int) -> None:
    response = save_section(applicant, application_id, "about", {"title": "Safe Streets", "summary": words(101)},
                            button="save_draft")
    assert_refused(response, "summary", "Summary must be 100 words or fewer")
    assert shown(response, "title") == "Safe Streets"
    assert section_state(app, application_id, "about") == ("not_started", 0)


def test_saving_a_budget_for_later_keeps_its_lines_without_checking_the_total(
        app: Flask, applicant: FlaskClient, application_id: int) -> None:
    response = save_section(applicant, application_id, "budget", budget(("staff", "Mentor salary", "500")),
                            button="save_draft")
    assert response.status_code == 302
    assert section_state(app, application_id, "budget") == ("in_progress", 1)
    assert saved_budget(app, application_id) == (500_00, [("staff", "labour", 500_00)])


def test_save_and_continue_with_every_answer_marks_the_section_completed(
        applicant: FlaskClient, application_id: int, answers: dict[str, Any]) -> None:
    save_section(applicant, application_id, "about", {"title": "Safe Streets"}, button="save_draft")
    response = save_section(applicant, application_id, "about", answers["about"])
    assert response.status_code == 302

    statuses = task_statuses(applicant.get(f"/applications/{application_id}"))
    assert statuses["About the project"] == "Completed"
    assert [title for title, status in statuses.items() if status == "Not started"] == [
        "Priorities", "Who it reaches", "Approach and evidence", "Outputs and outcomes", "Budget",
        "Delivery plan and dates", "Safeguarding", "Documents", "Declaration"]


def test_a_section_opened_from_check_your_answers_returns_there(applicant: FlaskClient, application_id: int,
                                                               answers: dict[str, Any]) -> None:
    url = section_url(application_id, "about") + "?return=check"
    form_page = page(applicant.get(url))
    hidden = {field["name"]: field["value"] for field in form_page.select("input[type=hidden]")}
    response = applicant.post(url, data={**answers["about"], **hidden, "save": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/check")


def test_a_section_opened_from_the_task_list_returns_there(applicant: FlaskClient, application_id: int,
                                                           answers: dict[str, Any]) -> None:
    response = save_section(applicant, application_id, "about", answers["about"])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}")


# Tampered forms -----------------------------------------------------------------------------------------


def test_a_made_up_budget_category_is_refused(app: Flask, applicant: FlaskClient, application_id: int) -> None:
    response = save_section(applicant, application_id, "budget", budget(("bitcoin", "Coins", "2500")))
    assert_refused(response, "lines-0-category", "Select a category for budget line 1")
    assert saved_budget(app, application_id) == (None, [])


def test_a_priority_of_another_fund_is_refused(app: Flask, applicant: FlaskClient, application_id: int) -> None:
    elsewhere = str(other_fund_priority(app))
    response = save_section(applicant, application_id, "priorities",
                            {"addresses": [elsewhere], "primary": elsewhere, f"how_{elsewhere}": "Sneaky."})
    assert response.status_code == 400
    assert field_error(response, "addresses") == "Select from the options shown"
    assert section_state(app, application_id, "priorities") == ("not_started", 0)


def test_an_output_counting_towards_another_funds_priority_is_refused(app: Flask, applicant: FlaskClient,
                                                                      setting: Any, application_id: int) -> None:
    elsewhere = str(other_fund_priority(app))
    response = save_section(applicant, application_id, "outputs",
                            outputs(setting, **{"outputs-0-priority": elsewhere}))
    assert_refused(response, "outputs-0-priority", "Select the priority output 1 counts towards")


@pytest.mark.parametrize(("key", "field", "value"), [
    ("reach", "gender_focus", "bitcoin"),
    ("reach", "delivery_areas", "W06000015"),
    ("approach", "intervention_type", "9999"),
    ("safeguarding", "dbs_checks", "maybe"),
])
def test_a_choice_that_was_never_offered_is_refused(app: Flask, applicant: FlaskClient, application_id: int,
                                                    answers: dict[str, Any], key: str, field: str,
                                                    value: str) -> None:
    response = save_section(applicant, application_id, key, {**answers[key], field: value})
    assert_refused(response, field, "Select from the options shown")
    assert section_state(app, application_id, key) == ("not_started", 0)


def test_a_tampered_version_is_treated_as_a_conflict(app: Flask, applicant: FlaskClient, application_id: int,
                                                     answers: dict[str, Any]) -> None:
    response = post_with_version(applicant, application_id, "about", answers["about"], version="abc")
    assert response.status_code == 409
    assert section_state(app, application_id, "about") == ("not_started", 0)
