"""Jinja set-up: the GOV.UK macro packages, our filters and what every page needs to know."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from markupsafe import Markup, escape

from .dates import format_date, format_datetime
from .money import gbp


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("sv_grants"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["gbp"] = gbp
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["isodate"] = lambda text: format_date(date.fromisoformat(text))  # dates kept in JSON
    app.jinja_env.filters["datetime"] = format_datetime
    WTFormsHelpers(app)
    app.context_processor(_layout_context)


def _layout_context() -> dict[str, Any]:
    from .auth.navigation import navigation_for

    return {
        "service_name": current_app.config["SERVICE_NAME"],
        "commissioner_name": current_app.config["COMMISSIONER_NAME"],
        "contact_email": current_app.config["CONTACT_EMAIL"],
        "demo_mode": not current_app.config["REQUIRE_TWO_FACTOR"],
        "navigation": navigation_for(current_user, request.endpoint, url_for),
    }


def paragraphs(text: str | None) -> Markup:
    """Free text as GOV.UK paragraphs: blank lines split paragraphs, single newlines become <br>."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()]
    return Markup("").join(
        Markup('<p class="govuk-body">{}</p>').format(Markup("<br>").join(escape(line) for line in part.split("\n")))
        for part in parts)
