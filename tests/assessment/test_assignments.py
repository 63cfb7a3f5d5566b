"""Giving applications to reviewers: in bulk by hand, balanced automatically, one at a time from
the application's page; never to a reviewer who declared an interest in the organisation; taking
assignments back; and the workload and conflicts register pages that show where things stand."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from sv_grants.assessment.models import Assignment, Declaration
from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.dates import clock, format_datetime
from sv_grants.extensions import db
from sv_grants.funds.models import Round

from ..helpers import Outbox, Setting, csrf_token, error_summary, field_error, heading, page, submit_form
from . import factories
from .factories import add_criteria, assign, being_assessed, declare, organisation_of, reviewed, score


@dataclass
class World:
    round_id: int
    officer: FlaskClient
    applications: list[int]  # SVF-2425-0001, -0002, … in order
    organisations: list[str]  # the organisation of each application, by position


def _make_round(app: Flask, setting: Any, make_user: Any, login_as: Any, count: int) -> World:
    """``count`` applications being assessed, each from its own organisation, and an officer."""
    officer = login_as(Role.GRANTS_OFFICER, name="Olive Officer")
    names = [f"Organisation {chr(ord('A') + n)}" for n in range(count)]
    applications = [being_assessed(app, setting, make_user().id, organisation=name, reference=f"SVF-2425-{n:04d}",
                                   title=f"Project {n}") for n, name in enumerate(names, start=1)]
    return World(setting.round_id, officer, applications, names)


def _second_round(app: Flask, setting: Any) -> Any:
    """Round 2 of the same fund, as a ``setting`` the factories accept."""
    with app.app_context():
        now = clock.now()
        round_ = Round(fund_id=setting.fund_id, name="Round 2", opens_at=now - timedelta(days=60),
                       closes_at=now - timedelta(days=30), delivery_from=date(2025, 4, 1),
                       delivery_until=date(2026, 3, 31), min_award_pence=2_000_00, max_award_pence=50_000_00)
        db.session.add(round_)
        db.session.commit()
        return replace(setting, round_id=round_.id)


def _reviewers(make_user: Any, *names: str) -> dict[str, Any]:
    return {name: make_user(Role.REVIEWER, name=name) for name in names}


def _post(client: FlaskClient, round_id: int, applications: list[int], reviewers: list[int] | None = None,
          button: str = "assign", per_application: str | None = None) -> Any:
    url = f"/rounds/{round_id}/assignments"
    data: dict[str, Any] = {"csrf_token": csrf_token(client.get(url)), button: "1",
                            "applications": [str(a) for a in applications],
                            "reviewers": [str(r) for r in reviewers or []]}
    if per_application is not None:
        data["per_application"] = per_application
    return client.post(url, data=data)


def _assignments(app: Flask) -> list[tuple[int, int, str]]:
    """(application id, reviewer id, declaration) of every assignment."""
    with app.app_context():
        return [(a.application_id, a.reviewer_id, a.declaration)
                for a in db.session.scalars(select(Assignment).order_by(Assignment.id))]


def _text(response: Any) -> str:
    return " ".join(page(response).get_text().split())


def _banners(response: Any) -> list[str]:
    return [" ".join(b.get_text().split()) for b in page(response).select(".govuk-notification-banner")]


def _checked(response: Any, name: str) -> set[str]:
    return {box["value"] for box in page(response).select(f"input[name={name}]") if box.has_attr("checked")}


def _mail_to(outbox: Outbox, email: str) -> list[Any]:
    return [m for m in outbox.messages() if m["To"] == email]


# Bulk assignment by hand ----------------------------------------------------------------------


def test_three_applications_and_two_reviewers_make_six_assignments_and_one_email_each(
        app: Flask, setting: Any, make_user: Any, login_as: Any, outbox: Outbox) -> None:
    world = _make_round(app, setting, make_user, login_as, 4)
    people = _reviewers(make_user, "Ann Adams", "Bob Brown", "Cat Cole")
    ann, bob, cat = people.values()
    chosen = world.applications[:3]

    response = _post(world.officer, world.round_id, chosen, [ann.id, bob.id])

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/rounds/{world.round_id}/assignments")
    made = _assignments(app)
    assert sorted((a, r) for a, r, _ in made) == sorted((a, r) for a in chosen for r in (ann.id, bob.id))
    assert {d for _, _, d in made} == {Declaration.UNDECLARED}
    followed = world.officer.get(response.headers["Location"])
    assert any("6 assignments made" in b for b in _banners(followed))
    for person in (ann, bob):
        mail = _mail_to(outbox, person.email)
        assert len(mail) == 1, person.email
        assert mail[0]["Subject"] == "3 applications to review for Round 1"
        assert "asked to review 3 applications for Round 1" in Outbox.body(mail[0])
        assert "/reviews" in Outbox.body(mail[0])
    assert _mail_to(outbox, cat.email) == []
    assert len(outbox.messages()) == 2


def test_assigning_again_adds_only_the_new_pairs_and_emails_only_for_them(
        app: Flask, setting: Any, make_user: Any, login_as: Any, outbox: Outbox) -> None:
    world = _make_round(app, setting, make_user, login_as, 3)
    ann, bob = _reviewers(make_user, "Ann Adams", "Bob Brown").values()
    assert _post(world.officer, world.round_id, world.applications[:2], [ann.id]).status_code == 302

    response = _post(world.officer, world.round_id, world.applications, [ann.id, bob.id])

    assert response.status_code == 302
    assert len(_assignments(app)) == 6
    assert [m["Subject"] for m in _mail_to(outbox, ann.email)] == ["2 applications to review for Round 1",
                                                                   "1 application to review for Round 1"]
    assert [m["Subject"] for m in _mail_to(outbox, bob.email)] == ["3 applications to review for Round 1"]


def test_the_page_lists_applications_with_their_reviewers_and_each_reviewers_load(
        app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 2)
    ann = _reviewers(make_user, "Ann Adams", "Bob Brown")["Ann Adams"]
    assign(app, world.applications[0], ann.id, world.officer.person.id)

    response = world.officer.get(f"/rounds/{world.round_id}/assignments")

    assert response.status_code == 200
    assert heading(response) == "Assign reviewers"
    text = _text(response)
    assert "SVF-2425-0001 – Organisation A Reviewers: Ann Adams" in text
    assert "SVF-2425-0002 – Organisation B No reviewers yet" in text
    assert "Ann Adams (1 in this round)" in text
    assert "Bob Brown (0 in this round)" in text


def test_assigning_with_no_application_selected_is_refused(app: Flask, setting: Any, make_user: Any,
                                                           login_as: Any, outbox: Outbox) -> None:
    world = _make_round(app, setting, make_user, login_as, 2)
    ann, bob = _reviewers(make_user, "Ann Adams", "Bob Brown").values()

    response = _post(world.officer, world.round_id, [], [ann.id, bob.id])

    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one application"]
    assert field_error(response, "applications") == "Select at least one application"
    assert _checked(response, "reviewers") == {str(ann.id), str(bob.id)}
    assert _assignments(app) == []
    assert outbox.messages() == []


def test_assigning_with_no_reviewer_selected_is_refused(app: Flask, setting: Any, make_user: Any,
                                                        login_as: Any, outbox: Outbox) -> None:
    world = _make_round(app, setting, make_user, login_as, 3)
    _reviewers(make_user, "Ann Adams")

    response = _post(world.officer, world.round_id, world.applications[:2], [])

    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one reviewer, or balance automatically"]
    assert field_error(response, "reviewers") == "Select at least one reviewer, or balance automatically"
    assert _checked(response, "applications") == {str(a) for a in world.applications[:2]}
    assert _assignments(app) == []
    assert outbox.messages() == []


def test_nothing_selected_shows_both_errors(app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    _reviewers(make_user, "Ann Adams")

    response = _post(world.officer, world.round_id, [], [])

    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one application",
                                       "Select at least one reviewer, or balance automatically"]
    assert page(response).title.get_text().startswith("Error:")


def test_balancing_needs_no_reviewer_selected(app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    _reviewers(make_user, "Ann Adams", "Bob Brown")

    response = _post(world.officer, world.round_id, world.applications, [], button="balance", per_application="2")

    assert response.status_code == 302
    assert len(_assignments(app)) == 2


@pytest.mark.parametrize("given", ["0", "x", "11", "-1", "2.5", ""])
def test_a_bad_number_of_reviewers_each_is_refused_beside_the_field(
        app: Flask, setting: Any, make_user: Any, login_as: Any, outbox: Outbox, given: str) -> None:
    world = _make_round(app, setting, make_user, login_as, 3)
    bob = _reviewers(make_user, "Ann Adams", "Bob Brown")["Bob Brown"]
    chosen = world.applications[1:]

    response = _post(world.officer, world.round_id, chosen, [bob.id], button="balance", per_application=given)

    message = "Reviewers for each application must be a whole number from 1 to 10"
    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert field_error(response, "per_application") == message
    assert page(response).select_one(".govuk-error-summary__list a")["href"] == "#per_application"
    box = page(response).find("input", id="per_application")
    assert box["value"] == given
    assert "govuk-input--error" in box["class"]
    assert _checked(response, "applications") == {str(a) for a in chosen}
    assert _checked(response, "reviewers") == {str(bob.id)}
    assert _assignments(app) == []
    assert outbox.messages() == []


def test_a_bad_number_with_no_application_gives_both_errors(app: Flask, setting: Any, make_user: Any,
                                                            login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    _reviewers(make_user, "Ann Adams")

    response = _post(world.officer, world.round_id, [], button="balance", per_application="0")

    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one application",
                                       "Reviewers for each application must be a whole number from 1 to 10"]


def test_ids_that_are_not_in_the_round_are_ignored(app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    ann = make_user(Role.REVIEWER, name="Ann Adams")
    officer_only = make_user(Role.GRANTS_OFFICER, name="Not A Reviewer")

    response = _post(world.officer, world.round_id, [99999], [ann.id, officer_only.id])

    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one application"]
    response = _post(world.officer, world.round_id, world.applications, [officer_only.id])
    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one reviewer, or balance automatically"]
    assert _assignments(app) == []


def test_another_rounds_applications_cannot_be_assigned_from_this_rounds_page(
        app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    elsewhere = being_assessed(app, _second_round(app, setting), make_user().id, organisation="Elsewhere Trust",
                               reference="SVF-2425-0050")
    ann = make_user(Role.REVIEWER, name="Ann Adams")
    assert "SVF-2425-0050" not in _text(world.officer.get(f"/rounds/{world.round_id}/assignments"))

    response = _post(world.officer, world.round_id, [elsewhere], [ann.id])

    assert response.status_code == 400
    assert error_summary(response) == ["Select at least one application"]
    assert _assignments(app) == []


def test_the_bulk_page_needs_a_csrf_token(app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    ann = make_user(Role.REVIEWER, name="Ann Adams")

    response = world.officer.post(f"/rounds/{world.round_id}/assignments",
                                  data={"applications": [str(world.applications[0])], "reviewers": [str(ann.id)],
                                        "assign": "1"})

    assert response.status_code == 400
    assert _assignments(app) == []


# Balancing automatically ----------------------------------------------------------------------


def test_balancing_gives_each_application_n_reviewers_and_spreads_the_load(
        app: Flask, setting: Any, make_user: Any, login_as: Any, outbox: Outbox) -> None:
    world = _make_round(app, setting, make_user, login_as, 6)
    people = _reviewers(make_user, "Ann Adams", "Bob Brown", "Cat Cole", "Dan Dale", "Eve Evans")

    response = _post(world.officer, world.round_id, world.applications, button="balance", per_application="2")

    assert response.status_code == 302
    made = _assignments(app)
    per_application = Counter(a for a, _, _ in made)
    assert per_application == {a: 2 for a in world.applications}
    assert all(len({r for a, r, _ in made if a == application}) == 2 for application in world.applications)
    load = Counter(r for _, r, _ in made)
    assert set(load) == {p.id for p in people.values()}
    assert set(load.values()) <= {2, 3}
    assert max(load.values()) - min(load.values()) <= 1
    assert sum(load.values()) == 12
    for person in people.values():
        mail = _mail_to(outbox, person.email)
        assert len(mail) == 1
        assert mail[0]["Subject"] == f"{load[person.id]} applications to review for Round 1"
    followed = world.officer.get(response.headers["Location"])
    assert any("12 assignments made" in b for b in _banners(followed))

    again = _post(world.officer, world.round_id, world.applications, button="balance", per_application="2")

    assert again.status_code == 302
    assert _assignments(app) == made
    assert any("0 assignments made" in b for b in _banners(world.officer.get(again.headers["Location"])))
    assert len(outbox.messages()) == 5


def test_balancing_counts_what_reviewers_already_hold(app: Flask, setting: Any, make_user: Any,
                                                      login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 4)
    ann, bob, cat = _reviewers(make_user, "Ann Adams", "Bob Brown", "Cat Cole").values()
    for application in world.applications[:2]:
        assign(app, application, ann.id, world.officer.person.id)

    response = _post(world.officer, world.round_id, world.applications[2:], button="balance", per_application="1")

    assert response.status_code == 302
    new = [(a, r) for a, r, _ in _assignments(app) if a in world.applications[2:]]
    assert sorted(r for _, r in new) == sorted([bob.id, cat.id])


def test_balancing_raises_an_application_to_a_higher_number(app: Flask, setting: Any, make_user: Any,
                                                            login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 2)
    _reviewers(make_user, "Ann Adams", "Bob Brown", "Cat Cole", "Dan Dale")
    assert _post(world.officer, world.round_id, world.applications, button="balance",
                 per_application="2").status_code == 302

    assert _post(world.officer, world.round_id, world.applications, button="balance",
                 per_application="3").status_code == 302

    assert Counter(a for a, _, _ in _assignments(app)) == {a: 3 for a in world.applications}


# Conflicts of interest ------------------------------------------------------------------------


@dataclass
class Conflicted:
    world: World
    first: int  # Organisation A's first application, where the interest was declared
    second: int  # Organisation A's second application, SVF-2425-0005
    conflicted: Any  # "Aaron Ash", who is first by name and holds the fewest applications
    others: dict[str, Any]


@pytest.fixture
def conflicted(app: Flask, setting: Any, make_user: Any, login_as: Any) -> Conflicted:
    """Organisation A has two applications in the round; Aaron Ash declared an interest on its first
    and holds nothing else, while the other reviewers already hold one application each."""
    world = _make_round(app, setting, make_user, login_as, 4)
    officer_id = world.officer.person.id
    first = world.applications[0]
    organisation_a = organisation_of(app, first)
    applicant_id = make_user().id
    second = being_assessed(app, setting, applicant_id, organisation_id=organisation_a, reference="SVF-2425-0005",
                            title="Second project")
    aaron = make_user(Role.REVIEWER, name="Aaron Ash")
    others = _reviewers(make_user, "Bob Brown", "Cat Cole", "Dan Dale")
    for person, application in zip(others.values(), world.applications[1:], strict=True):
        assign(app, application, person.id, officer_id)
    declare(app, assign(app, first, aaron.id, officer_id), interest=True, details="I am a trustee of Organisation A")
    return Conflicted(world, first, second, aaron, others)


def test_balancing_never_gives_a_conflicted_reviewer_the_organisations_other_application(
        app: Flask, conflicted: Conflicted, outbox: Outbox) -> None:
    world, aaron = conflicted.world, conflicted.conflicted
    before = set(_assignments(app))

    response = _post(world.officer, world.round_id, [conflicted.second], button="balance", per_application="2")

    assert response.status_code == 302
    new = set(_assignments(app)) - before
    assert len(new) == 2
    assert {a for a, _, _ in new} == {conflicted.second}
    assert aaron.id not in {r for _, r, _ in new}
    assert _mail_to(outbox, aaron.email) == []


def test_the_conflicted_reviewer_is_still_given_other_organisations_applications(
        app: Flask, conflicted: Conflicted) -> None:
    world, aaron = conflicted.world, conflicted.conflicted
    everything = [*world.applications, conflicted.second]

    response = _post(world.officer, world.round_id, everything, button="balance", per_application="2")

    assert response.status_code == 302
    made = _assignments(app)
    organisation_a = {conflicted.first, conflicted.second}
    aarons = {a for a, r, _ in made if r == aaron.id}
    assert aarons & organisation_a == {conflicted.first}  # only the assignment he declared on
    assert aarons - organisation_a, "the least loaded reviewer should have been given other applications"
    for application in everything:
        unconflicted = [r for a, r, d in made if a == application and d != Declaration.CONFLICTED]
        assert len(unconflicted) == 2, application


def test_balancing_says_when_too_few_reviewers_are_free_of_a_conflict(app: Flask, conflicted: Conflicted) -> None:
    world = conflicted.world

    response = _post(world.officer, world.round_id, [conflicted.second], button="balance", per_application="4")

    assert response.status_code == 302
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("3 assignments made" in b for b in banners)
    assert any("SVF-2425-0005 has only 3 of 4 reviewers: no one else is free of a conflict" in b for b in banners)
    assert conflicted.conflicted.id not in {r for a, r, _ in _assignments(app) if a == conflicted.second}


def test_bulk_assigning_by_hand_skips_the_conflicted_reviewer_and_says_why(
        app: Flask, conflicted: Conflicted, outbox: Outbox) -> None:
    world, aaron = conflicted.world, conflicted.conflicted
    bob = conflicted.others["Bob Brown"]
    before = set(_assignments(app))

    response = _post(world.officer, world.round_id, [conflicted.second], [aaron.id, bob.id])

    assert response.status_code == 302
    assert set(_assignments(app)) - before == {(conflicted.second, bob.id, Declaration.UNDECLARED)}
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("1 assignment made" in b for b in banners)
    assert any("Aaron Ash has declared an interest in Organisation A, so was not given SVF-2425-0005" in b
               for b in banners)
    assert _mail_to(outbox, aaron.email) == []
    assert len(_mail_to(outbox, bob.email)) == 1


def test_the_add_a_reviewer_list_leaves_out_the_conflicted_reviewer(app: Flask, conflicted: Conflicted) -> None:
    world = conflicted.world

    response = world.officer.get(f"/applications/{conflicted.second}/assessment")

    assert response.status_code == 200
    options = {option.get_text(strip=True) for option in page(response).select("select#reviewer_id option")}
    assert options == {"Bob Brown", "Cat Cole", "Dan Dale"}


def test_adding_the_conflicted_reviewer_by_id_is_refused_with_the_reason(
        app: Flask, conflicted: Conflicted, outbox: Outbox) -> None:
    world, aaron = conflicted.world, conflicted.conflicted
    hub = world.officer.get(f"/applications/{conflicted.second}/assessment")
    before = set(_assignments(app))

    response = world.officer.post(f"/applications/{conflicted.second}/reviewers",
                                  data={"csrf_token": csrf_token(hub), "reviewer_id": str(aaron.id)})

    assert response.status_code == 302
    assert set(_assignments(app)) == before
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("Aaron Ash has declared an interest in Organisation A, so was not given SVF-2425-0005" in b
               for b in banners)
    assert not any("has been asked to review" in b for b in banners)
    assert _mail_to(outbox, aaron.email) == []


def test_adding_a_free_reviewer_assigns_and_emails_them(app: Flask, conflicted: Conflicted, outbox: Outbox) -> None:
    world = conflicted.world
    cat = conflicted.others["Cat Cole"]
    hub = world.officer.get(f"/applications/{conflicted.second}/assessment")

    response = world.officer.post(f"/applications/{conflicted.second}/reviewers",
                                  data={"csrf_token": csrf_token(hub), "reviewer_id": str(cat.id)})

    assert response.status_code == 302
    assert (conflicted.second, cat.id, Declaration.UNDECLARED) in _assignments(app)
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("Cat Cole has been asked to review SVF-2425-0005" in b for b in banners)
    assert [m["Subject"] for m in _mail_to(outbox, cat.email)] == ["1 application to review for Round 1"]


def test_adding_someone_who_is_not_a_reviewer_is_refused(app: Flask, conflicted: Conflicted, make_user: Any) -> None:
    world = conflicted.world
    stranger = make_user(Role.GRANTS_OFFICER, name="Not A Reviewer")
    hub = world.officer.get(f"/applications/{conflicted.second}/assessment")
    before = set(_assignments(app))

    for reviewer_id in (str(stranger.id), "99999", "abc", ""):
        response = world.officer.post(f"/applications/{conflicted.second}/reviewers",
                                      data={"csrf_token": csrf_token(hub), "reviewer_id": reviewer_id})
        assert response.status_code == 302, reviewer_id

    assert set(_assignments(app)) == before


def test_balancing_tops_an_application_back_up_after_a_conflict(app: Flask, setting: Any, make_user: Any,
                                                                 login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    ann, bob, _ = _reviewers(make_user, "Ann Adams", "Bob Brown", "Cat Cole").values()
    assert _post(world.officer, world.round_id, world.applications, [ann.id, bob.id]).status_code == 302
    with app.app_context():
        annes = db.session.scalar(select(Assignment.id).where(Assignment.reviewer_id == ann.id))
    declare(app, annes, interest=True, details="My brother runs it")

    response = _post(world.officer, world.round_id, world.applications, button="balance", per_application="2")

    assert response.status_code == 302
    made = _assignments(app)
    assert len(made) == 3
    assert [r for _, r, d in made if d != Declaration.CONFLICTED].count(ann.id) == 0
    assert len([r for _, r, d in made if d != Declaration.CONFLICTED]) == 2
    assert (world.applications[0], ann.id, Declaration.CONFLICTED) in made  # stays on the register

    _post(world.officer, world.round_id, world.applications, button="balance", per_application="2")
    assert _assignments(app) == made


def test_the_assessment_page_prompts_to_reassign_after_a_declared_interest(app: Flask, conflicted: Conflicted) -> None:
    world = conflicted.world

    response = world.officer.get(f"/applications/{conflicted.first}/assessment")

    assert response.status_code == 200
    warnings = [" ".join(w.get_text().split()) for w in page(response).select(".govuk-warning-text")]
    assert any("Aaron Ash declared an interest in Organisation A. Assign another reviewer in their place." in w
               for w in warnings)
    row = next(tr for tr in page(response).select("tbody tr") if "Aaron Ash" in tr.get_text())
    assert "Interest declared" in row.get_text()
    assert "I am a trustee of Organisation A" in row.get_text()
    assert row.find("button") is None  # nothing to remove
    # The same reviewer on another application with no declaration: no prompt.
    other = world.officer.get(f"/applications/{conflicted.second}/assessment")
    assert page(other).select(".govuk-warning-text") == []


# Taking an assignment back --------------------------------------------------------------------


def _remove(client: FlaskClient, application_id: int, assignment_id: int) -> Any:
    hub = client.get(f"/applications/{application_id}/assessment")
    return client.post(f"/assignments/{assignment_id}/remove", data={"csrf_token": csrf_token(hub)})


def _exists(app: Flask, assignment_id: int) -> bool:
    with app.app_context():
        return db.session.get(Assignment, assignment_id) is not None


def test_removing_an_undeclared_assignment_works_and_is_audited(app: Flask, setting: Any, make_user: Any,
                                                                login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    ann = make_user(Role.REVIEWER, name="Ann Adams")
    application = world.applications[0]
    assignment_id = assign(app, application, ann.id, world.officer.person.id)
    hub = world.officer.get(f"/applications/{application}/assessment")
    forms = [f["action"] for f in page(hub).select("form") if "/remove" in f.get("action", "")]
    assert forms == [f"/assignments/{assignment_id}/remove"]

    response = _remove(world.officer, application, assignment_id)

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application}/assessment")
    assert not _exists(app, assignment_id)
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("Ann Adams no longer reviews SVF-2425-0001" in b for b in banners)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.reviewer_removed")).all()
        assert [(e.actor_id, e.subject_type, e.subject_id, e.details["reviewer_id"]) for e in events] == [
            (world.officer.person.id, "applications", str(application), ann.id)]


def test_removing_a_declared_interest_is_refused(app: Flask, conflicted: Conflicted) -> None:
    world = conflicted.world
    with app.app_context():
        assignment_id = db.session.scalar(select(Assignment.id).where(
            Assignment.reviewer_id == conflicted.conflicted.id))

    response = _remove(world.officer, conflicted.first, assignment_id)

    assert response.status_code == 302
    assert _exists(app, assignment_id)
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("A declared interest stays on the register and cannot be removed" in b for b in banners)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.reviewer_removed")) is None


def test_removing_an_assignment_with_a_submitted_review_is_refused(app: Flask, setting: Any, make_user: Any,
                                                                   login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    add_criteria(app, setting.round_id)
    ann = make_user(Role.REVIEWER, name="Ann Adams")
    application = world.applications[0]
    assignment_id = reviewed(app, application, ann.id, world.officer.person.id, [3, 3, 3, 3, 3])
    hub = world.officer.get(f"/applications/{application}/assessment")
    assert not [f for f in page(hub).select("form") if "/remove" in f.get("action", "")]

    response = _remove(world.officer, application, assignment_id)

    assert response.status_code == 302
    assert _exists(app, assignment_id)
    banners = _banners(world.officer.get(response.headers["Location"]))
    assert any("This reviewer has submitted their review, so the assignment cannot be removed" in b for b in banners)


def test_removing_needs_a_csrf_token(app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    ann = make_user(Role.REVIEWER, name="Ann Adams")
    assignment_id = assign(app, world.applications[0], ann.id, world.officer.person.id)

    response = world.officer.post(f"/assignments/{assignment_id}/remove")

    assert response.status_code == 400
    assert _exists(app, assignment_id)


# Workload -------------------------------------------------------------------------------------


def _table(response: Any) -> dict[str, list[str]]:
    """Each body row's header cell → its other cells."""
    rows = {}
    for tr in page(response).select("table tbody tr"):
        header = tr.find("th")
        if header is not None:
            rows[" ".join(header.get_text().split())] = [" ".join(td.get_text().split()) for td in tr.find_all("td")]
    return rows


