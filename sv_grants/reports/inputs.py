"""What officers add to the impact return: context measures and featured case studies. Each change
is audited here, so the Returns pages and the demo record the same events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.models import User
from ..dates import utcnow
from ..extensions import db
from ..monitoring.models import MonitoringReturn
from .models import ContextMeasure, FeaturedCaseStudy

FIELDS = ("measure", "area_name", "financial_year", "quarter", "value", "source")


class DuplicateMeasure(Exception):
    """There is already a figure for this measure, area and period."""


def save_context_measure(actor: User, measure: ContextMeasure | None, fields: dict[str, Any]) -> ContextMeasure:
    """Add a figure (``measure`` None) or change one. The unique constraint decides duplicates, so
    two officers entering the same figure at once cannot both succeed."""
    before = None if measure is None else {key: getattr(measure, key) for key in FIELDS}
    try:
        with db.session.begin_nested():
            if measure is None:
                measure = ContextMeasure(entered_by_id=actor.id, entered_at=utcnow(), **fields)
                db.session.add(measure)
            else:
                for key, value in fields.items():
                    setattr(measure, key, value)
                measure.updated_by_id, measure.updated_at = actor.id, utcnow()
    except IntegrityError:
        raise DuplicateMeasure from None
    record("context_measure.saved", actor=actor, subject=measure, before=before, after=dict(fields))
    return measure


def set_featured(actor: User, monitoring_return: MonitoringReturn, featured: bool) -> bool:
    """Show the return's case study in the impact return, or stop. Returns whether anything changed."""
    chosen = db.session.scalar(select(FeaturedCaseStudy).where(FeaturedCaseStudy.return_id == monitoring_return.id))
    if featured == (chosen is not None):
        return False
    if featured:
        db.session.add(FeaturedCaseStudy(return_id=monitoring_return.id, chosen_by_id=actor.id, chosen_at=utcnow()))
    else:
        db.session.delete(chosen)
    db.session.flush()
    record("case_study.featured" if featured else "case_study.unfeatured", actor=actor, subject=monitoring_return)
    return True
