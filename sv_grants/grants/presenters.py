"""Where later packages (monitoring) add to the grant pages without grants importing them: the
things an officer must attend to, and panels on a grant's page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from .models import Grant


@dataclass(frozen=True)
class Attention:
    text: str
    href: str
    link_text: str


# Each provider gets today's date (in London) and returns what needs an officer's attention.
attention_providers: list[Callable[[date], list[Attention]]] = []
# Each panel gets the grant and whether the reader is staff, and returns HTML for its page.
grant_panels: list[Callable[[Grant, bool], Markup]] = []


def attention_items(today: date) -> list[Attention]:
    return [item for provider in attention_providers for item in provider(today)]


def panels_for(grant: Grant, staff: bool) -> list[Markup]:
    return [panel(grant, staff) for panel in grant_panels]
