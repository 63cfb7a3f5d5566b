"""Who may do what, in one place.

- ``can_*`` / ``is_*`` predicates answer questions about a user and an object;
- ``roles_required`` and ``public`` mark every view, and a request to a view with neither mark
  is refused (default deny), so a forgotten decorator fails closed;
- permission-aware getters (``get_*_for``) return 404 for an object the user may not see, so
  another organisation's ids reveal nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from ..extensions import login_manager
from .models import Role, User

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# Flask's own static-file view cannot carry a mark.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})


@dataclass(frozen=True)
class Access:
    public: bool
    roles: frozenset[Role] = frozenset()


PUBLIC = Access(public=True)


def public(view: F) -> F:
    """Anyone may open this page, signed in or not."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Only a signed-in, active user holding one of ``roles`` may open this page."""
    if not roles:
        raise ValueError("name at least one role")

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded.access = Access(public=False, roles=frozenset(roles))  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator


def any_signed_in_user(view: F) -> F:
    return roles_required(*Role)(view)


def access_of(endpoint: str) -> Access | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, "access", None)


def install_default_deny(app: Flask) -> None:
    @app.before_request
    def refuse_unmarked_views() -> None:
        if request.endpoint is None:
            return  # no such page: the 404 handler answers
        if access_of(request.endpoint) is None:
            log.error("view %s has no access mark; refusing", request.endpoint)
            abort(403)


# Predicates ---------------------------------------------------------------------------------

def can_manage_users(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN)


def can_change_roles(actor: User, target: User) -> bool:
    """Admins manage everyone's roles but their own, so nobody can lock the last admin out."""
    return can_manage_users(actor) and actor.id != target.id


def can_deactivate(actor: User, target: User) -> bool:
    return can_manage_users(actor) and actor.id != target.id and target.is_active
