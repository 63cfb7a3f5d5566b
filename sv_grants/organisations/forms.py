"""Forms for setting up an organisation and inviting colleagues."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from ..forms import BaseForm, EmailAddressField, NameField
from .models import LegalForm


class OrganisationForm(BaseForm):
    name = NameField("Organisation name", required="Enter the name of your organisation",
                     description="As it appears on your governing document")
    legal_form = RadioField(
        "What type of organisation is it?",
        choices=[(form.value, form.label) for form in LegalForm],
        widget=GovRadioInput(),
        validators=[InputRequired("Select what type of organisation it is")],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())


class InviteMemberForm(BaseForm):
    email = EmailAddressField("Colleague's email address", required="Enter your colleague's email address")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
