"""What grants officers put into the impact return: the Home Office context measures (added, listed,
changed, every bad answer explained beside its field, duplicates refused) and the case studies
they choose to show. Only grants officers reach these pages, and each change is audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.monitoring.models import MonitoringReturn
from sv_grants.reports.models import ContextMeasure, FeaturedCaseStudy

from ..grants.factories import Funded
from ..helpers import csrf_token, error_summary, field_error, heading, page, submit_form
from ..monitoring.factories import CASE_STUDY, complete, returns_of, submit, travel_to_day
from .test_returns_pages import FUND, reported_grant

NEW = "/reports/context-measures/new"
HOMICIDES = "Homicides"
KNIFE_CRIME = "Police-recorded knife or sharp instrument offences"
SOURCE = "ONS, Crime in England and Wales, table P5, published 24 October 2025"


def figure(**changes: str) -> dict[str, str]:
    """A context measure as an officer types it: knife crime in Darlington, quarter 1 of 2025-26."""
    return {"measure": "knife_crime", "area_name": "Darlington", "financial_year": "2025-26", "quarter": "1",
            "value": "37", "source": SOURCE, **changes}


def saved_measures(app: Flask) -> list[tuple[str, str, str, int, int, str]]:
    with app.app_context():
        return [(m.measure, m.area_name, m.financial_year, m.quarter, m.value, m.source)
                for m in db.session.scalars(select(ContextMeasure).order_by(ContextMeasure.id))]


def events(app: Flask, prefix: str) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like(f"{prefix}%"))
                                   .order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return list(found)


def table_rows(response: Any) -> list[list[str]]:
    return [[" ".join(cell.get_text().split()) for cell in row.select("th, td")]
            for row in page(response).select("main table tbody tr")]


def context_rows(response: Any) -> list[list[str]]:
    return [[" ".join(cell.get_text().split()) for cell in row.select("th, td")]
            for row in page(response).select("#table-context tbody tr")]


def typed(response: Any, name: str) -> str | None:
    """What the form shows in field ``name``: a text box's value, a textarea's text, the chosen option."""
    soup = page(response)
    if (box := soup.select_one(f'input[type="text"][name="{name}"]')) is not None:
        return box.get("value")
    if (area := soup.select_one(f'textarea[name="{name}"]')) is not None:
        return area.get_text().strip()
    if (option := soup.select_one(f'select[name="{name}"] option[selected]')) is not None:
        return option["value"]
    radio = soup.select_one(f'input[name="{name}"][checked]')
    return radio["value"] if radio else None


@pytest.fixture
def officer(login_as: Any, setting: Any) -> FlaskClient:
    return login_as(Role.GRANTS_OFFICER, name="Olu Officer")


# --- context measures -----------------------------------------------------------------------------------


def test_an_officer_adds_a_figure_and_finds_it_listed(app: Flask, officer: FlaskClient) -> None:
    listed = officer.get("/reports/context-measures")
    assert heading(listed) == "Home Office context measures"
    assert "No figures have been entered yet." in page(listed).get_text()
    form = officer.get(NEW)
    assert heading(form) == "Add a context measure"
    assert typed(form, "area_name") == "County Durham and Darlington"  # the whole area, unless told otherwise

    response = submit_form(officer, NEW, figure(value="1234"))

    assert response.status_code == 302
    assert response.headers["Location"] == "/reports/context-measures"
    listed = officer.get("/reports/context-measures")
    assert f"{KNIFE_CRIME} for Darlington, 2025/26 quarter 1 is saved." in page(listed).get_text()
    assert table_rows(listed) == [[KNIFE_CRIME, "Darlington", "2025/26 quarter 1", "1,234", SOURCE,
                                   f"Change {KNIFE_CRIME.lower()}, Darlington, 2025/26 quarter 1"]]
    assert saved_measures(app) == [("knife_crime", "Darlington", "2025-26", 1, 1234, SOURCE)]
    [event] = events(app, "context_measure.")
    assert (event.action, event.actor_id, event.subject_type) == ("context_measure.saved", officer.person.id,
                                                                   "context_measures")
    assert event.details == {"before": None, "after": {
        "measure": "knife_crime", "area_name": "Darlington", "financial_year": "2025-26", "quarter": 1,
        "value": 1234, "source": SOURCE}}


def test_an_officer_changes_a_figure(app: Flask, officer: FlaskClient) -> None:
    submit_form(officer, NEW, figure(measure="homicides", area_name="County Durham and Darlington", quarter="0",
                                     value="3", financial_year="2024/25"))
    with app.app_context():
        measure_id = db.session.scalar(select(ContextMeasure.id))
    address = f"/reports/context-measures/{measure_id}"

    form = officer.get(address)
    assert heading(form) == "Change a context measure"
    assert [typed(form, name) for name in ("measure", "area_name", "financial_year", "quarter", "value")] == [
        "homicides", "County Durham and Darlington", "2024-25", "0", "3"]
    response = submit_form(officer, address, figure(measure="homicides", area_name="County Durham and Darlington",
                                                    quarter="0", value="4", financial_year="2024-25"))

    assert response.status_code == 302
    assert table_rows(officer.get("/reports/context-measures"))[0][:4] == [
        HOMICIDES, "County Durham and Darlington", "2024/25", "4"]
    assert saved_measures(app) == [("homicides", "County Durham and Darlington", "2024-25", 0, 4, SOURCE)]
    first, second = events(app, "context_measure.")
    assert second.details["before"]["value"] == 3 and second.details["after"]["value"] == 4
    assert second.actor_id == officer.person.id and second.subject_id == first.subject_id == str(measure_id)
    with app.app_context():
        assert db.session.get(ContextMeasure, measure_id).updated_by_id == officer.person.id


@pytest.mark.parametrize(("field", "value", "message"), [
    ("measure", "", "Select the measure"),
    ("measure", "burglaries", "Select from the options shown"),
    ("area_name", "Narnia", "Select an area from the list"),
    ("financial_year", "", "Enter the financial year, like 2024-25"),
    ("financial_year", "  ", "Enter the financial year, like 2024-25"),
    ("financial_year", "2024-26", "Enter the financial year as its two years, like 2024-25"),
    ("financial_year", "2025", "Enter the financial year as its two years, like 2024-25"),
    ("financial_year", "1999-00", "Enter a financial year between 2000-01 and 2100-01"),
    ("quarter", "9", "Select the whole year or a quarter"),
    ("quarter", "", "Select the whole year or a quarter"),
    ("value", "", "Enter the figure"),
    ("value", " ", "Enter the figure"),
    ("value", "abc", "Enter the figure as a whole number, like 12"),
    ("value", "²", "Enter the figure as a whole number, like 12"),
    ("value", "-5", "Enter the figure as a whole number, like 12"),
    ("value", "12.5", "Enter the figure as a whole number, like 12"),
    ("value", "1,234", "Enter the figure as a whole number, like 12"),
    ("value", "10000001", "Figure must be 10,000,000 or fewer"),
    ("value", "9" * 40, "Figure must be 10,000,000 or fewer"),
    ("source", "", "Enter where the figure comes from"),
    ("source", "   ", "Enter where the figure comes from"),
    ("source", "x" * 1001, "Source must be 1000 characters or fewer"),
])
def test_each_bad_answer_is_explained_beside_its_field_and_what_was_typed_is_kept(
        app: Flask, officer: FlaskClient, field: str, value: str, message: str) -> None:
    response = submit_form(officer, NEW, figure(**{field: value}))

    assert response.status_code == 400
    assert field_error(response, field) == message
    assert error_summary(response) == [message]
    assert page(response).select_one(".govuk-error-summary__list a")["href"].startswith(f"#{field}")
    kept = {name: typed(response, name) for name in ("measure", "area_name", "financial_year", "quarter", "value",
                                                      "source")}
    expected: dict[str, str | None] = figure(**{field: value.strip()})
    if field in {"measure", "area_name", "quarter"}:
        expected[field] = None  # a list cannot show a value it does not offer
    assert kept == expected
    assert saved_measures(app) == []
    assert events(app, "context_measure.") == []


def test_the_same_measure_area_and_period_twice_is_refused_and_nothing_is_saved(
        app: Flask, officer: FlaskClient) -> None:
    submit_form(officer, NEW, figure())

    response = submit_form(officer, NEW, figure(value="40", source="A second source"))

    assert response.status_code == 400
    message = "There is already a figure for this measure, area and period: change that one instead"
    assert error_summary(response) == [message]
    assert field_error(response, "financial_year") == message
    assert heading(response) == "Add a context measure"
    assert (typed(response, "value"), typed(response, "source")) == ("40", "A second source")
    assert saved_measures(app) == [("knife_crime", "Darlington", "2025-26", 1, 37, SOURCE)]
    assert len(events(app, "context_measure.")) == 1
    # The same figure for another quarter, area or measure is a different figure.
    for other in (figure(quarter="2"), figure(area_name="County Durham"), figure(measure="homicides")):
        assert submit_form(officer, NEW, other).status_code == 302
    assert len(saved_measures(app)) == 4


def test_changing_a_figure_into_a_duplicate_of_another_is_refused(app: Flask, officer: FlaskClient) -> None:
    submit_form(officer, NEW, figure())
    submit_form(officer, NEW, figure(quarter="2", value="41"))
    with app.app_context():
        second = db.session.scalar(select(func.max(ContextMeasure.id)))

    response = submit_form(officer, f"/reports/context-measures/{second}", figure(quarter="1", value="41"))

    assert response.status_code == 400
    assert heading(response) == "Change a context measure"
    assert error_summary(response) == [
        "There is already a figure for this measure, area and period: change that one instead"]
    assert saved_measures(app) == [("knife_crime", "Darlington", "2025-26", 1, 37, SOURCE),
                                   ("knife_crime", "Darlington", "2025-26", 2, 41, SOURCE)]


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.PCC_VIEWER, Role.APPLICANT, Role.REVIEWER])
def test_only_grants_officers_reach_the_context_measures(app: Flask, officer: FlaskClient, login_as: Any,
                                                         role: Role) -> None:
    submit_form(officer, NEW, figure())
    with app.app_context():
        measure_id = db.session.scalar(select(ContextMeasure.id))
    someone = login_as(role)
    token = csrf_token(someone.get("/account"))

    for url in ["/reports/context-measures", NEW, f"/reports/context-measures/{measure_id}"]:
        assert someone.get(url).status_code == 403, url
    for url in [NEW, f"/reports/context-measures/{measure_id}"]:
        assert someone.post(url, data={**figure(value="99"), "csrf_token": token}).status_code == 403, url
    assert saved_measures(app) == [("knife_crime", "Darlington", "2025-26", 1, 37, SOURCE)]


def test_an_unknown_context_measure_is_not_found(officer: FlaskClient) -> None:
    assert officer.get("/reports/context-measures/999").status_code == 404
    token = csrf_token(officer.get(NEW))
    assert officer.post("/reports/context-measures/999", data={**figure(), "csrf_token": token}).status_code == 404
    assert officer.get("/reports/context-measures/abc").status_code == 404


def test_a_figure_shows_in_the_impact_return_of_a_period_holding_its_own(app: Flask, officer: FlaskClient) -> None:
    submit_form(officer, NEW, figure())  # 2025-26 quarter 1
    submit_form(officer, NEW, figure(measure="homicides", area_name="County Durham and Darlington", quarter="0",
                                     financial_year="2024-25", value="12"))
    row = [KNIFE_CRIME, "Darlington", "2025/26 quarter 1", "37", SOURCE]
    year_before = [HOMICIDES, "County Durham and Darlington", "2024/25", "12", SOURCE]

    def context(period: str) -> list[list[str]]:
        response = officer.get(f"/reports/{FUND}/impact/{period}")
        assert response.status_code == 200
        return context_rows(response)

    assert context("2025-26-Q1") == [row]
    assert context("2025-26") == [row]
    assert context("2025-26-Q2") == [["There is nothing to show in this table."]]
    assert context("2024-25-Q4") == [["There is nothing to show in this table."]]  # a quarter within a whole year
    assert context("2024-25") == [year_before]


# --- case studies -------------------------------------------------------------------------------------


@pytest.fixture
def grant(app: Flask, make_user: Any) -> Funded:
    """The reported grant, with its second quarter's return submitted in October but not yet accepted."""
    made = reported_grant(app, make_user)
    second = returns_of(app, made.grant_id)[1]
    travel_to_day(date(2025, 10, 10))
    complete(app, made.applicant.id, second.id)
    submit(app, made.applicant.id, second.id)
    return made


