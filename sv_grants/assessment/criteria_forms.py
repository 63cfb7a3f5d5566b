"""The criteria editor: every criterion of a round in one form, so the weights can be checked
against 100 together. Rows are added and removed by posting, so it works without JavaScript."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, SubmitField, TextAreaField

from ..applications.forms import refresh_errors
from ..forms import BaseForm, is_whole_number, strip
from ..funds.models import Round
from .criteria import CriterionInput


class CriterionRow(Form):
    criterion_id = HiddenField()
    title = StringField("Title", widget=GovTextInput(), filters=[strip])
    guidance = TextAreaField("Guidance for reviewers", widget=GovTextArea(), filters=[strip])
    weight = StringField("Weight", widget=GovTextInput(), filters=[strip], description="A whole number of percent")
    priority = SelectField("Priority it assesses (optional)", widget=GovSelect(), choices=[], validate_choice=False)
    descriptors = FieldList(TextAreaField("", widget=GovTextArea(), filters=[strip]), min_entries=0)


class CriteriaForm(BaseForm):
    criteria = FieldList(FormField(CriterionRow), min_entries=1, max_entries=20)
    add_criterion = SubmitField("Add another criterion", widget=GovSubmitInput())
    save = SubmitField("Save criteria", widget=GovSubmitInput())

    def prepare(self, round_: Round) -> None:
        """Choices and descriptor boxes follow the round: its fund's priorities and its score scale."""
        self.scale = list(range(round_.score_min, round_.score_max + 1))
        priority_ids = {str(p.id) for p in round_.fund.priorities}
        self.priority_ids = priority_ids
        for row in self.criteria:
            row.form.priority.choices = [("", "Any priority"),
                                         *((str(p.id), f"{p.code}: {p.title}") for p in round_.fund.priorities)]
            while len(row.form.descriptors.entries) < len(self.scale):
                row.form.descriptors.append_entry()
            del row.form.descriptors.entries[len(self.scale):]
            for score, box in zip(self.scale, row.form.descriptors, strict=True):
                box.label.text = f"What a score of {score} means (optional)"

    def validate(self, extra_validators: Any = None) -> bool:
        super().validate(extra_validators)
        total = 0
        for number, row in enumerate(self.criteria, start=1):
            line = row.form
            if not line.title.data:
                line.title.errors = [f"Enter a title for criterion {number}"]
            elif len(line.title.data) > 200:
                line.title.errors = [f"The title of criterion {number} must be 200 characters or fewer"]
            weight = line.weight.data or ""
            if not weight:
                line.weight.errors = [f"Enter a weight for criterion {number}, like 20"]
            elif not is_whole_number(weight) or not 1 <= int(weight) <= 100:
                line.weight.errors = [f"The weight of criterion {number} must be a whole number from 1 to 100"]
            else:
                total += int(weight)
            if line.priority.data and line.priority.data not in self.priority_ids:
                line.priority.errors = [f"Select a priority of this fund for criterion {number}"]
        valid = not any(row.form.errors for row in self.criteria)
        if valid and total != 100:
            self.criteria[-1].form.weight.errors = [
                f"The weights must add up to 100. They add up to {total}: "
                + (f"take {total - 100} away" if total > 100 else f"add {100 - total}") + "."]
            valid = False
        refresh_errors(self.criteria)
        return valid

    def rows(self) -> list[CriterionInput]:
        return [CriterionInput(
            id=int(row.form.criterion_id.data) if is_whole_number(row.form.criterion_id.data or "") else None,
            title=row.form.title.data, guidance=row.form.guidance.data or "", weight=int(row.form.weight.data),
            priority_id=int(row.form.priority.data) if row.form.priority.data else None,
            descriptors={str(score): box.data for score, box in zip(self.scale, row.form.descriptors, strict=True)
                         if box.data})
            for row in self.criteria]


def criteria_data(round_: Round) -> dict[str, Any]:
    """The saved criteria as the form's data."""
    scale = range(round_.score_min, round_.score_max + 1)
    return {"criteria": [
        {"criterion_id": str(c.id), "title": c.title, "guidance": c.guidance, "weight": str(c.weight),
         "priority": str(c.priority_id) if c.priority_id else "",
         "descriptors": [c.descriptors.get(str(score), "") for score in scale]}
        for c in round_.criteria] or [{}]}
