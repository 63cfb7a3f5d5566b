"""Forms for grants: the offer, acceptance, the schedule, payments, bank details, variations and
the grant's life. Rules that need the database live in the services."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import FieldList, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import (
    BaseForm,
    CheckboxesField,
    DateInputField,
    NameField,
    RadiosField,
    is_whole_number,
    parse_amount,
    strip,
)
from .models import VariationKind


def _amount(field: Any, label: str, allow_zero: bool = False) -> int:
    text = (field.data or "").strip()
    if allow_zero and text.lstrip("£") in ("0", "0.00", "0.0"):
        return 0
    try:
        return parse_amount(text, label, example="5000")
    except ValueError as problem:
        raise ValidationError(str(problem)) from None


class OfferForm(BaseForm):
    start_date = DateInputField("Start date", required="Enter the start date", description="For example, 1 4 2026")
    end_date = DateInputField("End date", required="Enter the end date", description="For example, 31 3 2027")
    submit = SubmitField("Make the offer", widget=GovSubmitInput())

    def validate_end_date(self, field: Any) -> None:
        if field.data and self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError("End date must be after the start date")


ACCEPTANCE_CONFIRMATIONS = [
    ("authorised", "I am authorised to accept this grant on behalf of the organisation"),
    ("terms", "The organisation accepts the grant agreement, its conditions, and the variation and clawback terms"),
    ("reporting", "The organisation will report on the grant as the agreement sets out, without personal data "
                  "about participants"),
]


class AcceptForm(BaseForm):
    name = NameField("Your full name")
    role = StringField("Your role in the organisation", widget=GovTextInput(), filters=[strip],
                       description="For example, chair of trustees or chief executive",
                       validators=[DataRequired("Enter your role in the organisation"),
                                   Length(max=200, message="Your role must be 200 characters or fewer")])
    confirmations = CheckboxesField("Confirm each of these", choices=ACCEPTANCE_CONFIRMATIONS)
    submit = SubmitField("Accept the grant", widget=GovSubmitInput())

    def validate_confirmations(self, field: Any) -> None:
        if set(field.data or []) != {key for key, _ in ACCEPTANCE_CONFIRMATIONS}:
            raise ValidationError("Confirm all three statements to accept the grant")


TRIGGER_CHOICES = [("on_acceptance", "When the offer is accepted"), ("final_return", "After the final return")]


class InstalmentRow(BaseForm):
    class Meta:
        csrf = False

    amount = StringField("Amount", widget=GovTextInput(), filters=[strip])
    when = SelectField("When it is paid", widget=GovSelect())

    def validate_amount(self, field: Any) -> None:
        self.amount_pence = _amount(field, "Amount")


class ScheduleForm(BaseForm):
    instalments = FieldList(FormField(InstalmentRow), min_entries=1, max_entries=12)
    submit = SubmitField("Save the schedule", widget=GovSubmitInput())

    def set_choices(self, quarters: int) -> None:
        choices = [TRIGGER_CHOICES[0]] + [(f"after_return:{n}", f"After quarterly return {n}")
                                          for n in range(1, quarters + 1)] + [TRIGGER_CHOICES[1]]
        for row in self.instalments:
            row.form.when.choices = choices


class ReasonForm(BaseForm):
    reason = TextAreaField("Reason", widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired("Enter the reason"),
                                       Length(max=2000, message="Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class CloseForm(BaseForm):
    clawback = StringField("Clawback owed (optional)", widget=GovTextInput(), filters=[strip],
                           description="In pounds. Money paid that the organisation must return, for example because "
                                       "it was not spent on the grant's purpose. Leave empty for none.")
    clawback_reason = TextAreaField("Reason for the clawback", widget=GovTextArea(), filters=[strip],
                                    validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Close the grant", widget=GovSubmitInput())

    clawback_pence = 0

    def validate_clawback(self, field: Any) -> None:
        self.clawback_pence = _amount(field, "Clawback", allow_zero=True) if field.data else 0

    def validate_clawback_reason(self, field: Any) -> None:
        if self.clawback.data and self.clawback_pence and not field.data:
            raise ValidationError("Enter the reason for the clawback")


class PaidForm(BaseForm):
    paid_on = DateInputField("Date paid", required="Enter the date the payment was made",
                             description="For example, 27 3 2026")
    remittance = StringField("Remittance reference", widget=GovTextInput(), filters=[strip],
                             description="The reference from the finance system or the bank",
                             validators=[DataRequired("Enter the remittance reference"),
                                         Length(max=60, message="Remittance reference must be 60 characters or fewer")])
    submit = SubmitField("Record payment", widget=GovSubmitInput())


class VerifyForm(BaseForm):
    method = StringField("How did you verify the bank details?", widget=GovTextInput(), filters=[strip],
                         description="For example, phoned the treasurer on the number in the published accounts",
                         validators=[DataRequired("Say how you verified the bank details"),
                                     Length(max=200, message="How you verified must be 200 characters or fewer")])
    note = TextAreaField("Notes (optional)", widget=GovTextArea(), filters=[strip],
                         validators=[Length(max=2000, message="Notes must be 2,000 characters or fewer")])
    confirm = CheckboxesField("Confirm", choices=[("confirmed", "I confirmed these details with the organisation "
                                                                "using contact details we already held")])
    submit = SubmitField("Record verification", widget=GovSubmitInput())

    def validate_confirm(self, field: Any) -> None:
        if "confirmed" not in (field.data or []):
            raise ValidationError("Confirm that you checked the details using contact details you already held")


class VariationForm(BaseForm):
    kind = RadiosField("What needs to change?", choices=[(k.value, k.label) for k in VariationKind],
                       validators=[DataRequired("Select what needs to change")])
    amount = StringField("New award amount", widget=GovTextInput(), filters=[strip], description="In pounds")
    end_date = DateInputField("New end date", description="For example, 30 6 2027")
    targets = FieldList(StringField("New target", widget=GovTextInput(), filters=[strip]), min_entries=0)
    reason = TextAreaField("Why is the change needed?", widget=GovTextArea(), filters=[strip],
                           validators=[DataRequired("Enter why the change is needed"),
                                       Length(max=3000, message="Reason must be 3,000 characters or fewer")])
    submit = SubmitField("Send the request", widget=GovSubmitInput())

    awarded_pence: int | None = None

    def validate_amount(self, field: Any) -> None:
        if self.kind.data == VariationKind.AMOUNT:
            if not field.data:
                raise ValidationError("Enter the new award amount")
            self.awarded_pence = _amount(field, "New award amount")

    def validate_end_date(self, field: Any) -> None:
        if self.kind.data == VariationKind.END_DATE and not field.data and not field.errors:
            raise ValidationError("Enter the new end date")

    def target_values(self) -> list[int | None]:
        """The new targets as typed; None where left empty. Adds an error to each bad one."""
        values: list[int | None] = []
        for field in self.targets:
            text = (field.data or "").replace(",", "")
            if not text:
                values.append(None)
            elif not is_whole_number(text) or not 0 < int(text) <= 1_000_000:
                field.errors = [*field.errors, "Target must be a whole number from 1 to 1,000,000"]
                values.append(None)
            else:
                values.append(int(text))
        return values


class DecideVariationForm(BaseForm):
    decision = RadiosField("Decision", choices=[("approve", "Approve the change"), ("refuse", "Refuse the change")],
                           validators=[DataRequired("Select approve or refuse")])
    decision_reason = TextAreaField("Reason for your decision", widget=GovTextArea(), filters=[strip],
                                    validators=[DataRequired("Enter the reason for your decision"),
                                                Length(max=2000, message="Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Record decision", widget=GovSubmitInput())
