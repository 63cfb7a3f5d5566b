"""Where grants plugs into the packages before it: what the applicant is told beside their
application, what the officer's home page flags, and holding payments when bank details change."""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from ..applications import presenters
from ..applications.models import Application
from ..assessment.permissions import conflicted_organisation_ids
from ..dates import clock, format_date
from ..extensions import db
from ..funds import routes as fund_routes
from ..money import gbp
from . import payments  # noqa: F401 - connects the bank-details signals
from .models import Grant, GrantStatus
from .presenters import Attention, attention_items, attention_providers
from .services import grants_for_applications, is_overdue_offer


def applicant_notices(applications: list[Application]) -> dict[int, list[presenters.Notice]]:
    return {application_id: _grant_notices(grant)
            for application_id, grant in grants_for_applications([a.id for a in applications]).items()}


def _grant_notices(grant: Grant) -> list[presenters.Notice]:
    href = url_for("grants_applicant.show_grant", grant_id=grant.id)
    if grant.status == GrantStatus.OFFERED:
        return [presenters.Notice(f"You have been offered a grant of {gbp(grant.awarded_pence, True)}. "
                                  f"Accept it by {format_date(grant.accept_by)}.", "Read and accept the offer", href)]
    return [presenters.Notice(f"Grant {grant.reference} is {grant.status_enum.label.lower()}.",
                              "See the grant, its payments and returns", href)]


# The banner names only the oldest few late offers and counts the rest.
LATE_OFFERS_SHOWN = 5


def late_offers(today: date) -> list[Attention]:
    """Offers not accepted in time, oldest deadline first, leaving out organisations the signed-in
    officer has declared an interest in (the grant's page would answer 404): at most three queries
    however many there are."""
    late = and_(is_overdue_offer(today),
                Grant.organisation_id.not_in(sorted(conflicted_organisation_ids(current_user))))
    total = db.session.scalar(select(func.count(Grant.id)).where(late)) or 0
    if not total:
        return []
    grants = db.session.scalars(select(Grant).where(late).options(joinedload(Grant.organisation))
                                .order_by(Grant.accept_by, Grant.id).limit(LATE_OFFERS_SHOWN)).all()
    items = [Attention(f"Offer {grant.reference} to {grant.organisation.name} was not accepted by "
                       f"{format_date(grant.accept_by)}.", url_for("grants_officer.show_grant", grant_id=grant.id),
                       Markup('Chase or withdraw it<span class="govuk-visually-hidden">: {}</span>')
                       .format(grant.reference))
             for grant in grants]
    more = total - len(grants)
    if more:
        items.append(Attention(f"{more} more offer{'' if more == 1 else 's'} {'was' if more == 1 else 'were'} "
                               "not accepted in time.", "", ""))
    return items


def officer_notices() -> list[Attention]:
    return attention_items(clock.today_in_london())


def init_app(app: Flask) -> None:
    # Module-level lists: registering twice (several apps in one process) must not double up.
    if applicant_notices not in presenters.notice_providers:
        presenters.notice_providers.append(applicant_notices)
    # First, so late offers lead the banner whichever package registers next.
    if late_offers not in attention_providers:
        attention_providers.insert(0, late_offers)
    if officer_notices not in fund_routes.officer_home_notices:
        fund_routes.officer_home_notices.append(officer_notices)
