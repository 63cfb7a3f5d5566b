"""Forms for signing in, registering, two-factor set-up, password reset and managing staff."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Regexp

from ..forms import BaseForm, CheckboxesField, EmailAddressField, NameField, NewPasswordField
from .models import STAFF_ROLES, Role

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]
ALL_ROLE_CHOICES = [(role.value, role.label) for role in Role]


class SignInForm(BaseForm):
    email = EmailAddressField()
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class RegisterForm(BaseForm):
    name = NameField()
    email = EmailAddressField(description="We will send messages about your applications to this address")
    password = NewPasswordField()
    submit = SubmitField("Create account", widget=GovSubmitInput())


class TwoFactorForm(BaseForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code shown in your authenticator app",
        validators=[
            InputRequired("Enter the 6-digit code from your authenticator app"),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message="The code must be 6 digits, like 123456"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ForgottenPasswordForm(BaseForm):
    email = EmailAddressField()
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class SetPasswordForm(BaseForm):
    password = NewPasswordField("New password")
    submit = SubmitField("Save password", widget=GovSubmitInput())


class InviteStaffForm(BaseForm):
    name = NameField(required="Enter their full name")
    email = EmailAddressField(required="Enter their email address")
    roles = CheckboxesField("Roles", choices=STAFF_ROLE_CHOICES,
                            description="Select all that apply",
                            validators=[InputRequired("Select at least one role")])
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ChangeRolesForm(BaseForm):
    roles = CheckboxesField("Roles", choices=ALL_ROLE_CHOICES, description="Select all that apply",
                            validators=[InputRequired("Select at least one role")])
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A button that changes something: it only needs the CSRF token."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
