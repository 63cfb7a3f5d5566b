"""The round's scoring criteria: edited together, weights totalling 100, rows added and removed
without JavaScript, priorities only from the round's own fund, and locked once anyone has scored."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Criterion, Fund, Priority

from ..helpers import Setting, csrf_token, error_summary, field_error, heading, page
from .factories import DESCRIPTORS, add_criteria, assign, being_assessed, declare, score


@pytest.fixture
def officer(login_as: Any) -> FlaskClient:
    return login_as(Role.GRANTS_OFFICER, name="Olive Officer")


def _url(setting: Setting) -> str:
    return f"/rounds/{setting.round_id}/criteria"


def _form_values(response: Any) -> dict[str, Any]:
    """What a browser would send from the criteria form as shown: every field, with its current value."""
    form = page(response).find("form", attrs={"novalidate": True})
    assert form is not None, "no criteria form on the page"
    values: dict[str, Any] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or (field.name == "input" and field.get("type") == "submit"):
            continue
        if field.name == "textarea":
            values[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            values[name] = chosen.get("value", "") if chosen else ""
        else:
            values[name] = field.get("value", "")
    return values


def _post(client: FlaskClient, url: str, shown: Any, changes: dict[str, Any], button: dict[str, str] | None = None,
          ) -> Any:
    """Fill in the form ``shown`` with ``changes`` and press ``button`` (Save criteria by default)."""
    data = {**_form_values(shown), **changes, **(button or {"save": "Save criteria"})}
    return client.post(url, data=data)


def _rows(response: Any) -> list[dict[str, str]]:
    """The rows of the form as shown: title, guidance, weight, priority and descriptors of each."""
    values = _form_values(response)
    rows = []
    index = 0
    while f"criteria-{index}-title" in values:
        prefix = f"criteria-{index}-"
        rows.append({"title": values[prefix + "title"], "guidance": values[prefix + "guidance"],
                     "weight": values[prefix + "weight"], "priority": values[prefix + "priority"],
                     "criterion_id": values[prefix + "criterion_id"],
                     "descriptors": [values[f"{prefix}descriptors-{n}"] for n in range(5)]})
        index += 1
    return rows


def _saved(app: Flask, round_id: int) -> list[tuple[int, int, str, str, int, int | None, dict[str, str]]]:
    with app.app_context():
        return [(c.id, c.position, c.title, c.guidance, c.weight, c.priority_id, dict(c.descriptors))
                for c in db.session.scalars(select(Criterion).where(Criterion.round_id == round_id)
                                            .order_by(Criterion.position))]


def _three_rows(setting: Setting, weights: tuple[str, str, str] = ("50", "30", "20")) -> dict[str, str]:
    rows = [("Need for the project", "Is the need evidenced locally?", setting.priority_ids[0]),
            ("Delivery plan", "Is the plan realistic?", None),
            ("Value for money", "Are the costs reasonable?", setting.priority_ids[3])]
    data: dict[str, str] = {}
    for index, ((title, guidance, priority), weight) in enumerate(zip(rows, weights, strict=True)):
        prefix = f"criteria-{index}-"
        data.update({prefix + "criterion_id": "", prefix + "title": title, prefix + "guidance": guidance,
                     prefix + "weight": weight, prefix + "priority": str(priority) if priority else ""})
        for score_ in range(5):
            data[f"{prefix}descriptors-{score_}"] = f"{title}: {score_}" if score_ in (0, 4) else ""
    return data


def _text(response: Any) -> str:
    return " ".join(page(response).get_text().split())


# Saving ---------------------------------------------------------------------------------------


def test_criteria_are_saved_in_order(app: Flask, setting: Setting, officer: FlaskClient) -> None:
    shown = officer.get(_url(setting))
    assert shown.status_code == 200
    assert heading(shown) == "Scoring criteria"
    assert len(_rows(shown)) == 1  # a new round starts with one empty row

    response = officer.post(_url(setting), data={**_three_rows(setting), "save": "Save criteria",
                                                 "csrf_token": csrf_token(shown)})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rounds/{setting.round_id}")
    saved = _saved(app, setting.round_id)
    assert [row[1:] for row in saved] == [
        (1, "Need for the project", "Is the need evidenced locally?", 50, setting.priority_ids[0],
         {"0": "Need for the project: 0", "4": "Need for the project: 4"}),
        (2, "Delivery plan", "Is the plan realistic?", 30, None,
         {"0": "Delivery plan: 0", "4": "Delivery plan: 4"}),
        (3, "Value for money", "Are the costs reasonable?", 20, setting.priority_ids[3],
         {"0": "Value for money: 0", "4": "Value for money: 4"}),
    ]
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.criteria_changed"))
        assert event.actor_id == officer.person.id
        assert [c["weight"] for c in event.details["criteria"]] == [50, 30, 20]

    round_page = officer.get(response.headers["Location"])
    assert "The criteria have been saved." in _text(round_page)
    assert "3 criteria, weights totalling 100" in _text(round_page)
    assert "locked" not in _text(round_page)

    again = officer.get(_url(setting))
    rows = _rows(again)
    assert [(r["title"], r["weight"], r["priority"]) for r in rows] == [
        ("Need for the project", "50", str(setting.priority_ids[0])),
        ("Delivery plan", "30", ""),
        ("Value for money", "20", str(setting.priority_ids[3]))]
    assert rows[0]["guidance"] == "Is the need evidenced locally?"
    assert rows[2]["descriptors"] == ["Value for money: 0", "", "", "", "Value for money: 4"]
    assert [r["criterion_id"] for r in rows] == [str(row[0]) for row in saved]


def test_editing_keeps_criteria_it_names_and_removes_the_rest(app: Flask, setting: Setting,
                                                              officer: FlaskClient) -> None:
    ids = add_criteria(app, setting.round_id)  # weights 30, 20, 20, 15, 15
    shown = officer.get(_url(setting))
    assert [r["criterion_id"] for r in _rows(shown)] == [str(i) for i in ids]
    assert _rows(shown)[0]["descriptors"] == list(DESCRIPTORS.values())

    # Remove criterion 2 (the page renumbers), then change what is left and save.
    removed = _post(officer, _url(setting), shown, {}, {"remove_criterion": "1"})
    assert removed.status_code == 200
    assert [r["criterion_id"] for r in _rows(removed)] == [str(i) for i in (ids[0], ids[2], ids[3], ids[4])]
    response = _post(officer, _url(setting), removed,
                     {"criteria-0-weight": "40", "criteria-1-title": "Criterion 3, reworded",
                      "criteria-3-weight": "25", "criteria-3-descriptors-4": "Outstanding"})

    assert response.status_code == 302
    saved = _saved(app, setting.round_id)
    assert [(row[0], row[1], row[2], row[4]) for row in saved] == [
        (ids[0], 1, "Criterion 1", 40), (ids[2], 2, "Criterion 3, reworded", 20), (ids[3], 3, "Criterion 4", 15),
        (ids[4], 4, "Criterion 5", 25)]
    assert saved[3][6] == {**DESCRIPTORS, "4": "Outstanding"}
    with app.app_context():
        assert db.session.get(Criterion, ids[1]) is None


# Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("weights", "total", "advice"), [(("50", "20", "20"), 90, "add 10"),
                                                          (("50", "40", "20"), 110, "take 10 away")])
def test_weights_must_total_100(app: Flask, setting: Setting, officer: FlaskClient, weights: tuple[str, str, str],
                                total: int, advice: str) -> None:
    ids = add_criteria(app, setting.round_id)
    before = _saved(app, setting.round_id)
    shown = officer.get(_url(setting))
    typed = _three_rows(setting, weights)
    for index in range(3):
        typed[f"criteria-{index}-criterion_id"] = str(ids[index])

    response = officer.post(_url(setting), data={**typed, "save": "Save criteria", "csrf_token": csrf_token(shown)})

    assert response.status_code == 400
    message = f"The weights must add up to 100. They add up to {total}: {advice}."
    assert error_summary(response) == [message]
    assert field_error(response, "criteria-2-weight") == message
    assert field_error(response, "criteria-0-weight") == ""
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#criteria-2-weight"
    rows = _rows(response)
    assert [(r["title"], r["weight"]) for r in rows] == [
        ("Need for the project", weights[0]), ("Delivery plan", weights[1]), ("Value for money", weights[2])]
    assert rows[0]["guidance"] == "Is the need evidenced locally?"
    assert rows[0]["priority"] == str(setting.priority_ids[0])
    assert rows[2]["descriptors"] == ["Value for money: 0", "", "", "", "Value for money: 4"]
    assert _saved(app, setting.round_id) == before


def test_row_errors_name_the_criterion(app: Flask, setting: Setting, officer: FlaskClient) -> None:
    shown = officer.get(_url(setting))
    typed = {**_three_rows(setting), "criteria-1-weight": "thirty", "criteria-2-title": "  "}

    response = officer.post(_url(setting), data={**typed, "save": "Save criteria", "csrf_token": csrf_token(shown)})

    assert response.status_code == 400
    weight = "The weight of criterion 2 must be a whole number from 1 to 100"
    title = "Enter a title for criterion 3"
    assert field_error(response, "criteria-1-weight") == weight
    assert field_error(response, "criteria-2-title") == title
    assert error_summary(response) == [weight, title]
    assert not any("add up to" in message for message in error_summary(response))  # no total until rows are right
    rows = _rows(response)
    assert rows[1]["weight"] == "thirty"
    assert rows[0]["title"] == "Need for the project"
    assert _saved(app, setting.round_id) == []


@pytest.mark.parametrize(("weight", "message"), [
    ("", "Enter a weight for criterion 1, like 20"),
    ("0", "The weight of criterion 1 must be a whole number from 1 to 100"),
    ("101", "The weight of criterion 1 must be a whole number from 1 to 100"),
    ("12.5", "The weight of criterion 1 must be a whole number from 1 to 100"),
    ("-5", "The weight of criterion 1 must be a whole number from 1 to 100"),
])
def test_weight_must_be_a_whole_number(app: Flask, setting: Setting, officer: FlaskClient, weight: str,
                                       message: str) -> None:
    shown = officer.get(_url(setting))

    response = _post(officer, _url(setting), shown, {"criteria-0-title": "Need", "criteria-0-weight": weight})

    assert response.status_code == 400
    assert field_error(response, "criteria-0-weight") == message
    assert _saved(app, setting.round_id) == []


def test_a_weight_in_superscript_digits_is_an_error_not_a_crash(app: Flask, setting: Setting,
                                                                 officer: FlaskClient) -> None:
    """str.isdigit() is true for superscript and circled digits, which int() cannot read."""
    shown = officer.get(_url(setting))

    response = _post(officer, _url(setting), shown, {"criteria-0-title": "Need", "criteria-0-weight": "10²"})

    assert response.status_code == 400
    assert field_error(response, "criteria-0-weight") == ("The weight of criterion 1 must be a whole number "
                                                          "from 1 to 100")
    assert _saved(app, setting.round_id) == []


def test_a_removal_index_in_superscript_digits_is_refused_not_a_crash(app: Flask, setting: Setting,
                                                                     officer: FlaskClient) -> None:
    shown = officer.get(_url(setting))

    removed = _post(officer, _url(setting), shown, {"criteria-0-title": "Need"}, {"remove_criterion": "¹"})

    assert removed.status_code == 400
    assert _saved(app, setting.round_id) == []


def test_a_priority_of_another_fund_is_refused(app: Flask, setting: Setting, officer: FlaskClient) -> None:
    with app.app_context():
        other = Fund(slug="other-fund", name="Another Fund", funder_name="Someone else", financial_year="2024/25",
                     total_pence=100_000_00, status="open")
        other.priorities = [Priority(code="X1", title="Elsewhere", position=1)]
        db.session.add(other)
        db.session.commit()
        foreign = other.priorities[0].id
    shown = officer.get(_url(setting))
    assert str(foreign) not in [o.get("value") for o in page(shown).select("#criteria-0-priority option")]

    response = _post(officer, _url(setting), shown, {"criteria-0-title": "Need", "criteria-0-weight": "100",
                                                     "criteria-0-priority": str(foreign)})

    assert response.status_code == 400
    assert field_error(response, "criteria-0-priority") == "Select a priority of this fund for criterion 1"
    assert error_summary(response) == ["Select a priority of this fund for criterion 1"]
    assert _saved(app, setting.round_id) == []

    for nonsense in ("not-a-number", "999999"):
        response = _post(officer, _url(setting), shown, {"criteria-0-title": "Need", "criteria-0-weight": "100",
                                                         "criteria-0-priority": nonsense})
        assert response.status_code == 400
        assert field_error(response, "criteria-0-priority") == "Select a priority of this fund for criterion 1"
    assert _saved(app, setting.round_id) == []


# Adding and removing rows without JavaScript --------------------------------------------------


def test_adding_and_removing_rows(app: Flask, setting: Setting, officer: FlaskClient) -> None:
    shown = officer.get(_url(setting))
    first = _post(officer, _url(setting), shown,
                  {"criteria-0-title": "Need", "criteria-0-weight": "60", "criteria-0-guidance": "Evidence of need",
                   "criteria-0-priority": str(setting.priority_ids[1]), "criteria-0-descriptors-3": "Good need"},
                  {"add_criterion": "Add another criterion"})
    assert first.status_code == 200
    assert error_summary(first) == []
    second = _post(officer, _url(setting), first, {"criteria-1-title": "Delivery", "criteria-1-weight": "25"},
                   {"add_criterion": "Add another criterion"})
    assert second.status_code == 200
    rows = _rows(second)
    assert [(r["title"], r["weight"]) for r in rows] == [("Need", "60"), ("Delivery", "25"), ("", "")]
    assert rows[0]["descriptors"] == ["", "", "", "Good need", ""]
    assert rows[0]["priority"] == str(setting.priority_ids[1])
    assert _saved(app, setting.round_id) == []

    # The officer fills in the third row, then removes the second: the third becomes criterion 2.
    removed = _post(officer, _url(setting), second, {"criteria-2-title": "Value", "criteria-2-weight": "40",
                                                     "criteria-2-descriptors-0": "Poor value"},
                    {"remove_criterion": "1"})

    assert removed.status_code == 200
    assert error_summary(removed) == []
    rows = _rows(removed)
    assert [(r["title"], r["weight"], r["guidance"]) for r in rows] == [
        ("Need", "60", "Evidence of need"), ("Value", "40", "")]
    assert rows[1]["descriptors"] == ["Poor value", "", "", "", ""]
    assert rows[0]["descriptors"] == ["", "", "", "Good need", ""]
    soup = page(removed)
    assert [" ".join(h.get_text().split()) for h in soup.select("legend h2")] == ["Criterion 1", "Criterion 2"]
    assert "Title of criterion 2" in soup.find("label", attrs={"for": "criteria-1-title"}).get_text()
    assert [b["value"] for b in soup.select("button[name=remove_criterion]")] == ["0", "1"]

    saved = _post(officer, _url(setting), removed, {})
    assert saved.status_code == 302
    assert [(row[1], row[2], row[4]) for row in _saved(app, setting.round_id)] == [(1, "Need", 60), (2, "Value", 40)]


def test_the_last_row_cannot_be_removed(app: Flask, setting: Setting, officer: FlaskClient) -> None:
    shown = officer.get(_url(setting))
    assert page(shown).select("button[name=remove_criterion]") == []

    response = _post(officer, _url(setting), shown, {"criteria-0-title": "Need"}, {"remove_criterion": "0"})

    assert response.status_code == 200
    assert [r["title"] for r in _rows(response)] == ["Need"]
    assert _post(officer, _url(setting), shown, {}, {"remove_criterion": "first"}).status_code == 400
    assert _saved(app, setting.round_id) == []


# Locked once scoring has started --------------------------------------------------------------


def test_criteria_lock_once_anyone_has_scored(app: Flask, setting: Setting, officer: FlaskClient,
                                              make_user: Any) -> None:
    ids = add_criteria(app, setting.round_id)
    applicant = make_user(Role.APPLICANT)
    reviewer = make_user(Role.REVIEWER, name="Rita Reviewer")
    application_id = being_assessed(app, setting, applicant.id)
    assignment_id = assign(app, application_id, reviewer.id, officer.person.id)
    declare(app, assignment_id)
    before = _saved(app, setting.round_id)
    shown = officer.get(_url(setting))
    assert shown.status_code == 200
    assert page(shown).find("form", attrs={"novalidate": True}) is not None

    # One mark in a draft review is enough.
    score(app, assignment_id, [3, None, None, None, None], recommendation=None, overall="", submit=False)

    locked = officer.get(_url(setting))
    assert locked.status_code == 200
    assert "criteria are locked" in _text(locked)
    assert page(locked).find("form", attrs={"novalidate": True}) is None
    assert "Criterion 1 (30%)" in _text(locked)
    data = {"criteria-0-criterion_id": str(ids[0]), "criteria-0-title": "Changed", "criteria-0-weight": "100",
            "save": "Save criteria", "csrf_token": csrf_token(locked)}
    refused = officer.post(_url(setting), data=data)
    assert refused.status_code == 409
    assert "criteria are locked" in _text(refused)
    added = officer.post(_url(setting), data={**data, "add_criterion": "Add another criterion"})
    assert added.status_code == 409
    assert _saved(app, setting.round_id) == before

    round_page = officer.get(f"/rounds/{setting.round_id}")
    assert "5 criteria, weights totalling 100; locked because scoring has started" in _text(round_page)


# Who can reach it -----------------------------------------------------------------------------


def test_only_grants_officers_edit_criteria(app: Flask, setting: Setting, login_as: Any,
                                            officer: FlaskClient) -> None:
    for role in (Role.APPLICANT, Role.REVIEWER):
        assert login_as(role).get(_url(setting)).status_code == 403
    assert officer.get(f"/rounds/{setting.round_id + 1000}/criteria").status_code == 404