def case_study_cards(response: Any) -> list[tuple[str, str, str]]:
    """Each case study listed: its title, whether it is in the impact return, and its button."""
    return [(" ".join(card.select_one(".govuk-summary-card__title").get_text().split()),
             "in" if card.select_one(".govuk-tag") else "out",
             " ".join(card.select_one("button").get_text().split()))
            for card in page(response).select(".govuk-summary-card")]


def featured(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(FeaturedCaseStudy.return_id)))


def case_studies_in_the_impact_return(client: FlaskClient, period: str = "2025-26-Q1") -> list[str]:
    section = page(client.get(f"/reports/{FUND}/impact/{period}"))
    found = section.find(id="case_studies")
    texts = []
    for sibling in found.find_next_siblings():
        if sibling.name == "h2":
            break
        texts.append(" ".join(sibling.get_text().split()))
    return texts


def test_only_accepted_returns_case_studies_are_listed(app: Flask, grant: Funded, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    first, second = returns_of(app, grant.grant_id)[:2]
    assert second.status == "submitted"

    response = officer.get(f"/reports/{FUND}/case-studies")

    assert response.status_code == 200
    assert heading(response) == "Case studies for the impact return"
    assert case_study_cards(response) == [
        ("Eastside Youth Trust: Quarter 1 2025-26 return", "out", "Show in the impact return")]
    assert CASE_STUDY in page(response).get_text()
    forms = [form["action"] for form in page(response).select("main form")]
    assert forms == [f"/reports/{FUND}/case-studies/{first.id}"]


def test_showing_a_case_study_puts_it_in_the_impact_return_and_stopping_takes_it_out(
        app: Flask, grant: Funded, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    pcc = login_as(Role.PCC_VIEWER)
    first = returns_of(app, grant.grant_id)[0]
    listing = f"/reports/{FUND}/case-studies"
    assert case_studies_in_the_impact_return(pcc) == ["No case studies have been chosen for this period."]

    shown = submit_form(officer, listing, {"page": "1", "featured": "yes"}, action=f"{listing}/{first.id}")

    assert shown.status_code == 302
    after = officer.get(listing)
    assert "Eastside Youth Trust’s case study (Quarter 1 2025-26 return) is now in the impact return." in \
        page(after).get_text()
    assert case_study_cards(after) == [
        ("Eastside Youth Trust: Quarter 1 2025-26 return", "in", "Take out of the impact return")]
    assert featured(app) == [first.id]
    in_return = case_studies_in_the_impact_return(pcc)
    assert in_return[:2] == ["P1 Eastside Youth Trust", "Eastside Youth Trust, Quarter 1 2025-26 return"]
    assert CASE_STUDY in " ".join(in_return)
    assert case_studies_in_the_impact_return(pcc, "2025-26-Q2") == [
        "No case studies have been chosen for this period."]  # shown for the period of its own return only

    again = submit_form(officer, listing, {"page": "1", "featured": "yes"}, action=f"{listing}/{first.id}")
    assert again.status_code == 302 and featured(app) == [first.id]  # a second press changes nothing
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "case_study.featured")) == 1

    stopped = submit_form(officer, listing, {"page": "1", "featured": "no"}, action=f"{listing}/{first.id}")

    assert stopped.status_code == 302
    assert "is no longer in the impact return." in page(officer.get(listing)).get_text()
    assert featured(app) == []
    assert case_studies_in_the_impact_return(pcc) == ["No case studies have been chosen for this period."]
    changes = events(app, "case_study.")
    assert [(e.action, e.actor_id, e.subject_type, e.subject_id) for e in changes] == [
        ("case_study.featured", officer.person.id, "monitoring_returns", str(first.id)),
        ("case_study.unfeatured", officer.person.id, "monitoring_returns", str(first.id))]


