"""Downloading an uploaded file, and adding or removing an application's extra files."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import storage
from ..auth.models import Role
from ..auth.permissions import roles_required
from ..extensions import db
from ..forms import BaseForm
from ..organisations.documents import upload_document
from ..organisations.models import Document, DocumentKind
from . import services
from .permissions import get_document_for, get_editable_application_for
from .section_routes import HANDLERS, render_section

bp = Blueprint("documents", __name__)


@bp.route("/documents/<int:document_id>")
@roles_required(Role.APPLICANT, Role.GRANTS_OFFICER)
def download_document(document_id: int) -> Response:
    return send_document(get_document_for(current_user, document_id))


def send_document(document: Document) -> Response:
    """The stored file, for a caller that has already checked who may have it."""
    try:
        path = storage.path_of(document.stored_name, current_app.config["UPLOAD_DIR"])
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    # An attachment with its real type and nosniff, so a browser never renders it in our origin.
    response = send_file(path, mimetype=document.content_type, as_attachment=True,
                         download_name=document.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/applications/<int:application_id>/documents", methods=["POST"])
@roles_required(Role.APPLICANT)
def upload_extra_document(application_id: int) -> Response | str:
    application = get_editable_application_for(current_user, application_id)
    if not application.is_draft:
        return redirect(url_for("applications.show_application", application_id=application.id))
    form = BaseForm()
    upload = request.files.get("file")
    error = None
    if not form.validate_on_submit():
        abort(400)
    if upload is None or not upload.filename:
        error = "Select a file to upload"
    else:
        try:
            document = upload_document(current_user, application.organisation, DocumentKind.OTHER,
                                       upload.filename, upload.read(), None, application_id=application.id)
        except storage.UploadRefused as problem:
            error = str(problem)
        else:
            services.add_extra_document(current_user, application, document)
            db.session.commit()
            flash(f"{document.original_name} has been uploaded.", "success")
            return redirect(url_for("sections.edit_section", application_id=application.id, key="documents"))
    handler = HANDLERS["documents"]
    section = services.section_of(application, "documents")
    form = handler.build(application, None, {**handler.data(application), "version": section.version})
    return render_section(application, "documents", form, status=400, upload_error=error)


@bp.route("/applications/<int:application_id>/documents/<int:document_id>/remove", methods=["POST"])
@roles_required(Role.APPLICANT)
def remove_extra_document(application_id: int, document_id: int) -> Response:
    application = get_editable_application_for(current_user, application_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    try:
        services.remove_extra_document(current_user, application, document_id)
    except services.NotEditable:
        abort(404)
    db.session.commit()
    return redirect(url_for("sections.edit_section", application_id=application.id, key="documents"))
