"""One small form per eligibility question (GOV.UK: one thing per page)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ..forms import BaseForm, DateInputField, RadiosField, parse_amount, strip
from ..money import gbp
from ..organisations.models import LegalForm
from .eligibility import NO_PRIORITY, OTHER_TYPE


class QuestionForm(BaseForm):
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def stored_answer(self) -> str:
        return str(self.answer.data)


def question_form(question: str, round_: Any, formdata: Any = None, data: dict[str, Any] | None = None) -> QuestionForm:
    builders = {
        "organisation_type": _organisation_type, "delivers_locally": _delivers_locally,
        "priority": _priority, "amount": _amount, "start_date": _start_date,
    }
    return builders[question](round_)(formdata=formdata, data=data)


def _organisation_type(round_: Any) -> type[QuestionForm]:
    class Form(QuestionForm):
        answer = RadiosField("What type of organisation is applying?", choices=[
            *((form.value, form.label) for form in LegalForm),
            (OTHER_TYPE, "Another kind, such as a public body, school or private company"),
        ], validators=[InputRequired("Select what type of organisation is applying")])
    return Form


def _delivers_locally(round_: Any) -> type[QuestionForm]:
    class Form(QuestionForm):
        answer = RadiosField("Will the work be delivered in County Durham or Darlington?",
                             choices=[("yes", "Yes"), ("no", "No")],
                             validators=[InputRequired("Select yes if the work will be delivered in County "
                                                       "Durham or Darlington")])
    return Form


def _priority(round_: Any) -> type[QuestionForm]:
    class Form(QuestionForm):
        answer = RadiosField("Which priority does the work mainly address?", choices=[
            *((str(p.id), f"{p.code}: {p.title}") for p in round_.fund.priorities),
            (NO_PRIORITY, "None of these"),
        ], validators=[InputRequired("Select the priority the work mainly addresses")])
    return Form


def _amount(round_: Any) -> type[QuestionForm]:
    class Form(QuestionForm):
        answer = StringField("How much will you ask for?", widget=GovTextInput(), filters=[strip],
                             description=f"This round gives grants of {gbp(round_.min_award_pence)} to "
                                         f"{gbp(round_.max_award_pence)}. An estimate is fine: your budget "
                                         "sets the final amount.",
                             validators=[DataRequired("Enter how much you will ask for, like 15000")])
        pence: int = 0

        def validate_answer(self, field: StringField) -> None:
            try:
                self.pence = parse_amount(field.data, "The amount", example="15000")
            except ValueError as problem:
                raise ValidationError(str(problem)) from None

        def stored_answer(self) -> str:
            return str(self.pence)
    return Form


def _start_date(round_: Any) -> type[QuestionForm]:
    class Form(QuestionForm):
        answer = DateInputField("When will the work start?", required="Enter the date the work will start",
                                message_name="Start date",
                                description="For example, 1 4 2025")

        def stored_answer(self) -> str:
            return self.answer.data.isoformat()
    return Form
