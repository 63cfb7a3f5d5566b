"""Who may see and change an application and its files.

Members of the applying organisation see and edit its drafts; grants officers read any
application once it is submitted. Anyone else gets a 404, so an id in a URL reveals nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort
from sqlalchemy import select

from ..auth.models import Role, User
from ..extensions import db
from ..organisations.models import Document
from ..organisations.services import is_member
from .models import Application, ApplicationDocument, ApplicationStatus

# Rules from later stages that keep a member of staff out of an application, such as a declared
# conflict of interest. Assessment registers its rule here; applications does not import it.
staff_exclusions: list[Callable[[User, Application], bool]] = []


def is_excluded(user: User, application: Application) -> bool:
    return any(rule(user, application) for rule in staff_exclusions)


def is_applicant_for(user: User, application: Application) -> bool:
    return user.is_authenticated and user.has_role(Role.APPLICANT) and is_member(user, application.organisation)


def can_view_application(user: User, application: Application) -> bool:
    if is_applicant_for(user, application):
        return True
    return (user.is_authenticated and user.has_role(Role.GRANTS_OFFICER)
            and application.status != ApplicationStatus.DRAFT and not is_excluded(user, application))


def can_edit_application(user: User, application: Application) -> bool:
    return application.is_draft and is_applicant_for(user, application)


def can_view_document(user: User, document: Document) -> bool:
    if not user.is_authenticated:
        return False
    if document.removed_at is None and user.has_role(Role.APPLICANT) and is_member(user, document.organisation):
        return True
    if user.has_role(Role.GRANTS_OFFICER):
        # Officers see the files of submitted applications, not an organisation's private drafts.
        applications = db.session.scalars(
            select(Application).join(ApplicationDocument)
            .where(ApplicationDocument.document_id == document.id, Application.status != ApplicationStatus.DRAFT)
        ).all()
        return any(not is_excluded(user, application) for application in applications)
    return False


def get_application_for(user: User, application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or not can_view_application(user, application):
        abort(404)
    return application


def get_editable_application_for(user: User, application_id: int) -> Application:
    """The draft for editing; 404 to outsiders. A submitted one is the caller's to redirect."""
    application = db.session.get(Application, application_id)
    if application is None or not is_applicant_for(user, application):
        abort(404)
    return application


def get_document_for(user: User, document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None or not can_view_document(user, document):
        abort(404)
    return document
