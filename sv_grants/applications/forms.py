"""Forms for the eligibility questions and the ten sections of an application.

Section forms carry the section's version (for optimistic locking) and two buttons: "Save and
continue" checks everything and marks the section completed; "Save and come back later" keeps
whatever is valid so far, leaving the section in progress.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..dates import format_date
from ..forms import (
    BaseForm,
    CheckboxesField,
    DateInputField,
    NameField,
    RadiosField,
    WordCountField,
    is_whole_number,
    parse_amount,
    strip,
)
from ..money import gbp
from .sections import AGE_BANDS, BUDGET_CATEGORIES, DBS_CHECKS, GENDER_FOCUS

MAX_PEOPLE = 1_000_000


class SectionForm(BaseForm):
    version = HiddenField()
    save = SubmitField("Save and continue", widget=GovSubmitInput())
    save_draft = SubmitField("Save and come back later", widget=GovSubmitInput())

    @property
    def completing(self) -> bool:
        return not self.save_draft.data

    @property
    def seen_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except ValueError:
            return -1  # a tampered version never matches, so the save is refused as a conflict

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.completing:
            return valid
        # Saving for later: a blank answer is fine, a wrong one is still wrong.
        for field in self:
            if field.errors and _is_blank(field):
                field.errors = []
        return not any(field.errors for field in self)


def _is_blank(field: Any) -> bool:
    data = field.data
    if isinstance(data, dict):
        return all(value in (None, "", []) for value in data.values())
    raw = getattr(field, "raw_data", None)
    return data in (None, "", [], False) and not any(str(part).strip() for part in raw or [])


class AboutForm(SectionForm):
    title = StringField("Project title", widget=GovTextInput(), filters=[strip], validators=[
        DataRequired("Enter the title of your project"),
        Length(max=100, message="Project title must be 100 characters or fewer")])
    summary = WordCountField("Summary", 100, required="Enter a summary of your project",
                             description="In 100 words or fewer. We publish this if you are funded.")
    description = WordCountField("Full description", 500, required="Enter a full description of your project",
                                 description="What you will do, with whom, and what will change. "
                                             "In 500 words or fewer.")


class ReachForm(SectionForm):
    age_bands = CheckboxesField("Which ages will it work with?", choices=AGE_BANDS,
                                description="Select all that apply",
                                validators=[InputRequired("Select the ages the project will work with")])
    gender_focus = RadiosField("Who is it for?", choices=GENDER_FOCUS,
                               validators=[InputRequired("Select who the project is for")])
    people_expected = StringField("How many people do you expect to reach?", widget=GovTextInput(),
                                  filters=[strip], description="The number of different people, like 120",
                                  validators=[DataRequired("Enter how many people you expect to reach, like 120")])
    referral_routes = WordCountField("How will people be referred to you or found?", 250,
                                     required="Enter how people will be referred to you or found",
                                     description="For example schools, youth offending teams, police or outreach. "
                                                 "In 250 words or fewer.")
    delivery_areas = CheckboxesField("Where will it be delivered?", choices=[],
                                     description="Select all that apply",
                                     validators=[InputRequired("Select where the project will be delivered")])
    delivery_places = WordCountField("Named places (optional)", 100,
                                     description="For example Darlington town centre or Peterlee. "
                                                 "In 100 words or fewer.")

    def validate_people_expected(self, field: StringField) -> None:
        text = (field.data or "").replace(",", "")
        if not is_whole_number(text):
            raise ValidationError("Number of people must be a whole number, like 120")
        if not 0 < int(text) <= MAX_PEOPLE:
            raise ValidationError(f"Number of people must be between 1 and {MAX_PEOPLE:,}")

    @property
    def people(self) -> int | None:
        text = (self.people_expected.data or "").replace(",", "")
        return int(text) if is_whole_number(text) and 0 < int(text) <= MAX_PEOPLE else None


OTHER_INTERVENTION = "other"


class ApproachForm(SectionForm):
    intervention_type = RadiosField("What type of intervention is it?", choices=[],
                                    validators=[InputRequired("Select the type of intervention")])
    intervention_other = StringField("Describe the type of intervention", widget=GovTextInput(), filters=[strip],
                                     validators=[Length(max=200, message="The description must be 200 "
                                                                         "characters or fewer")])
    approach_reason = WordCountField("Why have you chosen this approach?", 250,
                                     required="Enter why you have chosen this approach",
                                     description="In 250 words or fewer")
    evidence = WordCountField("What evidence is there that it works?", 250,
                              required="Enter the evidence that this approach works",
                              description="Research, evaluations or your own results. In 250 words or fewer.")

    def validate_intervention_other(self, field: StringField) -> None:
        if self.intervention_type.data == OTHER_INTERVENTION and not field.data and self.completing:
            raise ValidationError("Describe the type of intervention")


class DeliveryForm(SectionForm):
    start_date = DateInputField("Start date", required="Enter the start date",
                                description="For example, 1 4 2025")
    end_date = DateInputField("End date", required="Enter the end date", description="For example, 31 3 2026")
    milestones = WordCountField("Milestones", 250, required="Enter the main milestones and when you will reach them",
                                description="The main steps and when you will reach them. In 250 words or fewer.")
    risks = WordCountField("Risks and how you will manage them", 250,
                           required="Enter the main risks and how you will manage them",
                           description="In 250 words or fewer")
    window: tuple[date, date] | None = None  # the round's delivery window, set by the route

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        start, end = self.start_date.data, self.end_date.data
        if self.window is not None:
            earliest, latest = self.window
            if start and start < earliest:
                self.start_date.errors = [f"Start date must be on or after {format_date(earliest)}"]
            elif start and start >= latest:
                self.start_date.errors = [f"Start date must be before {format_date(latest)}"]
            if end and end > latest:
                self.end_date.errors = [f"End date must be on or before {format_date(latest)}"]
        if start and end and end <= start and not self.end_date.errors:
            self.end_date.errors = ["End date must be after the start date"]
        return not any(field.errors for field in self)


class SafeguardingForm(SectionForm):
    policy = RadiosField("Which safeguarding policy will the project follow?", choices=[],
                         validators=[InputRequired("Select your safeguarding policy")])
    dbs_checks = RadiosField("Will everyone working with children or adults at risk have a DBS check?",
                             choices=DBS_CHECKS, validators=[InputRequired("Select whether people will have DBS "
                                                                           "checks")])
    dbs_details = WordCountField("How will you arrange the remaining checks?", 150,
                                 description="In 150 words or fewer")
    lead_confirmed = CheckboxesField("Safeguarding lead", choices=[("yes", "")],
                                     validators=[InputRequired("Confirm who your safeguarding lead is")])

    def validate_dbs_details(self, field: Any) -> None:
        if self.dbs_checks.data == "some" and not field.data and self.completing:
            raise ValidationError("Enter how you will arrange the remaining DBS checks")


class DocumentsForm(SectionForm):
    constitution = RadiosField("Constitution or governing document", choices=[],
                               validators=[InputRequired("Select your constitution or governing document")])
    accounts = RadiosField("Latest accounts", choices=[], validators=[InputRequired("Select your latest accounts")])


DECLARATIONS = [
    ("true", "The information in this application is true and complete to the best of my knowledge"),
    ("purposes", "Any grant will be used only for the purposes described in this application"),
    ("monitoring", "We agree to report on the project and to be monitored and audited"),
]


class DeclarationForm(SectionForm):
    declaration_name = NameField("Your full name", required="Enter your full name")
    declaration_role = NameField("Your role in the organisation", required="Enter your role in the organisation")
    confirmations = CheckboxesField("Declaration", choices=DECLARATIONS,
                                    validators=[InputRequired("Confirm each statement in the declaration")])

    def validate_confirmations(self, field: Any) -> None:
        if set(field.data or []) != {value for value, _ in DECLARATIONS}:
            raise ValidationError("Confirm each statement in the declaration")


# Repeating rows: budget lines, planned outputs, outcomes --------------------------------------------

class _Row(Form):
    """A row of a repeating list. Rows are checked by the section form, which knows their number."""

    def is_blank(self) -> bool:
        return all(not (field.data or "").strip() for field in self if isinstance(field.data, str | None))


def refresh_errors(rows: FieldList) -> None:
    """A FieldList gathers its rows' errors while it validates; messages added afterwards must be
    gathered again, or the error summary would miss them."""
    rows.errors = [row.errors for row in rows] if any(row.errors for row in rows) else []


class BudgetLineRow(_Row):
    # validate_choice is off: the section form names the row in its own message instead.
    category = SelectField("Category", widget=GovSelect(), validate_choice=False,
                           choices=[("", "Select a category"), *((c, label) for c, label, _ in BUDGET_CATEGORIES)])
    description = StringField("Description", widget=GovTextInput(), filters=[strip])
    amount = StringField("Amount", widget=GovTextInput(), filters=[strip])


class BudgetForm(SectionForm):
    lines = FieldList(FormField(BudgetLineRow), min_entries=1, max_entries=100)
    add_line = SubmitField("Add another line", widget=GovSubmitInput())

    def __init__(self, *args: Any, limits: tuple[int, int] = (0, 0), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.amounts: list[int] = []

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        self.amounts = []
        known = {code for code, _, _ in BUDGET_CATEGORIES}
        filled = [row for row in self.lines if not row.form.is_blank()]
        for number, row in enumerate(self.lines, start=1):
            if row.form.is_blank():
                continue
            line = row.form
            if line.category.data not in known:
                line.category.errors = [f"Select a category for budget line {number}"]
            if not line.description.data:
                line.description.errors = [f"Enter a description for budget line {number}"]
            elif len(line.description.data) > 200:
                line.description.errors = [f"The description of budget line {number} must be 200 characters or fewer"]
            if not line.amount.data:
                line.amount.errors = [f"Enter the amount for budget line {number}, like 1500"]
            else:
                try:
                    self.amounts.append(parse_amount(line.amount.data, f"The amount for budget line {number}",
                                                     maximum_pence=self.limits[1] * 10 or 100_000_000_00))
                except ValueError as problem:
                    line.amount.errors = [str(problem)]
        if self.completing and not filled:
            self.lines[0].form.description.errors = ["Enter at least one budget line"]
        valid = not any(row.form.errors for row in self.lines)
        if valid and self.completing and filled:
            low, high = self.limits
            total = sum(self.amounts)
            if not low <= total <= high:
                self.lines[-1].form.amount.errors = [
                    f"The total, {gbp(total)}, must be between {gbp(low)} and {gbp(high)}"]
                valid = False
        refresh_errors(self.lines)
        return valid


class OutputRow(_Row):
    measure = StringField("What will you count?", widget=GovTextInput(), filters=[strip],
                          description="For example, mentoring sessions delivered")
    unit = StringField("Unit", widget=GovTextInput(), filters=[strip], description="For example, sessions")
    target = StringField("Target", widget=GovTextInput(), filters=[strip])
    priority = SelectField("Priority", widget=GovSelect(), choices=[], validate_choice=False)


class OutcomeRow(_Row):
    indicator = StringField("Outcome indicator", widget=GovTextInput(), filters=[strip],
                            description="For example, % of young people who say they feel safer")
    target = StringField("Target", widget=GovTextInput(), filters=[strip], description="For example, 70%")


class OutputsForm(SectionForm):
    outputs = FieldList(FormField(OutputRow), min_entries=1, max_entries=50)
    outcomes = FieldList(FormField(OutcomeRow), min_entries=1, max_entries=50)
    add_output = SubmitField("Add another output", widget=GovSubmitInput())
    add_outcome = SubmitField("Add another outcome", widget=GovSubmitInput())

    def set_priorities(self, choices: list[tuple[str, str]]) -> None:
        for row in self.outputs:
            row.form.priority.choices = [("", "Select a priority"), *choices]
        self.priority_codes = {value for value, _ in choices}

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        for number, row in enumerate(self.outputs, start=1):
            line = row.form
            if line.is_blank() and not line.priority.data:
                continue
            if not line.measure.data:
                line.measure.errors = [f"Enter what you will count for output {number}"]
            elif len(line.measure.data) > 200:
                line.measure.errors = [f"What you will count for output {number} must be 200 characters or fewer"]
            if not line.unit.data:
                line.unit.errors = [f"Enter the unit for output {number}, like sessions"]
            elif len(line.unit.data) > 50:
                line.unit.errors = [f"The unit for output {number} must be 50 characters or fewer"]
            target = (line.target.data or "").replace(",", "")
            if not target:
                line.target.errors = [f"Enter the target for output {number}, like 40"]
            elif not is_whole_number(target) or not 0 < int(target) <= MAX_PEOPLE:
                line.target.errors = [f"The target for output {number} must be a whole number between 1 and "
                                      f"{MAX_PEOPLE:,}"]
            if line.priority.data not in self.priority_codes:
                line.priority.errors = [f"Select the priority output {number} counts towards"]
        for number, row in enumerate(self.outcomes, start=1):
            line = row.form
            if line.is_blank():
                continue
            if not line.indicator.data:
                line.indicator.errors = [f"Enter the indicator for outcome {number}"]
            elif len(line.indicator.data) > 200:
                line.indicator.errors = [f"The indicator for outcome {number} must be 200 characters or fewer"]
            if not line.target.data:
                line.target.errors = [f"Enter the target for outcome {number}, like 70%"]
            elif len(line.target.data) > 100:
                line.target.errors = [f"The target for outcome {number} must be 100 characters or fewer"]
        if self.completing:
            if all(row.form.is_blank() and not row.form.priority.data for row in self.outputs):
                self.outputs[0].form.measure.errors = ["Enter at least one planned output"]
            if all(row.form.is_blank() for row in self.outcomes):
                self.outcomes[0].form.indicator.errors = ["Enter at least one planned outcome"]
        refresh_errors(self.outputs)
        refresh_errors(self.outcomes)
        return not any(row.form.errors for row in [*self.outputs, *self.outcomes])


def priorities_form(priorities: list[Any], formdata: Any = None, data: dict[str, Any] | None = None) -> Any:
    """A form with a "how" answer for each of the fund's priorities."""

    class PrioritiesForm(SectionForm):
        addresses = CheckboxesField("Which priorities does your project address?",
                                    choices=[(str(p.id), f"{p.code}: {p.title}") for p in priorities],
                                    description="Select all that apply",
                                    validators=[InputRequired("Select at least one priority")])
        primary = RadiosField("Which is the main priority?",
                              choices=[(str(p.id), f"{p.code}: {p.title}") for p in priorities],
                              validators=[InputRequired("Select the main priority")])

        def validate(self, extra_validators: Any = None) -> bool:
            valid = super().validate(extra_validators)
            chosen = set(self.addresses.data or [])
            if self.primary.data and chosen and self.primary.data not in chosen and not self.primary.errors:
                self.primary.errors = ["The main priority must be one of the priorities you selected"]
                valid = False
            for p in priorities:
                field = self[f"how_{p.id}"]
                if str(p.id) in chosen and not field.data and self.completing:
                    field.errors = [f"Enter how the project addresses {p.code}"]
                    valid = False
            return valid and not any(field.errors for field in self)

    for p in priorities:
        setattr(PrioritiesForm, f"how_{p.id}", WordCountField(f"How does it address {p.code}?", 250,
                                                             description="In 250 words or fewer"))
    return PrioritiesForm(formdata=formdata, data=data)


class WithdrawForm(BaseForm):
    reason = WordCountField("Why are you withdrawing this application?", 150,
                            required="Enter why you are withdrawing the application",
                            description="In 150 words or fewer. The grants team will see this.")
    submit = SubmitField("Withdraw application", widget=GovSubmitInput())


class SubmitForm(BaseForm):
    submit = SubmitField("Accept and submit", widget=GovSubmitInput())