def test_the_workload_page_counts_each_reviewers_assignments_by_state(app: Flask, setting: Any, make_user: Any,
                                                                      login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 6)
    add_criteria(app, setting.round_id)
    officer_id = world.officer.person.id
    ann, bob, _ = _reviewers(make_user, "Ann Adams", "Bob Brown", "Cat Cole").values()
    first, second, third, fourth, fifth, sixth = world.applications
    assign(app, first, ann.id, officer_id)  # to declare
    declare(app, assign(app, second, ann.id, officer_id), interest=True, details="Trustee")  # conflict
    declare(app, assign(app, third, ann.id, officer_id))  # not started
    draft = assign(app, fourth, ann.id, officer_id)
    declare(app, draft)
    score(app, draft, [3, None, None, None, None], submit=False)  # draft
    reviewed(app, fifth, ann.id, officer_id, [4, 4, 4, 4, 4])  # submitted
    reviewed(app, sixth, ann.id, officer_id, [2, 2, 2, 2, 2])  # submitted
    reviewed(app, first, bob.id, officer_id, [1, 1, 1, 1, 1])
    assign(app, second, bob.id, officer_id)
    other_round = _second_round(app, setting)
    elsewhere = being_assessed(app, other_round, make_user().id, organisation="Elsewhere Trust",
                               reference="SVF-2425-0050")
    declare(app, assign(app, elsewhere, ann.id, officer_id), interest=True, details="Not this round")

    response = world.officer.get(f"/rounds/{world.round_id}/reviewers")

    assert response.status_code == 200
    headers = [" ".join(th.get_text().split()) for th in page(response).select("thead th")]
    assert headers == ["Reviewer", "Assigned", "To declare", "Interests declared", "Not started", "Draft", "Submitted"]
    assert _table(response) == {
        "Ann Adams": ["6", "1", "1", "1", "1", "2"],
        "Bob Brown": ["2", "1", "0", "0", "0", "1"],
        "Cat Cole": ["0", "0", "0", "0", "0", "0"],
    }
    assert _table(world.officer.get(f"/rounds/{other_round.round_id}/reviewers"))["Ann Adams"] == [
        "1", "0", "1", "0", "0", "0"]


