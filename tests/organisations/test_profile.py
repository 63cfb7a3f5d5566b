"""The organisation's details: checked against its legal form, tidied, kept private to its members."""

import pytest
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.auth.models import Role
from sv_grants.extensions import db
from sv_grants.funds.models import Area
from sv_grants.organisations.models import Organisation

from ..helpers import error_summary, field_error, heading, page, set_up_organisation, submit_form

VALID = {
    "name": "Eastside Youth Trust", "legal_form": "registered_charity", "charity_number": " 1234567 ",
    "company_number": "", "annual_income": "£85,000.50", "address_line_1": "1 High Row", "address_line_2": "",
    "town": "Darlington", "postcode": "dl15qa", "local_authority": "E06000005",
    "safeguarding_lead_name": "Sam Lee", "safeguarding_lead_email": "Sam.Lee@Example.org",
}


@pytest.fixture
def applicant(app, login_as):
    client = login_as(Role.APPLICANT)
    with app.app_context():
        db.session.add_all([Area(code="E06000047", name="County Durham", kind="local_authority"),
                            Area(code="E06000005", name="Darlington", kind="local_authority")])
        db.session.commit()
    client.organisation_id = set_up_organisation(app, client.person.id)
    return client


def details_url(client):
    return f"/organisations/{client.organisation_id}/details"


def test_details_are_saved_tidied_and_shown(app, applicant):
    response = submit_form(applicant, details_url(applicant), VALID)
    assert response.status_code == 302
    with app.app_context():
        organisation = db.session.get(Organisation, applicant.organisation_id)
        assert organisation.charity_number == "1234567"
        assert organisation.postcode == "DL1 5QA"
        assert organisation.annual_income_pence == 8_500_050
        assert organisation.local_authority_code == "E06000005"
        assert organisation.safeguarding_lead_email == "sam.lee@example.org"
        assert organisation.has_complete_profile
    shown = page(applicant.get(response.headers["Location"]))
    details = {" ".join(row.dt.get_text().split()): " ".join(row.dd.get_text(" ").split())
               for row in shown.select(".govuk-summary-list__row")}
    assert details["Registered address"] == "1 High Row Darlington DL1 5QA"
    assert details["Council area"] == "Darlington"
    assert details["Annual income"] == "£85,000.50"


def test_the_form_opens_filled_in_with_what_was_saved(applicant):
    submit_form(applicant, details_url(applicant), VALID)
    form = page(applicant.get(details_url(applicant)))
    assert form.find(id="postcode")["value"] == "DL1 5QA"
    assert form.find(id="annual_income")["value"] == "85000.50"
    assert form.find("input", attrs={"name": "local_authority", "value": "E06000005"}).has_attr("checked")


def test_missing_answers_are_each_named_and_what_was_typed_is_kept(applicant):
    response = submit_form(applicant, details_url(applicant), {**VALID, "address_line_1": "", "town": "",
                                                               "postcode": "", "annual_income": "",
                                                               "safeguarding_lead_name": "", "local_authority": ""})
    assert response.status_code == 200
    assert error_summary(response) == [
        "Enter the first line of your registered address", "Enter the town or city", "Enter the postcode",
        "Select the council area of your registered address", "Enter your annual income, like 85000",
        "Enter the full name of your safeguarding lead",
    ]
    assert page(response).find(id="safeguarding_lead_email")["value"] == "Sam.Lee@Example.org"
    assert heading(response) == "Your organisation's details"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"charity_number": ""}, "charity_number", "Enter your charity number: a registered charity has one"),
    ({"charity_number": "12345"}, "charity_number", "Enter a charity number in the correct format"),
    ({"legal_form": "cic", "company_number": ""}, "company_number",
     "Enter your company number: a community interest company (cic) has one"),
    ({"legal_form": "charitable_company", "company_number": "SC12"}, "company_number",
     "Enter a company number in the correct format"),
    ({"postcode": "DL1"}, "postcode", "Enter a real postcode, like DL1 5QA"),
    ({"annual_income": "-5"}, "annual_income", "Enter your annual income in pounds, like 85000 or £85,000"),
    ({"annual_income": "12.345"}, "annual_income", "Enter your annual income in pounds, like 85000 or £85,000"),
    ({"annual_income": "2000000000"}, "annual_income", "Annual income must be £1,000,000,000 or less"),
    ({"safeguarding_lead_email": "not an email"}, "safeguarding_lead_email",
     "Enter an email address in the correct format, like name@example.com"),
    ({"local_authority": "E06000001"}, "local_authority", "Select from the options shown"),
])
def test_each_wrong_answer_gets_its_own_message_beside_the_field(app, applicant, changes, field, message):
    response = submit_form(applicant, details_url(applicant), {**VALID, **changes})
    assert response.status_code == 200
    assert field_error(response, field).startswith(message)
    assert any(text.startswith(message) for text in error_summary(response))
    with app.app_context():
        assert db.session.get(Organisation, applicant.organisation_id).postcode is None  # nothing half-saved


def test_a_company_number_typed_without_leading_zeros_is_padded(app, applicant):
    submit_form(applicant, details_url(applicant), {**VALID, "legal_form": "charitable_company",
                                                    "company_number": "1234567"})
    with app.app_context():
        assert db.session.get(Organisation, applicant.organisation_id).company_number == "01234567"


def test_saving_is_audited_with_the_fields_that_changed(app, applicant):
    submit_form(applicant, details_url(applicant), VALID)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
        assert event.actor_id == applicant.person.id
        assert "postcode" in event.details["fields"] and "name" not in event.details["fields"]


def test_another_organisations_details_cannot_be_seen_or_changed(app, applicant, login_as):
    outsider = login_as(Role.APPLICANT)
    assert outsider.get(details_url(applicant)).status_code == 404
    token_page = outsider.get("/organisation")
    from ..helpers import csrf_token

    response = outsider.post(details_url(applicant), data={**VALID, "town": "Hijacked",
                                                           "csrf_token": csrf_token(token_page)})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Organisation, applicant.organisation_id).town is None
