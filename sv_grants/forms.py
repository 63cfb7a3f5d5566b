"""Form pieces shared by every package: fields with GOV.UK widgets and plain-English errors."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import EmailField, Field, PasswordField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, StopValidation, ValidationError

from .money import gbp, parse_pounds


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
            DataRequired(required),  # after stripping: spaces are not a name
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


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def is_whole_number(text: str) -> bool:
    """Digits 0-9 only: str.isdigit() alone also accepts "²", which int() then refuses."""
    return text.isascii() and text.isdigit()


def word_count(text: str | None) -> int:
    # The same rule as GOV.UK Frontend's live count: runs of non-space characters.
    return len((text or "").split())


class _WordCountWidget(GovCharacterCount):
    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("maxwords", field.max_words)
        return params


class WordCountField(TextAreaField):
    """Free text limited in words, with GOV.UK's live word count (checked on the server too)."""

    widget = _WordCountWidget()

    def __init__(self, label: str, max_words: int, required: str | None = None, **kwargs: Any) -> None:
        self.max_words = max_words
        validators = [DataRequired(required)] if required else []  # after stripping: spaces are not an answer
        kwargs.setdefault("validators", validators)
        kwargs.setdefault("filters", [strip])
        super().__init__(label, **kwargs)

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if not validation_stopped and word_count(self.data) > self.max_words:
            self.errors.append(f"{self.label.text} must be {self.max_words} words or fewer")


_TOO_PRECISE = re.compile(r"\.\d{3,}$")


def parse_amount(text: str, label: str, example: str = "1500", maximum_pence: int = 100_000_000_00) -> int:
    """What a person typed ('£1,500', '1500', '1500.00') as pence, or ValueError with the message
    to show beside the field. ``money.parse_pounds`` reads the number; this says what is wrong."""
    text = (text or "").strip().replace(" ", "")
    if text.startswith(("-", "−", "£-", "£−")):
        raise ValueError(f"{label} must be more than £0")
    try:
        pence = parse_pounds(text)
    except ValueError:
        if _TOO_PRECISE.search(text) and _TOO_PRECISE.sub("", text).lstrip("£").replace(",", "").isdigit():
            raise ValueError(f"{label} must not have more than 2 decimal places, like {example}.50") from None
        raise ValueError(f"{label} must be an amount of money in pounds, like {example}") from None
    if pence <= 0:
        raise ValueError(f"{label} must be more than £0")
    if pence > maximum_pence:
        raise ValueError(f"{label} must be {gbp(maximum_pence)} or less")
    return pence


class DateInputField(Field):
    """A GOV.UK date input (day, month, year) with the design system's error messages."""

    widget = GovDateInput()

    def __init__(self, label: str, required: str | None = None, message_name: str | None = None,
                 **kwargs: Any) -> None:
        self.message_name = message_name  # when the label is a question: "Start date must be…"
        # Not InputRequired: it reads only the first input (the day), so "month and year only"
        # would be told to "Enter the date" instead of "must include a day".
        self.required_message = required
        super().__init__(label, **kwargs)

    def pre_validate(self, form: Any) -> None:
        if self.required_message and not any(self.raw_data or []):
            raise StopValidation(self.required_message)

    @property
    def name_in_messages(self) -> str:
        return self.message_name or self.label.text.removesuffix(" (optional)")

    def process_formdata(self, valuelist: list[str]) -> None:
        # Exactly three parts, whatever was posted, so the widget can always redraw them.
        parts = [str(part).strip() for part in list(valuelist)[:3]]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValueError(f"{self.name_in_messages} must include a {' and '.join(missing)}")
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.name_in_messages} must be a real date, like 27 3 2026")
        try:
            self.data = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(f"{self.name_in_messages} must be a real date, like 27 3 2026") from None

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""
