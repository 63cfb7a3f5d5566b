"""The national data set's grants: one for each approved application, offered, accepted and
delivered July to March, so each owes three quarterly returns and a final one. Most grants have
every return accepted; the rest have one waiting for an officer and any after it not started.
Instalments follow the default schedule and are paid once what triggers them has happened, so a
grant's paid total is the sum of its paid instalments and never passes its award."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from .demo_national import FORCES, AreaStaff, Writer, london
from .demo_national_applications import FundedApplication
from .grants.models import Grant, GrantStatus, Instalment, InstalmentStatus, Trigger
from .grants.schedule import default_instalments, quarterly_count, return_periods
from .monitoring import reach
from .monitoring.figures import profile_pence
from .monitoring.models import MonitoringReturn, OutcomeActual, OutputActual, ReachCount, ReturnStatus, SpendLine
from .monitoring.sections import FINAL_SECTIONS, QUARTERLY_SECTIONS
from .organisations.models import BankAccount

CHUNK = 2_000
FULLY_REPORTED = 0.88
DURHAM = FORCES.index("Durham")


def add_grants(writer: Writer, rng: random.Random, funded: list[FundedApplication], staff: dict[int, AreaStaff],
               applicants: list[tuple[int, int]]) -> None:
    banks = _bank_accounts(writer, rng, funded, staff, applicants)
    remittances = iter(range(1, 10_000_000))
    for start in range(0, len(funded), CHUNK):
        rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in (
            Grant, Instalment, MonitoringReturn, OutputActual, ReachCount, OutcomeActual, SpendLine)}
        for application in funded[start:start + CHUNK]:
            organisation_id, member = applicants[application.spec.organisation]
            _grant(writer, rng, rows, application, staff[application.spec.fund.force], (organisation_id, member),
                   banks, remittances)
        for model, chunk_rows in rows.items():
            writer.insert(model.__table__, chunk_rows)


def _bank_accounts(writer: Writer, rng: random.Random, funded: list[FundedApplication], staff: dict[int, AreaStaff],
                   applicants: list[tuple[int, int]]) -> dict[int, int]:
    """{organisation index: bank account id}: one verified account for each funded organisation."""
    rows, banks = [], {}
    for application in funded:
        spec = application.spec
        if spec.organisation in banks:
            continue
        organisation_id, member = applicants[spec.organisation]
        banks[spec.organisation] = account = writer.ids(BankAccount.__table__, 1)[0]
        rows.append({
            "id": account, "organisation_id": organisation_id, "account_name": f"Community Project {account}",
            "sort_code": f"{rng.randrange(10**5, 10**6):06d}", "account_number": f"{rng.randrange(10**7, 10**8):08d}",
            "entered_by_id": member, "entered_at": london(date(2021, 12, 1)),
            "verified_by_id": staff[spec.fund.force].finance, "verified_at": london(date(2021, 12, 3)),
            "verification_method": "Phoned the treasurer on the number in the annual accounts",
            "verification_note": "Confirmed the account name and number"})
    writer.insert(BankAccount.__table__, rows)
    return banks


def _grant(writer: Writer, rng: random.Random, rows: dict[Any, list[dict[str, Any]]], application: FundedApplication,
           staff: AreaStaff, contact: tuple[int, int], banks: dict[int, int], remittances: Any) -> None:
    spec = application.spec
    organisation_id, member = contact
    year, award = spec.fund.year, spec.award_pence or 0
    start, end = date(year, 7, 1), date(year + 1, 3, 31)
    periods = return_periods(start, end)
    reported = len(periods) if rng.random() < FULLY_REPORTED else rng.randrange(1, len(periods))
    accepted_on = {p.number: p.end + timedelta(days=20) for p in periods[:reported]}

    grant_id = writer.ids(Grant.__table__, 1)[0]
    offered = application.notified_at + timedelta(days=8)
    accepted = offered + timedelta(days=6)
    paid_total = 0
    instalments = []
    plan = default_instalments(award, quarterly_count(start, end))
    for sequence, planned in enumerate(plan, start=1):
        released = {Trigger.ON_ACCEPTANCE: accepted.date(),
                    Trigger.AFTER_RETURN: accepted_on.get(planned.after_return or 0),
                    Trigger.FINAL_RETURN: accepted_on.get(periods[-1].number)}[Trigger(planned.trigger)]
        row = {"id": writer.ids(Instalment.__table__, 1)[0], "grant_id": grant_id, "sequence": sequence,
               "amount_pence": planned.amount_pence, "trigger": planned.trigger, "after_return": planned.after_return,
               "status": InstalmentStatus.SCHEDULED.value, "held_status": None, "due_on": None,
               "approved_by_id": None, "approved_at": None, "paid_by_id": None, "paid_on": None,
               "paid_recorded_at": None, "remittance_reference": None, "bank_account_id": None}
        if released is not None:
            paid_on = released + timedelta(days=6)
            row.update(status=InstalmentStatus.PAID.value, due_on=released, approved_by_id=staff.finance,
                       approved_at=london(released + timedelta(days=3)), paid_by_id=staff.finance2, paid_on=paid_on,
                       paid_recorded_at=london(paid_on, 14), remittance_reference=f"BACS-{next(remittances):07d}",
                       bank_account_id=banks[spec.organisation])
            paid_total += planned.amount_pence
        instalments.append(row)
    rows[Grant].append({
        "id": grant_id, "reference": f"GR-{application.reference}", "application_id": application.id,
        "fund_id": spec.fund.id, "organisation_id": organisation_id,
        "status": GrantStatus.ACTIVE.value, "awarded_pence": award, "paid_pence": paid_total,
        "purpose": application.summary, "conditions": "", "start_date": start, "end_date": end,
        "approved_by_id": application.officer, "offered_by_id": application.officer, "offered_at": offered,
        "accept_by": offered.date() + timedelta(days=30), "accepted_at": accepted, "accepted_by_id": member,
        "acceptance_name": f"Applicant {spec.organisation + 1}", "acceptance_role": "Chief executive",
        "status_reason": None, "status_changed_at": london(accepted.date() + timedelta(days=6), 14),
        "reporting_complete_at": None, "closed_at": None, "underspend_pence": 0, "clawback_pence": 0,
        "clawback_reason": None})
    rows[Instalment].extend(instalments)
    for period in periods:
        status = ReturnStatus.ACCEPTED if period.number <= reported else \
            ReturnStatus.SUBMITTED if period.number == reported + 1 else ReturnStatus.NOT_STARTED
        _return(writer, rng, rows, application, staff, member, (grant_id, start, end), period, status)


def _return(writer: Writer, rng: random.Random, rows: dict[Any, list[dict[str, Any]]],
            application: FundedApplication, staff: AreaStaff, member: int, grant: tuple[int, date, date],
            period: Any, status: ReturnStatus) -> None:
    grant_id, start, end = grant
    award = application.spec.award_pence or 0
    return_id = writer.ids(MonitoringReturn.__table__, 1)[0]
    filled = status != ReturnStatus.NOT_STARTED
    final = period.kind == "final"
    submitted = london(period.end + timedelta(days=12), 11) if filled else None
    reviewed = london(period.end + timedelta(days=20), 15) if status == ReturnStatus.ACCEPTED else None
    participants = rng.randrange(5, 60) if filled and not final else None
    sections = FINAL_SECTIONS if final else QUARTERLY_SECTIONS
    rows[MonitoringReturn].append({
        "id": return_id, "grant_id": grant_id, "number": period.number, "kind": period.kind,
        "period_start": period.start, "period_end": period.end, "financial_year": period.financial_year,
        "quarter": period.quarter, "due_on": period.due_on, "status": status.value,
        "sections": {section.key: "completed" for section in sections} if filled else {},
        "new_participants": participants,
        "progress": "Sessions ran as planned and referrals grew." if filled else None,
        "challenges": "Recruiting sessional staff took longer than planned." if filled else None,
        "case_study": "A young person referred by their school has stayed out of trouble." if filled else None,
        "safeguarding_incidents": 0 if filled else None,
        "rag": rng.choice(("green", "green", "green", "amber")) if filled else None,
        "reviewer_comment": "Thank you: a clear return." if reviewed else None,
        "submitted_at": submitted, "submitted_by_id": member if filled else None,
        "reviewed_at": reviewed, "reviewed_by_id": staff.officer if reviewed else None,
        "updated_at": submitted})
    if not filled:
        return
    rows[OutcomeActual].append({"id": writer.ids(OutcomeActual.__table__, 1)[0], "return_id": return_id,
                                "planned_outcome_id": application.outcome,
                                "result": f"{rng.randrange(55, 90)}% of participants", "note": ""})
    for line_id, amount in application.budget_lines:
        profile = profile_pence(amount, award, application.spec.requested_pence, start, end, period.end, final)
        rows[SpendLine].append({"id": writer.ids(SpendLine.__table__, 1)[0], "return_id": return_id,
                                "budget_line_id": line_id, "profile_pence": profile,
                                "spent_pence": profile * rng.randrange(96, 105) // 100, "explanation": ""})
    if final:
        return
    for output_id in application.outputs:
        rows[OutputActual].append({"id": writer.ids(OutputActual.__table__, 1)[0], "return_id": return_id,
                                   "planned_output_id": output_id, "quantity": rng.randrange(0, 40)})
    for dimension, counts in reach_counts(rng, participants or 0, application.spec.fund.force).items():
        rows[ReachCount].extend({"id": writer.ids(ReachCount.__table__, 1)[0], "return_id": return_id,
                                 "dimension": dimension, "category": category, "count": count}
                                for category, count in counts.items())


def reach_counts(rng: random.Random, total: int, force: int) -> dict[str, dict[str, int]]:
    """Every category of every breakdown (as a completed reach section saves them), the total shared
    among a few of them so that each breakdown adds up to it."""
    counts = {}
    for breakdown in reach.BREAKDOWNS:
        codes = [code for code, _ in breakdown.categories]
        if breakdown is reach.AREA:
            chosen = codes[:2] if force == DURHAM else ["elsewhere"]
        else:
            chosen = rng.sample(codes[:-1], min(3, len(codes) - 1))
        chosen = [*chosen, "not_known"]
        weights = [rng.randrange(1, 10) for _ in chosen]
        shares = dict.fromkeys(codes, 0)
        left = total
        for code, weight in zip(chosen[:-1], weights, strict=False):
            shares[code] = min(left, total * weight // sum(weights))
            left -= shares[code]
        shares["not_known"] += left
        counts[breakdown.dimension] = shares
    return counts
