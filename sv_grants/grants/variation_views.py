"""The variation request page, shared by the organisation and the grants officer: both ask for a
change the same way, and a grants officer decides it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from .forms import VariationForm
from .models import Grant, VariationKind
from .services import GrantError
from .variations import request_variation


def variation_page(grant: Grant, back_url: str, done_url: str, staff: bool) -> Response | tuple[str, int]:
    outputs = grant.application.outputs
    form = VariationForm(data=None if request.method == "POST" else {"targets": [""] * len(outputs)})
    valid = request.method == "POST" and form.validate()
    # Read the targets even when another field failed, so every error shows at once.
    targets = form.target_values() if request.method == "POST" and form.kind.data == VariationKind.OUTPUTS else []
    if valid and not _row_errors(form):
        after = _after(form, grant, targets)
        if after is not None:
            try:
                request_variation(current_user, grant, VariationKind(form.kind.data), after, form.reason.data)
            except GrantError as problem:
                db.session.rollback()
                fields = {"awarded": form.amount, "end_date": form.end_date, "reason": form.reason}
                fields.get(problem.field or "", form.kind).errors.append(str(problem))
            else:
                db.session.commit()
                flash("The change has been recorded. A grants officer will approve or refuse it."
                      if not staff else "The variation has been recorded and is waiting for a decision.", "success")
                return redirect(done_url)
    return render_template("grants/variation_new.html", grant=grant, form=form, outputs=outputs, back_url=back_url,
                           staff=staff), 400 if form.errors or _row_errors(form) else 200


def _after(form: VariationForm, grant: Grant, targets: list[int | None]) -> dict | None:
    """The terms the variation asks for, or None with an error added to the form."""
    kind = VariationKind(form.kind.data)
    if kind == VariationKind.AMOUNT:
        return {"awarded_pence": form.awarded_pence}
    if kind == VariationKind.END_DATE:
        return {"end_date": form.end_date.data.isoformat()}
    outputs = grant.application.outputs
    if len(targets) > len(outputs):
        form.kind.errors.append("One of the targets does not belong to an output of this grant")
        return None
    changed = {str(output.id): value for output, value in zip(outputs, targets, strict=False) if value is not None}
    if not changed:
        form.kind.errors.append("Enter at least one new target")
        return None
    return {"targets": {**{str(output.id): output.target for output in outputs}, **changed}}


def _row_errors(form: VariationForm) -> bool:
    return any(field.errors for field in form.targets)
