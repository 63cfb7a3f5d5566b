"""Forms for choosing a return and for the context measures officers enter."""

from __future__ import annotations

import re
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms import BaseForm, RadiosField, is_whole_number, strip
from .models import Measure


class ChooseReturnForm(BaseForm):
    """Read from the query string: choosing a return changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    fund = RadiosField("Fund", validators=[InputRequired("Select the fund")])
    kind = RadiosField("Return", validators=[InputRequired("Select which return you want")])
    # validate_choice is off: validate_period says what to do instead of WTForms' "Not a valid choice."
    period = SelectField("Period", widget=GovSelect(), validate_choice=False,
                         validators=[InputRequired("Select the period")])
    fmt = RadiosField("Format", validators=[InputRequired("Select a format")])

    def validate_period(self, field: Any) -> None:
        if field.data not in {value for value, _ in field.choices or []}:
            raise ValidationError("Select a period from the list")


_YEAR = re.compile(r"^(\d{4})[-/](\d{2})$")


class ContextMeasureForm(BaseForm):
    # The typed fields use DataRequired, which reads the text after ``strip``: spaces are not an answer.
    measure = RadiosField("Measure", choices=[(m.value, m.label) for m in Measure],
                          validators=[InputRequired("Select the measure")])
    # validate_choice is off for both lists: their own validators say what to do instead of "Not a valid choice."
    area_name = SelectField("Area", widget=GovSelect(), validate_choice=False,
                            validators=[InputRequired("Select the area")])
    financial_year = StringField("Financial year", widget=GovTextInput(), filters=[strip],
                                 description="For example, 2024-25",
                                 validators=[DataRequired("Enter the financial year, like 2024-25")])
    quarter = SelectField("Period of the year", widget=GovSelect(), validate_choice=False, choices=[
        ("0", "The whole financial year"), ("1", "Quarter 1 (April to June)"), ("2", "Quarter 2 (July to September)"),
        ("3", "Quarter 3 (October to December)"), ("4", "Quarter 4 (January to March)")])
    value = StringField("Figure", widget=GovTextInput(), filters=[strip],
                        description="A whole number, as published",
                        validators=[DataRequired("Enter the figure")])
    source = TextAreaField("Source", widget=GovTextArea(), filters=[strip],
                           description="The publication and table the figure comes from, with its date",
                           validators=[DataRequired("Enter where the figure comes from"),
                                       Length(max=1000, message="Source must be 1000 characters or fewer")])

    def validate_area_name(self, field: Any) -> None:
        if field.data not in {value for value, _ in field.choices or []}:
            raise ValidationError("Select an area from the list")

    def validate_quarter(self, field: Any) -> None:
        if field.data not in {"0", "1", "2", "3", "4"}:
            raise ValidationError("Select the whole year or a quarter")

    def validate_financial_year(self, field: Any) -> None:
        match = _YEAR.match(field.data or "")
        if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValidationError("Enter the financial year as its two years, like 2024-25")
        if not 2000 <= int(match[1]) <= 2100:
            raise ValidationError("Enter a financial year between 2000-01 and 2100-01")
        field.data = f"{match[1]}-{match[2]}"

    def validate_value(self, field: Any) -> None:
        if not is_whole_number(field.data or ""):
            raise ValidationError("Enter the figure as a whole number, like 12")
        if int(field.data) > 10_000_000:
            raise ValidationError("Figure must be 10,000,000 or fewer")
