"""Forms for setting up an organisation and inviting colleagues."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms import BaseForm, EmailAddressField, NameField, RadiosField
from ..money import parse_pounds
from .identifiers import NUMBERS_REQUIRED, normalise_charity_number, normalise_company_number, normalise_postcode
from .models import LegalForm


class OrganisationForm(BaseForm):
    name = NameField("Organisation name", required="Enter the name of your organisation",
                     description="As it appears on your governing document")
    legal_form = RadiosField(
        "What type of organisation is it?",
        choices=[(form.value, form.label) for form in LegalForm],
        validators=[InputRequired("Select what type of organisation it is")],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class InviteMemberForm(BaseForm):
    email = EmailAddressField("Colleague's email address", required="Enter your colleague's email address")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


OUTSIDE_AREA = "outside"
MAX_INCOME_PENCE = 1_000_000_000 * 100


class ProfileForm(OrganisationForm):
    """The organisation's details, checked against its legal form (name and type come first)."""

    annual_income_pence: int | None = None  # set when annual_income validates

    charity_number = StringField("Charity number", widget=GovTextInput(), filters=[_strip],
                                 description="Registered charities, CIOs and charitable companies have one")
    company_number = StringField("Company number", widget=GovTextInput(), filters=[_strip],
                                 description="Companies, CICs and charitable companies have one. "
                                             "It is 8 characters, like 01234567")
    address_line_1 = StringField("Address line 1", widget=GovTextInput(), filters=[_strip], validators=[
        DataRequired("Enter the first line of your registered address"),
        Length(max=200, message="Address line 1 must be 200 characters or fewer")])
    address_line_2 = StringField("Address line 2 (optional)", widget=GovTextInput(), filters=[_strip],
                                 validators=[Length(max=200, message="Address line 2 must be 200 characters or fewer")])
    town = StringField("Town or city", widget=GovTextInput(), filters=[_strip], validators=[
        DataRequired("Enter the town or city"),
        Length(max=100, message="Town or city must be 100 characters or fewer")])
    postcode = StringField("Postcode", widget=GovTextInput(), filters=[_strip],
                           validators=[DataRequired("Enter the postcode")])
    local_authority = RadiosField(
        "Which council area is your registered address in?", choices=[],
        validators=[InputRequired("Select the council area of your registered address")])
    annual_income = StringField("Annual income", widget=GovTextInput(), filters=[_strip],
                                description="Total income in your latest accounts, in pounds, like 85000",
                                validators=[DataRequired("Enter your annual income, like 85000")])
    safeguarding_lead_name = NameField("Safeguarding lead's full name",
                                       required="Enter the full name of your safeguarding lead")
    safeguarding_lead_email = EmailAddressField("Safeguarding lead's email address",
                                                required="Enter your safeguarding lead's email address")
    # The button comes last, after the fields this form adds.
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def set_areas(self, areas: list[tuple[str, str]]) -> None:
        self.local_authority.choices = [*areas, (OUTSIDE_AREA, "Somewhere else")]

    def validate_charity_number(self, field: StringField) -> None:
        if field.data:
            field.data = _checked(normalise_charity_number, field.data)

    def validate_company_number(self, field: StringField) -> None:
        if field.data:
            field.data = _checked(normalise_company_number, field.data)

    def validate_postcode(self, field: StringField) -> None:
        field.data = _checked(normalise_postcode, field.data)

    def validate_annual_income(self, field: StringField) -> None:
        try:
            pence = parse_pounds(field.data)
        except ValueError:
            raise ValidationError("Enter your annual income in pounds, like 85000 or £85,000") from None
        if pence > MAX_INCOME_PENCE:
            raise ValidationError("Annual income must be £1,000,000,000 or less")
        self.annual_income_pence = pence

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.legal_form.data in {form.value for form in LegalForm}:
            needs_charity, needs_company = NUMBERS_REQUIRED[LegalForm(self.legal_form.data)]
            label = LegalForm(self.legal_form.data).label.lower()
            if needs_charity and not self.charity_number.data and not self.charity_number.errors:
                self.charity_number.errors = [f"Enter your charity number: a {label} has one"]
                valid = False
            if needs_company and not self.company_number.data and not self.company_number.errors:
                self.company_number.errors = [f"Enter your company number: a {label} has one"]
                valid = False
        return valid


def _checked(normalise: Any, value: str) -> str:
    try:
        return normalise(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None
