"""An organisation's documents: the list, uploading one and removing one.

Downloads are served by ``documents.download_document``, which also serves applications' files.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import storage
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..dates import clock
from ..extensions import db
from ..forms import BaseForm
from ..urls import safe_next
from . import documents as document_services
from .document_forms import UploadDocumentForm
from .models import DocumentKind
from .permissions import get_organisation_for

bp = Blueprint("organisation_documents", __name__)


@bp.route("/organisations/<int:organisation_id>/documents")
@roles_required(Role.APPLICANT)
def list_documents(organisation_id: int) -> str:
    organisation = get_organisation_for(current_user, organisation_id)
    return render_template(
        "organisations/documents.html", organisation=organisation,
        documents=document_services.documents_of(organisation),
        missing=document_services.missing_kinds(organisation),
        today=clock.today_in_london(),
    )


@bp.route("/organisations/<int:organisation_id>/documents/upload", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
def upload_document(organisation_id: int) -> Response | str:
    organisation = get_organisation_for(current_user, organisation_id)
    return_to = safe_return_path(request.args.get("return"))
    # ?kind= lets a page that asks for, say, the constitution open the form with it chosen.
    offered = {kind.value for kind in document_services.ORGANISATION_KINDS}
    form = UploadDocumentForm(kind=request.args.get("kind") if request.args.get("kind") in offered else None)
    if form.validate_on_submit():
        upload = request.files["file"]
        try:
            document = document_services.upload_document(
                current_user, organisation, DocumentKind(form.kind.data), upload.filename or "", upload.read(),
                form.expires_on.data,
            )
        except storage.UploadRefused as refusal:
            form.file.errors = [str(refusal)]
        else:
            db.session.commit()
            flash(f"{document.original_name} has been uploaded.", "success")
            return redirect(return_to or url_for(".list_documents", organisation_id=organisation.id))
    # The form posts back to this page with the same return path, so the redirect survives errors.
    action = url_for(".upload_document", organisation_id=organisation.id)
    if return_to:
        action += "?" + urlencode({"return": return_to})
    back = return_to or url_for(".list_documents", organisation_id=organisation.id)
    return render_template("organisations/document_upload.html", organisation=organisation, form=form,
                           back=back, action=action)


@bp.route("/organisations/<int:organisation_id>/documents/<int:document_id>/remove", methods=["POST"])
@roles_required(Role.APPLICANT)
def remove_document(organisation_id: int, document_id: int) -> Response:
    organisation = get_organisation_for(current_user, organisation_id)
    document = document_services.find_document(organisation, document_id)
    if document is None:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    document_services.remove_document(current_user, document)
    db.session.commit()
    flash(f"{document.original_name} has been removed.", "success")
    return redirect(url_for(".list_documents", organisation_id=organisation.id))


def safe_return_path(value: str | None) -> str | None:
    """``value`` if it is a safe path within an application on this site, else None."""
    target = safe_next(value)
    return target if target and target.startswith("/applications/") else None
