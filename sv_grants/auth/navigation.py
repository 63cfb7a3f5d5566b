"""The service navigation a user sees, built from their roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Role

# (role, endpoint, label): each role's home page, in the order a person with several roles sees.
ROLE_HOMES: list[tuple[Role, str, str]] = [
    (Role.APPLICANT, "applications.dashboard", "Your applications"),
    (Role.GRANTS_OFFICER, "funds.officer_home", "Funds"),
    (Role.REVIEWER, "assessment.reviewer_home", "Your reviews"),
    (Role.FINANCE_OFFICER, "payments.queue", "Payments"),
    (Role.PCC_VIEWER, "funds.pcc_home", "Overview"),
    (Role.ADMIN, "admin.list_users", "Users"),
]


# Pages several roles share, after the homes: (roles, endpoint, label).
SHARED_PAGES: list[tuple[tuple[Role, ...], str, str]] = [
    ((Role.FINANCE_OFFICER, Role.PCC_VIEWER, Role.GRANTS_OFFICER), "reports.choose", "Returns"),
]


def home_endpoint(user: Any) -> str:
    for role, endpoint, _ in ROLE_HOMES:
        if user.has_role(role):
            return endpoint
    return "auth.account"


def navigation_for(user: Any, current_endpoint: str | None,
                   url_for: Callable[..., str]) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    mine = [(endpoint, label) for role, endpoint, label in ROLE_HOMES if user.has_role(role)]
    mine += [(endpoint, label) for roles, endpoint, label in SHARED_PAGES if user.has_role(*roles)]
    mine.append(("auth.account", "Your account"))
    blueprints = [endpoint.split(".")[0] for endpoint, _ in mine]
    here = (current_endpoint or "").split(".")[0]
    items = []
    for (endpoint, label), blueprint in zip(mine, blueprints, strict=True):
        current = endpoint == current_endpoint
        # A page deeper in a section lights up that section, where the section is unambiguous.
        within = not current and here == blueprint and blueprints.count(blueprint) == 1
        items.append({"href": url_for(endpoint), "text": label, "current": current, "active": within})
    return items
