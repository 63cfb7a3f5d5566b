"""A round's scoring criteria: edited together (their weights must total 100), locked for good once
anyone has scored against them, so every score in a round is read against the same criteria."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..funds.models import Criterion, Round
from .models import Score


class CriteriaLocked(Exception):
    pass


@dataclass
class CriterionInput:
    id: int | None
    title: str
    guidance: str
    weight: int
    priority_id: int | None
    descriptors: dict[str, str]


def is_locked(round_: Round) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Score.criterion_id == Criterion.id, Criterion.round_id == round_.id))))


def weight_total(rows: list[CriterionInput]) -> int:
    return sum(row.weight for row in rows)


def replace_criteria(actor: User, round_: Round, rows: list[CriterionInput]) -> None:
    """Make the round's criteria exactly ``rows``, in order. The form has checked each row and
    the total; the lock is checked here, inside the saving transaction."""
    if is_locked(round_):
        raise CriteriaLocked("Scoring has started, so the criteria can no longer be changed")
    if weight_total(rows) != 100:
        raise ValueError("weights must total 100")
    existing = {criterion.id: criterion for criterion in round_.criteria}
    kept: list[Criterion] = []
    for position, row in enumerate(rows, start=1):
        criterion = existing.pop(row.id, None) if row.id is not None else None
        if criterion is None:
            criterion = Criterion(round_id=round_.id)
            db.session.add(criterion)
        criterion.position = position
        criterion.title = row.title
        criterion.guidance = row.guidance
        criterion.weight = row.weight
        criterion.priority_id = row.priority_id
        criterion.descriptors = row.descriptors
        kept.append(criterion)
    for removed in existing.values():
        db.session.delete(removed)
    db.session.flush()
    record("assessment.criteria_changed", actor=actor, subject=round_,
           criteria=[{"title": c.title, "weight": c.weight, "priority_id": c.priority_id} for c in kept])
    db.session.expire(round_, ["criteria"])
