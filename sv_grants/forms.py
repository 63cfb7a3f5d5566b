"""Form pieces shared by every package: fields with GOV.UK widgets and plain-English errors."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovPasswordInput, GovRadioInput, GovTextInput
from wtforms import EmailField, PasswordField, RadioField, SelectMultipleField, StringField
from wtforms.validators import Email, InputRequired, Length, ValidationError


class EmailAddressField(EmailField):
    """An e-mail address, trimmed, with GOV.UK's error messages."""

    widget = GovTextInput()

    def __init__(self, label: str = "Email address", required: str = "Enter your email address",
                 **kwargs: Any) -> None:
        kwargs.setdefault("validators", [
            InputRequired(required),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.com",
                  check_deliverability=False),
        ])
        kwargs.setdefault("filters", [lambda v: v.strip() if isinstance(v, str) else v])
        super().__init__(label, **kwargs)


class NameField(StringField):
    widget = GovTextInput()

    def __init__(self, label: str = "Full name", required: str = "Enter your full name",
                 **kwargs: Any) -> None:
        kwargs.setdefault("validators", [
            InputRequired(required),
            Length(max=200, message=f"{label} must be 200 characters or fewer"),
        ])
        kwargs.setdefault("filters", [lambda v: v.strip() if isinstance(v, str) else v])
        super().__init__(label, **kwargs)


class NewPasswordField(PasswordField):
    widget = GovPasswordInput()

    def __init__(self, label: str = "Create a password", **kwargs: Any) -> None:
        kwargs.setdefault("description", "Use 12 characters or more. A few unrelated words make a "
                                         "password that is long and easy to remember.")
        kwargs.setdefault("validators", [InputRequired("Enter a password")])
        super().__init__(label, **kwargs)


class CheckboxesField(SelectMultipleField):
    """Several choices as GOV.UK checkboxes."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form: Any) -> None:
        values = {str(value) for value, _ in self.choices or []}
        for chosen in self.data or []:
            if str(chosen) not in values:
                raise ValidationError("Select from the options shown")


class RadiosField(RadioField):
    """One choice as GOV.UK radios; a value that was never offered gets a plain message."""

    widget = GovRadioInput()

    def pre_validate(self, form: Any) -> None:
        if self.data not in {str(value) for value, *_ in self.choices or []}:
            raise ValidationError("Select from the options shown")


class BaseForm(FlaskForm):
    """Every form: CSRF protected through Flask-WTF."""
