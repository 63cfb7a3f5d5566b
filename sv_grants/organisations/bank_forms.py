"""The bank details form: checked here for shape, and again by the service before saving."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import BaseForm, strip
from .bank import clean_account_number, clean_sort_code


class BankDetailsForm(BaseForm):
    account_name = StringField("Name on the account", widget=GovTextInput(), filters=[strip],
                               validators=[DataRequired("Enter the name on the account"),
                                           Length(max=140, message="Name on the account must be 140 characters or "
                                                                   "fewer")])
    sort_code = StringField("Sort code", widget=GovTextInput(), filters=[strip], description="Must be 6 digits long")
    account_number = StringField("Account number", widget=GovTextInput(), filters=[strip],
                                 description="Must be between 6 and 8 digits long")
    submit = SubmitField("Save bank details", widget=GovSubmitInput())

    def validate_sort_code(self, field: Any) -> None:
        try:
            clean_sort_code(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def validate_account_number(self, field: Any) -> None:
        try:
            clean_account_number(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
