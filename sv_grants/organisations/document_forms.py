"""The form for uploading one of an organisation's documents."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_wtf.file import FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import FileField, SubmitField
from wtforms.validators import InputRequired

from ..forms import BaseForm, DateInputField, RadiosField
from .documents import ORGANISATION_KINDS

ALLOWED_TYPES = "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), JPEG or PNG"


class UploadDocumentForm(BaseForm):
    kind = RadiosField(
        "What is the document?",
        choices=[(kind.value, kind.label) for kind in ORGANISATION_KINDS],
        validators=[InputRequired("Select what the document is")],
    )
    expires_on = DateInputField(
        "Expiry date (optional)",
        description="For example, insurance certificates have an end date. Leave blank if it does not expire",
    )
    file = FileField("Upload a file", widget=GovFileInput(), validators=[FileRequired("Select a file to upload")])
    submit = SubmitField("Upload document", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The limit is a setting, so the hint is written when the form is made, not at import.
        limit = current_app.config["MAX_UPLOAD_BYTES"] / 1024 / 1024
        self.file.description = f"{ALLOWED_TYPES}, smaller than {round(limit, 1):g}MB"
