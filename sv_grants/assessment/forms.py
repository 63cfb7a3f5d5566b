"""Forms of the assessment: the eligibility check, questions and answers, declarations, scoring,
moderation and decisions. Rules that need the database live in the services."""

from __future__ import annotations

import re
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import FieldList, FormField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import BaseForm, CheckboxesField, DateInputField, RadiosField, WordCountField, parse_amount, strip
from ..money import gbp
from .checks import CHECKLIST
from .models import CheckOutcome, Outcome, Recommendation

_PERCENT = re.compile(r"^\d{1,3}(\.\d)?$")


class EligibilityCheckForm(BaseForm):
    items = CheckboxesField("Which checks does the application meet?", choices=[(i.key, i.label) for i in CHECKLIST],
                            description="Select every check the application meets.")
    notes = TextAreaField("Notes for the grants team (optional)", widget=GovTextArea(), filters=[strip],
                          validators=[Length(max=5000, message="Notes must be 5,000 characters or fewer")])
    outcome = RadiosField("Outcome of the check", choices=[
        (CheckOutcome.PASSED.value, "Pass: move the application into assessment"),
        (CheckOutcome.FAILED.value, "Fail: the application is not eligible")],
        validators=[DataRequired("Select pass or fail")])
    reason = WordCountField("Reason the applicant will see (if it fails)", 300,
                            description="Say which requirement is not met and what the organisation could do. "
                                        "In 300 words or fewer.")
    submit = SubmitField("Record the check", widget=GovSubmitInput())

    def validate_reason(self, field: Any) -> None:
        if self.outcome.data == CheckOutcome.FAILED and not field.data:
            raise ValidationError("Enter the reason the applicant will see")

    def validate_outcome(self, field: Any) -> None:
        if field.data == CheckOutcome.PASSED and set(self.items.data or []) != {i.key for i in CHECKLIST}:
            raise ValidationError("An application can only pass when it meets every check: select each one, "
                                  "or record a fail")


class QuestionForm(BaseForm):
    question = WordCountField("Your question", 300, required="Enter your question",
                              description="The applicant's members get an email and answer it in the service.")
    submit = SubmitField("Send question", widget=GovSubmitInput())


class AnswerForm(BaseForm):
    answer = WordCountField("Your answer", 500, required="Enter your answer", description="In 500 words or fewer.")
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class DeclarationForm(BaseForm):
    interest = RadiosField("Do you have an interest in this organisation?", choices=[
        ("no", "No, I have no interest to declare"),
        ("yes", "Yes, I have an interest")],
        validators=[DataRequired("Select whether you have an interest in the organisation")],
        description="For example, you or a close family member work for, volunteer with, are a trustee of, or "
                    "fund this organisation, or you have a personal connection with it.")
    details = WordCountField("Describe your interest", 200,
                             description="Leave blank if you have no interest. In 200 words or fewer.")
    submit = SubmitField("Confirm declaration", widget=GovSubmitInput())

    def validate_details(self, field: Any) -> None:
        if self.interest.data == "yes" and not field.data:
            raise ValidationError("Describe your interest in the organisation")


class ScoreRowForm(BaseForm):
    class Meta:
        csrf = False  # the outer form carries the token

    criterion_id = HiddenField()
    score = RadiosField("Score", choices=[], validators=[Optional()])
    comment = TextAreaField("Comment", widget=GovTextArea(), filters=[strip],
                            validators=[Length(max=5000, message="Comment must be 5,000 characters or fewer")])


class ReviewForm(BaseForm):
    criteria = FieldList(FormField(ScoreRowForm), min_entries=0)
    recommendation = RadiosField("Your recommendation", choices=[(r.value, r.label) for r in Recommendation],
                                 validators=[Optional()])
    overall_comment = TextAreaField("Overall comment", widget=GovTextArea(), filters=[strip],
                                    validators=[Length(max=5000, message="Comment must be 5,000 characters or fewer")])
    save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
    submit_review = SubmitField("Submit review", widget=GovSubmitInput())


class ReopenForm(BaseForm):
    reason = WordCountField("Why are you reopening this review?", 100, required="Enter why you are reopening it")
    submit = SubmitField("Reopen review", widget=GovSubmitInput())


class ModerationForm(BaseForm):
    score = StringField("Moderated score (%)", widget=GovTextInput(), filters=[strip],
                        validators=[DataRequired("Enter the moderated score")],
                        description="A percentage from 0 to 100, to one decimal place, like 72.5")
    reason = WordCountField("Reason for moderating", 200, required="Enter the reason for the moderated score")
    submit = SubmitField("Record moderated score", widget=GovSubmitInput())

    def validate_score(self, field: Any) -> None:
        text = (field.data or "").removesuffix("%").strip()
        if not _PERCENT.match(text) or float(text) > 100:
            raise ValidationError("Moderated score must be a number from 0 to 100, with at most one decimal place")

    @property
    def score_tenths(self) -> int:
        whole, _, tenth = self.score.data.removesuffix("%").strip().partition(".")
        return int(whole) * 10 + int(tenth or 0)


class DecisionForm(BaseForm):
    outcome = RadiosField("Decision", choices=[(o.value, o.label) for o in Outcome],
                          validators=[DataRequired("Select approved, rejected or reserve list")])
    amount = StringField("Amount awarded", widget=GovTextInput(), filters=[strip],
                         description="In pounds. The full amount requested, or less.")
    conditions = WordCountField("Conditions of the award (optional)", 300,
                                description="For example, a revised delivery plan before the first payment.")
    feedback = WordCountField("Feedback for the applicant", 500,
                              description="The applicant sees this when you notify them. Required for a rejection.")
    panel_date = DateInputField("Date of the panel", required="Enter the date of the panel",
                                description="For example, 27 3 2026")
    submit = SubmitField("Record decision", widget=GovSubmitInput())

    def __init__(self, *args: Any, requested_pence: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requested_pence = requested_pence
        self.awarded_pence: int | None = None

    def validate_amount(self, field: Any) -> None:
        if self.outcome.data != Outcome.APPROVED:
            return
        if not field.data:
            raise ValidationError("Enter the amount awarded")
        try:
            pence = parse_amount(field.data, "Amount awarded", example="15000")
        except ValueError as problem:
            raise ValidationError(str(problem)) from None
        if pence < 100:
            raise ValidationError("Amount awarded must be at least £1")
        if pence > self.requested_pence:
            raise ValidationError(f"Amount awarded cannot be more than the {gbp(self.requested_pence, True)} "
                                  "requested")
        self.awarded_pence = pence

    def validate_feedback(self, field: Any) -> None:
        if self.outcome.data == Outcome.REJECTED and not field.data:
            raise ValidationError("Enter feedback for the applicant")


class NotifyForm(BaseForm):
    decisions = CheckboxesField("Which decisions do you want to send?", choices=[],
                                validators=[DataRequired("Select at least one decision to send")])
    submit = SubmitField("Notify applicants", widget=GovSubmitInput())


class ButtonForm(BaseForm):
    """A form that is only a button (assign, remove): it carries the CSRF token."""
