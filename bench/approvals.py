"""Concurrent award approvals on PostgreSQL through ``decisions.decide``, the service the panel's
approve action calls, with its conditional budget UPDATE; then the budget invariant."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from sv_grants import create_app
from sv_grants.applications.models import Application
from sv_grants.assessment import decisions
from sv_grants.assessment.models import Decision, Outcome
from sv_grants.assessment.panel import IN_PLAY
from sv_grants.assessment.results import results_for
from sv_grants.auth.models import User
from sv_grants.dates import clock
from sv_grants.extensions import db
from sv_grants.funds.models import Fund, Round

from .database import Subjects, app_config

WRITERS = 50


def _budget(fund_id: int) -> dict[str, int]:
    fund = db.session.get(Fund, fund_id)
    db.session.refresh(fund)
    awarded = db.session.scalar(
        select(func.coalesce(func.sum(Decision.awarded_pence), 0)).join(Application).join(Round)
        .where(Round.fund_id == fund_id, Decision.outcome == Outcome.APPROVED)) or 0
    return {"total_pence": fund.total_pence, "committed_pence": fund.committed_pence, "awarded_pence": int(awarded)}


def measure(url: str, subjects: Subjects, workdir: Path) -> dict[str, object]:
    config = app_config(url, workdir)
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True, "pool_size": WRITERS + 5, "max_overflow": 5}
    app = create_app(config)
    with app.app_context():
        round_ = db.session.get(Round, subjects.round_id)
        applications = list(db.session.scalars(select(Application).where(
            Application.round_id == round_.id, Application.status.in_(IN_PLAY)).order_by(Application.id)))
        decided = set(db.session.scalars(select(Decision.application_id).where(
            Decision.application_id.in_([a.id for a in applications]))))
        results = results_for(round_, applications)
        ids = [a.id for a in applications if results[a.id].is_assessed and a.id not in decided]
        fund_id = round_.fund_id
        before = _budget(fund_id)
        officer_id = subjects.users["officer"]
    if len(ids) < WRITERS:
        return {"measured": False, "why": f"only {len(ids)} undecided assessed applications; {WRITERS} needed"}
    shares = [ids[i::WRITERS] for i in range(WRITERS)]
    tally = {"approved": 0, "refused_budget": 0, "errors": 0}
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(share: list[int]) -> None:
        with app.app_context():
            actor = db.session.get(User, officer_id)
            start.wait()
            for application_id in share:
                application = db.session.get(Application, application_id)
                outcome = "errors"
                try:
                    decisions.decide(actor, application, Outcome.APPROVED, application.requested_pence, "", "",
                                     clock.today_in_london())
                    db.session.commit()
                    outcome = "approved"
                except decisions.BudgetExceeded:
                    db.session.rollback()
                    outcome = "refused_budget"
                except (decisions.DecisionError, IntegrityError, OperationalError):
                    db.session.rollback()
                with lock:
                    tally[outcome] += 1

    threads = [threading.Thread(target=writer, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    with app.app_context():
        after = _budget(fund_id)
        db.engine.dispose()
    delta_awarded = after["awarded_pence"] - before["awarded_pence"]
    delta_committed = after["committed_pence"] - before["committed_pence"]
    holds = after["committed_pence"] <= after["total_pence"] and delta_committed == delta_awarded
    return {"measured": True, "writers": WRITERS, "attempts": len(ids), **tally, "seconds": round(seconds, 2),
            "decisions_per_second": round(len(ids) / seconds, 1),
            "approvals_per_second": round(tally["approved"] / seconds, 1), "before": before, "after": after,
            "invariant_holds": holds, "committed_equals_all_awards": after["committed_pence"] == after["awarded_pence"]}