def test_a_change_sent_without_its_csrf_token_changes_nothing(app: Flask, grant: Funded, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    first = returns_of(app, grant.grant_id)[0]

    response = officer.post(f"/reports/{FUND}/case-studies/{first.id}", data={"page": "1"})

    assert response.status_code == 400  # refused before the page is reached
    assert featured(app) == []
    assert events(app, "case_study.") == []
    assert case_study_cards(officer.get(f"/reports/{FUND}/case-studies"))[0][1] == "out"


def test_a_return_not_accepted_or_of_another_fund_is_not_found(app: Flask, grant: Funded, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    first, second = returns_of(app, grant.grant_id)[:2]
    with app.app_context():
        db.session.add(Fund(slug="other-fund", name="Another Fund", funder_name="The PCC", financial_year="2025/26",
                            total_pence=100_000_00, status="open"))
        db.session.commit()
    token = csrf_token(officer.get(f"/reports/{FUND}/case-studies"))

    for address in [f"/reports/{FUND}/case-studies/{second.id}",  # submitted, not accepted
                    f"/reports/other-fund/case-studies/{first.id}",  # accepted, but another fund's
                    f"/reports/no-such-fund/case-studies/{first.id}",
                    f"/reports/{FUND}/case-studies/99999"]:
        assert officer.post(address, data={"csrf_token": token}).status_code == 404, address
    assert officer.get("/reports/other-fund/case-studies").status_code == 200
    assert case_study_cards(officer.get("/reports/other-fund/case-studies")) == []
    assert featured(app) == []
    assert events(app, "case_study.") == []


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.PCC_VIEWER])
def test_only_grants_officers_choose_case_studies(app: Flask, grant: Funded, login_as: Any, role: Role) -> None:
    someone = login_as(role)
    first = returns_of(app, grant.grant_id)[0]
    token = csrf_token(someone.get("/account"))

    assert someone.get(f"/reports/{FUND}/case-studies").status_code == 403
    assert someone.post(f"/reports/{FUND}/case-studies/{first.id}", data={"csrf_token": token}).status_code == 403
    assert featured(app) == []
    with app.app_context():
        assert db.session.get(MonitoringReturn, first.id).status == "accepted"
