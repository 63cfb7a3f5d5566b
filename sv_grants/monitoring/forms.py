"""Forms for the sections of a return and the officer's review.

The forms read what was typed (whole numbers, amounts of money, word limits) and say what is
wrong with its shape; the services decide what the answers must add up to. Rows carry the id of
the planned output, outcome or budget line they answer, which the service checks is the grant's.
Only counts and anonymised text are asked for: nothing about any one participant.
"""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import FieldList, Form, FormField, HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired

from ..forms import BaseForm, RadiosField, WordCountField, strip
from . import reach
from .figures import parse_count, parse_spend
from .models import Rag
from .report import RAG_LABELS

MAX_ROWS = 100


class ReturnSectionForm(BaseForm):
    """"Save and continue" completes the section; "Save and come back later" keeps it in progress."""

    save = SubmitField("Save and continue", widget=GovSubmitInput())
    save_draft = SubmitField("Save and come back later", widget=GovSubmitInput())

    @property
    def completing(self) -> bool:
        return not self.save_draft.data


def _read(field: Any, parse: Any, label: str) -> Any:
    try:
        return parse(field.data, label)
    except ValueError as problem:
        field.errors = [*field.errors, str(problem)]
        return None


def _row_id(row: Any) -> int:
    text = (row.planned_id.data or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0  # 0 is nobody's id


def refresh_errors(rows: FieldList) -> None:
    """A FieldList gathers its rows' errors while validating: gather them again after adding some."""
    rows.errors = [row.errors for row in rows] if any(row.errors for row in rows) else []


class _RowsForm(ReturnSectionForm):
    labels: dict[str, str] = {}  # row id → what the row is about, for messages; set by the route

    def label_of(self, row: Any) -> str:
        return self.labels.get((row.planned_id.data or "").strip(), "this row")


class OutputRow(Form):
    planned_id = HiddenField()
    quantity = StringField("Delivered this quarter", widget=GovTextInput(), filters=[strip])


class OutputsForm(_RowsForm):
    rows = FieldList(FormField(OutputRow), max_entries=MAX_ROWS)

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        self.figures = [(_row_id(row.form), _read(row.form.quantity, parse_count, f"The number for "
                                                  f"{self.label_of(row.form)}")) for row in self.rows]
        refresh_errors(self.rows)
        return not self.errors


class ReachForm(ReturnSectionForm):
    new_participants = StringField("How many new participants did the project work with this quarter?",
                                   widget=GovTextInput(), filters=[strip],
                                   description="Count each person once, in the quarter they first took part")

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        self.total = _read(self.new_participants, parse_count, "The number of new participants")
        self.counts: dict[str, dict[str, int | None]] = {
            b.dimension: {code: _read(self[f"{b.dimension}__{code}"], parse_count, f"{label} ({b.label})")
                          for code, label in b.categories}
            for b in reach.BREAKDOWNS}
        return not self.errors


for _breakdown in reach.BREAKDOWNS:
    for _code, _label in _breakdown.categories:
        setattr(ReachForm, f"{_breakdown.dimension}__{_code}",
                StringField(_label, widget=GovTextInput(), filters=[strip]))


class OutcomeRowForm(Form):
    planned_id = HiddenField()
    result = StringField("Result so far", widget=GovTextInput(), filters=[strip],
                         description="For example, 64% of young people asked said they feel safer")
    note = WordCountField("How you measured it (optional)", 150, description="In 150 words or fewer")


class OutcomesForm(_RowsForm):
    rows = FieldList(FormField(OutcomeRowForm), max_entries=MAX_ROWS)

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        self.results = [(_row_id(row.form), row.form.result.data or "", row.form.note.data or "")
                        for row in self.rows]
        refresh_errors(self.rows)
        return not self.errors


class SpendRowForm(Form):
    planned_id = HiddenField()
    spent = StringField("Spent to date", widget=GovTextInput(), filters=[strip])
    explanation = WordCountField("Reason for the difference from the profile", 150,
                                 description="Needed if spend is more than 10% above or below the profile. "
                                             "In 150 words or fewer.")


class SpendForm(_RowsForm):
    rows = FieldList(FormField(SpendRowForm), max_entries=MAX_ROWS)

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        self.figures = [(_row_id(row.form), _read(row.form.spent, parse_spend,
                                                  f"The amount spent on {self.label_of(row.form)}"),
                         row.form.explanation.data or "") for row in self.rows]
        refresh_errors(self.rows)
        return not self.errors


NO_PERSONAL_DATA = ("Do not include names, dates of birth, addresses, schools, email addresses, phone numbers "
                    "or anything else that could identify someone.")


class NarrativeForm(ReturnSectionForm):
    progress = WordCountField("What progress has the project made?", 500,
                              description="What you delivered, what went well and what changed for the people you "
                                          "work with. In 500 words or fewer.")
    challenges = WordCountField("What challenges have you faced, and what are you doing about them?", 300,
                                description="Say if there were none. In 300 words or fewer.")
    case_study = WordCountField("Case study", 500,
                                description="The story of one person or group, anonymised. " + NO_PERSONAL_DATA
                                + " In 500 words or fewer.")
    safeguarding_incidents = StringField("How many safeguarding incidents were there?", widget=GovTextInput(),
                                         filters=[strip],
                                         description="Incidents reported under your safeguarding policy. Enter 0 "
                                                     "if there were none.")
    rag = RadiosField("How is the project going overall?",
                      choices=[(rag.value, RAG_LABELS[rag]) for rag in Rag])

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if self.rag.data is None:  # a missing answer is the service's to report, with the others missing
            self.rag.errors = []
        self.incidents = _read(self.safeguarding_incidents, parse_count, "The number of safeguarding incidents")
        return not self.errors


class SubmitForm(BaseForm):
    submit = SubmitField("Submit return", widget=GovSubmitInput())


class ReviewForm(BaseForm):
    decision = RadiosField("Your decision", choices=[
        ("accept", "Accept the return"),
        ("changes", "Ask the organisation to make changes")],
        validators=[InputRequired("Select accept or ask for changes")])
    comment = WordCountField("Comments for the organisation", 300,
                             description="Needed if you ask for changes: say what to change and why. "
                                         "In 300 words or fewer.")
    submit = SubmitField("Record decision", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        if self.decision.data is None:  # one message, not "Select from the options shown" as well
            self.decision.errors = ["Select accept or ask for changes"]
        return not self.errors