def test_the_workload_page_lists_reviewers_with_nothing(app: Flask, setting: Any, make_user: Any,
                                                        login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    response = officer.get(f"/rounds/{setting.round_id}/reviewers")
    assert response.status_code == 200
    assert "There are no reviewers yet" in _text(response)

    make_user(Role.REVIEWER, name="Ann Adams")
    make_user(Role.REVIEWER, name="Gone Reviewer", active=False)
    assert _table(officer.get(f"/rounds/{setting.round_id}/reviewers")) == {
        "Ann Adams": ["0", "0", "0", "0", "0", "0"]}


# The conflicts register -----------------------------------------------------------------------


def test_the_register_lists_every_declaration_as_made(app: Flask, setting: Any, make_user: Any,
                                                      login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 3)
    officer_id = world.officer.person.id
    ann, bob = _reviewers(make_user, "Ann Adams", "Bob Brown").values()
    first, second, third = world.applications
    no_interest_at = datetime(2025, 1, 14, 9, 5, tzinfo=UTC)
    interest_at = datetime(2025, 1, 15, 14, 30, tzinfo=UTC)
    clock.travel_to(no_interest_at)
    declare(app, assign(app, first, ann.id, officer_id))
    clock.travel_to(interest_at)
    declare(app, assign(app, second, bob.id, officer_id), interest=True,
            details="My sister chairs the trustees of Organisation B")
    clock.reset()
    assign(app, third, ann.id, officer_id)  # not yet declared: not on the register
    elsewhere = being_assessed(app, _second_round(app, setting), make_user().id, organisation="Elsewhere Trust",
                               reference="SVF-2425-0050")
    declare(app, assign(app, elsewhere, bob.id, officer_id), interest=True, details="Another round's interest")

    response = world.officer.get(f"/rounds/{world.round_id}/conflicts")

    assert response.status_code == 200
    assert heading(response) == "Register of declared interests"
    headers = [" ".join(th.get_text().split()) for th in page(response).select("thead th")]
    assert headers == ["Reviewer", "Organisation", "Application", "Declaration", "Details", "Declared"]
    rows = [[" ".join(td.get_text().split()) for td in tr.find_all("td")] for tr in page(response).select("tbody tr")]
    assert rows == [
        ["Ann Adams", "Organisation A", "SVF-2425-0001", "No interest", "", "14 January 2025 at 9:05am"],
        ["Bob Brown", "Organisation B", "SVF-2425-0002", "Interest declared",
         "My sister chairs the trustees of Organisation B", "15 January 2025 at 2:30pm"],
    ]
    assert format_datetime(interest_at) == "15 January 2025 at 2:30pm"


def test_the_register_with_no_declarations(app: Flask, setting: Any, make_user: Any, login_as: Any) -> None:
    world = _make_round(app, setting, make_user, login_as, 1)
    assign(app, world.applications[0], make_user(Role.REVIEWER).id, world.officer.person.id)

    response = world.officer.get(f"/rounds/{world.round_id}/conflicts")

    assert response.status_code == 200
    assert "No declarations yet." in _text(response)


# Who may run assignments ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.APPLICANT])
def test_only_grants_officers_reach_the_round_pages(app: Flask, setting: Any, login_as: Any, role: Role) -> None:
    client = login_as(role)
    for path in ("assignments", "reviewers", "conflicts"):
        assert client.get(f"/rounds/{setting.round_id}/{path}").status_code == 403, path


def test_an_unknown_round_is_not_found(app: Flask, setting: Any, login_as: Any) -> None:
    officer = login_as(Role.GRANTS_OFFICER)
    for path in ("assignments", "reviewers", "conflicts"):
        assert officer.get(f"/rounds/99999/{path}").status_code == 404, path


def test_the_officer_who_assigned_is_emailed_when_a_reviewer_declares_an_interest(
        app: Flask, setting: Setting, make_user: Any, login_as: Any, outbox: Outbox) -> None:
    officer = make_user(Role.GRANTS_OFFICER, name="Olive Officer", email="olive@example.org")
    applicant = make_user(Role.APPLICANT)
    application_id = factories.being_assessed(app, setting, applicant.id)
    factories.add_criteria(app, setting.round_id)
    reviewer = login_as(Role.REVIEWER, name="Rhys Reviewer")
    assignment_id = factories.assign(app, application_id, reviewer.person.id, officer.id)

    response = submit_form(reviewer, f"/reviews/{assignment_id}",
                           {"interest": "yes", "details": "I am a trustee of the organisation"})

    assert response.status_code == 302
    message = outbox.last("olive@example.org")
    assert message["Subject"] == "Rhys Reviewer declared an interest in SVF-2425-0001"
    assert f"/applications/{application_id}/assessment" in Outbox.body(message)
