"""Giving applications to reviewers, by hand or balanced automatically, and the declarations of
interest reviewers make before they may read anything.

A reviewer who has ever declared an interest in an organisation is never given that
organisation's applications again, by hand or automatically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from ..applications.models import Application, ApplicationStatus
from ..audit.services import record
from ..auth.models import Role, User, UserRole
from ..dates import clock
from ..extensions import db
from ..funds.models import Round
from .models import Assignment, Declaration, Review, ReviewStatus


class AssignmentError(Exception):
    pass


@dataclass
class AssignmentResult:
    created: list[Assignment] = field(default_factory=list)
    # Human-readable reasons an application did not get a reviewer asked for.
    skipped: list[str] = field(default_factory=list)


def reviewers() -> list[User]:
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.REVIEWER, User.is_active.is_(True)).order_by(User.name, User.id)))


def assignable(round_: Round) -> list[Application]:
    return list(db.session.scalars(
        select(Application).where(Application.round_id == round_.id,
                                  Application.status == ApplicationStatus.IN_ASSESSMENT)
        .order_by(Application.reference)))


def assignments_in(round_: Round) -> list[Assignment]:
    return list(db.session.scalars(
        select(Assignment).join(Application).where(Application.round_id == round_.id)
        .order_by(Application.reference, Assignment.id)))


def conflicted_pairs(organisation_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(reviewer id, organisation id) for every interest ever declared in these organisations."""
    ids = list(set(organisation_ids))
    if not ids:
        return set()
    rows = db.session.execute(
        select(Assignment.reviewer_id, Application.organisation_id).join(Application)
        .where(Assignment.declaration == Declaration.CONFLICTED, Application.organisation_id.in_(ids)))
    return {(reviewer_id, organisation_id) for reviewer_id, organisation_id in rows}


def _add(actor: User, application: Application, reviewer: User) -> Assignment:
    assignment = Assignment(application_id=application.id, reviewer_id=reviewer.id, assigned_by_id=actor.id,
                            assigned_at=clock.now())
    db.session.add(assignment)
    db.session.flush()
    record("assessment.reviewer_assigned", actor=actor, subject=application, reviewer_id=reviewer.id)
    return assignment


def assign(actor: User, applications: list[Application], chosen: list[User]) -> AssignmentResult:
    """Give each application each chosen reviewer, skipping pairs already made and any reviewer
    who has declared an interest in the organisation."""
    result = AssignmentResult()
    taken = {(a.application_id, a.reviewer_id) for a in assignments_of(applications)}
    conflicts = conflicted_pairs(a.organisation_id for a in applications)
    for application in applications:
        if application.status != ApplicationStatus.IN_ASSESSMENT:
            result.skipped.append(f"{application.reference} is not being assessed")
            continue
        for reviewer in chosen:
            if (reviewer.id, application.organisation_id) in conflicts:
                result.skipped.append(f"{reviewer.name} has declared an interest in "
                                      f"{application.organisation.name}, so was not given {application.reference}")
            elif (application.id, reviewer.id) not in taken:
                result.created.append(_add(actor, application, reviewer))
                taken.add((application.id, reviewer.id))
    return result


def assignments_of(applications: list[Application]) -> list[Assignment]:
    ids = [a.id for a in applications]
    return list(db.session.scalars(select(Assignment).where(Assignment.application_id.in_(ids)))) if ids else []


def loads(round_: Round) -> Counter[int]:
    """How many applications of the round each reviewer holds, conflicts not counted."""
    rows = db.session.execute(
        select(Assignment.reviewer_id, func.count()).join(Application)
        .where(Application.round_id == round_.id, Assignment.declaration != Declaration.CONFLICTED)
        .group_by(Assignment.reviewer_id))
    return Counter(dict(rows.tuples().all()))


def balance(actor: User, round_: Round, applications: list[Application], per_application: int = 2,
            pool: list[User] | None = None) -> AssignmentResult:
    """Bring each application up to ``per_application`` reviewers without a conflict, each time
    choosing whoever holds the fewest applications in the round (then by name), so the load
    spreads evenly. Reviewers who declared an interest in the organisation are never chosen."""
    if per_application < 1:
        raise AssignmentError("Each application needs at least 1 reviewer")
    pool = reviewers() if pool is None else pool
    load = loads(round_)
    existing = assignments_of(applications)
    conflicts = conflicted_pairs(a.organisation_id for a in applications)
    result = AssignmentResult()
    for application in applications:
        if application.status != ApplicationStatus.IN_ASSESSMENT:
            result.skipped.append(f"{application.reference} is not being assessed")
            continue
        mine = [a for a in existing if a.application_id == application.id]
        have = {a.reviewer_id for a in mine}
        needed = per_application - sum(1 for a in mine if not a.is_conflicted)
        candidates = [r for r in pool if r.id not in have and (r.id, application.organisation_id) not in conflicts]
        candidates.sort(key=lambda r: (load[r.id], r.name, r.id))
        for reviewer in candidates[:max(needed, 0)]:
            result.created.append(_add(actor, application, reviewer))
            load[reviewer.id] += 1
        if needed > len(candidates):
            result.skipped.append(f"{application.reference} has only {per_application - needed + len(candidates)} "
                                  f"of {per_application} reviewers: no one else is free of a conflict")
    return result


def remove(actor: User, assignment: Assignment) -> None:
    """Take back an assignment not yet scored. A declared interest stays on the register."""
    if assignment.is_conflicted:
        raise AssignmentError("A declared interest stays on the register and cannot be removed")
    if assignment.review is not None and assignment.review.is_submitted:
        raise AssignmentError("This reviewer has submitted their review, so the assignment cannot be removed")
    record("assessment.reviewer_removed", actor=actor, subject=assignment.application,
           reviewer_id=assignment.reviewer_id)
    db.session.delete(assignment)
    db.session.flush()


def declare(actor: User, assignment: Assignment, interest: bool, details: str) -> None:
    """Once only: a declaration is not changed afterwards, so the register stays true."""
    if interest and not details.strip():
        raise AssignmentError("Describe the interest")
    declared = db.session.execute(
        update(Assignment).where(Assignment.id == assignment.id, Assignment.declaration == Declaration.UNDECLARED)
        .values(declaration=Declaration.CONFLICTED if interest else Declaration.NONE,
                interest_details=details.strip() if interest else "", declared_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if declared != 1:
        raise AssignmentError("You have already made a declaration for this application")
    db.session.refresh(assignment)
    record("assessment.interest_declared", actor=actor, subject=assignment.application,
           declaration=assignment.declaration, organisation_id=assignment.application.organisation_id)
    db.session.flush()


@dataclass
class Workload:
    reviewer: User
    assigned: int = 0
    to_declare: int = 0
    conflicts: int = 0
    in_progress: int = 0
    submitted: int = 0

    @property
    def not_started(self) -> int:
        return self.assigned - self.to_declare - self.conflicts - self.in_progress - self.submitted


def workload(round_: Round) -> list[Workload]:
    rows = {reviewer.id: Workload(reviewer) for reviewer in reviewers()}
    for assignment in assignments_in(round_):
        row = rows.setdefault(assignment.reviewer_id, Workload(assignment.reviewer))
        row.assigned += 1
        review: Review | None = assignment.review
        if assignment.declaration == Declaration.UNDECLARED:
            row.to_declare += 1
        elif assignment.is_conflicted:
            row.conflicts += 1
        elif review is not None and review.status == ReviewStatus.SUBMITTED:
            row.submitted += 1
        elif review is not None:
            row.in_progress += 1
    return sorted(rows.values(), key=lambda w: (w.reviewer.name, w.reviewer.id))
