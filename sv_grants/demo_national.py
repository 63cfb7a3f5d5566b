"""``flask seed-demo --scale national``: a national-sized copy of the system for benchmarks, built
with bulk inserts rather than through the services (which would take hours at this size).

At scale 1.0: 200 funds across the 43 police force areas of England and Wales over five financial
years, 32,000 applications, 64,000 reviews scored on every criterion, 6,500 accepted grants with
their instalments paid as their returns were accepted, and 26,000 monitoring returns. Because the
services are bypassed, this module keeps their invariants itself: each fund's committed total is
the sum of its awards, no grant is paid more than its award, a submitted application has its
fund's next reference, every reach breakdown adds up to the new participants, and a payment is
recorded by a different finance officer from the one who approved it.

The plan (which application goes where, with what status and award) is drawn first, so the funds
are inserted with their final ledgers; the rows then go in a chunk of applications at a time.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, Table, func, insert, select, text

from .applications.models import ApplicationStatus
from .auth.models import Role, User, UserRole
from .auth.passwords import hash_password
from .dates import LONDON
from .demo import CRITERIA, DEMO_PASSWORD, PRIORITIES, SCORE_DESCRIPTORS
from .extensions import db
from .funds.models import Criterion, Fund, FundStatus, Priority, Round
from .organisations.models import LegalForm, Membership, Organisation

SEED = 20_261_122
BATCH = 5_000
EMAIL_DOMAIN = "national.example.org"
FIRST_YEAR, YEARS = 2022, 5  # financial years 2022/23 to 2026/27; the last is still being assessed
CURRENT_YEAR = FIRST_YEAR + YEARS - 1

# The 43 territorial police force areas of England and Wales.
FORCES = [
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London", "Cleveland", "Cumbria",
    "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
    "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
    "Leicestershire", "Lincolnshire", "Merseyside", "Metropolitan", "Norfolk", "North Wales", "North Yorkshire",
    "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire", "Staffordshire",
    "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia", "West Midlands",
    "West Yorkshire", "Wiltshire",
]
FUNDERS = {"Metropolitan": "Mayor's Office for Policing and Crime",
           "Greater Manchester": "Greater Manchester Combined Authority",
           "West Yorkshire": "West Yorkshire Combined Authority",
           "City of London": "City of London Police Authority"}

# Benchmarks open these: a round of 500 applications being assessed (the panel's ranking) and a
# fund of 5,000 grants (its funding return as a PDF). Both are built at every scale.
NATIONAL_BIG_GRANTS_FUND = "national-west-midlands-2024-25"
NATIONAL_BIG_ROUND_FUND = "national-greater-manchester-2026-27"

# Full-scale targets; ``seed_national(scale)`` multiplies them.
TARGETS = {"funds": 200, "applications": 32_000, "reviews": 64_000, "grants": 6_500, "big_grants": 5_000,
           "big_round": 500, "organisations": 6_000}

REVIEWERS_PER_AREA = 4
# Statuses of the applications not already placed, by whether their round has been decided.
DECIDED_MIX = [(ApplicationStatus.REJECTED, 58), (ApplicationStatus.RESERVE, 4), (ApplicationStatus.WITHDRAWN, 6),
               (ApplicationStatus.INELIGIBLE, 7), (ApplicationStatus.DRAFT, 25)]
ASSESSING_MIX = [(ApplicationStatus.IN_ASSESSMENT, 45), (ApplicationStatus.SUBMITTED, 20),
                 (ApplicationStatus.WITHDRAWN, 5), (ApplicationStatus.INELIGIBLE, 5), (ApplicationStatus.DRAFT, 25)]


def slugify(name: str) -> str:
    return name.lower().replace(" and ", "-").replace(" ", "-")


def year_label(year: int, separator: str) -> str:
    return f"{year}{separator}{(year + 1) % 100:02d}"


def london(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


@dataclass
class PlannedFund:
    index: int
    force: int
    year: int
    id: int = 0
    round_id: int = 0
    priority_ids: list[int] = field(default_factory=list)
    criterion_ids: list[int] = field(default_factory=list)
    numbered: int = 0
    committed_pence: int = 0
    requested_pence: int = 0

    @property
    def slug(self) -> str:
        return f"national-{slugify(FORCES[self.force])}-{year_label(self.year, '-')}"

    @property
    def decided(self) -> bool:
        return self.year < CURRENT_YEAR


@dataclass
class PlannedApplication:
    fund: PlannedFund
    status: ApplicationStatus
    requested_pence: int
    award_pence: int | None
    organisation: int = -1  # index into the organisations, chosen once they are made


@dataclass
class AreaStaff:
    officer: int
    finance: int  # approves payments
    finance2: int  # records them paid
    reviewers: list[int]


class Writer:
    """Bulk inserts with ids handed out here, so rows can name their parents before they exist."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._next: dict[str, int] = {}

    def ids(self, table: Table, how_many: int) -> range:
        if table.name not in self._next:
            self._next[table.name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        start = self._next[table.name]
        self._next[table.name] = start + how_many
        return range(start, start + how_many)

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """The rows (dicts with the same keys) in batches, on the session's transaction."""
        if rows and db.session.get_bind().dialect.name == "postgresql":
            self._copy(table, rows)
        else:
            for start in range(0, len(rows), BATCH):
                db.session.execute(insert(table), rows[start:start + BATCH])
        self.counts[table.name] += len(rows)

    @staticmethod
    def _copy(table: Table, rows: list[dict[str, Any]]) -> None:
        """PostgreSQL takes rows by COPY three or more times faster than by INSERT, which at this
        size is minutes. psycopg turns each value into text; only JSON needs telling."""
        from psycopg.types.json import Json

        columns = list(rows[0])
        as_json = [isinstance(table.c[name].type, JSON) for name in columns]
        names = ", ".join(f'"{name}"' for name in columns)
        cursor = db.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([Json(row[name]) if json else row[name]
                                for name, json in zip(columns, as_json, strict=True)])

    def finish(self) -> None:
        """PostgreSQL's sequences do not see explicit ids: move each past the ids used here."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for name in self._next:
            # The names are this module's own tables, never input.
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"))


def scaled(key: str, scale: float, least: int = 1) -> int:
    return max(least, round(TARGETS[key] * scale))


def seed_national(scale: float = 1.0) -> dict[str, int]:
    """Add the national data set; call inside an app context after ``seed_demo``. Returns the rows
    added per table: none when the data set is there already (it is added whole or not at all)."""
    from .demo_national_applications import add_applications
    from .demo_national_grants import add_grants

    if db.session.scalar(select(Fund.id).where(Fund.slug == NATIONAL_BIG_GRANTS_FUND)) is not None:
        return {}

    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not secrets
    writer = Writer()
    funds = plan_funds(scale)
    plan = plan_applications(rng, funds, scale)
    staff, applicants = add_people(writer, rng, funds, plan, scale)
    add_funds(writer, funds)
    funded = add_applications(writer, rng, plan, staff, applicants, scaled("reviews", scale))
    add_grants(writer, rng, funded, staff, applicants)
    writer.finish()
    db.session.flush()
    return dict(sorted(writer.counts.items()))


# Funds ------------------------------------------------------------------------------------------

def plan_funds(scale: float) -> list[PlannedFund]:
    everything = [PlannedFund(0, force, FIRST_YEAR + year) for year in range(YEARS) for force in range(len(FORCES))]
    big = [next(f for f in everything if f.slug == slug)
           for slug in (NATIONAL_BIG_GRANTS_FUND, NATIONAL_BIG_ROUND_FUND)]
    ordered = big + [f for f in everything if f not in big]
    chosen = ordered[:min(len(ordered), scaled("funds", scale, least=2))]
    for index, fund in enumerate(chosen):
        fund.index = index
    return chosen


def plan_applications(rng: random.Random, funds: list[PlannedFund], scale: float) -> list[PlannedApplication]:
    """Every application's fund, status, request and award, before any row is written."""
    big_grants, big_round = funds[0], funds[1]
    decided_funds = [f for f in funds[2:] if f.decided] or [big_grants]

    def planned(fund: PlannedFund, status: ApplicationStatus) -> PlannedApplication:
        requested = rng.randrange(2_000, 50_001, 250) * 100
        award = None
        if status == ApplicationStatus.APPROVED:
            award = requested if rng.random() < 0.7 else max(2_000_00, requested * 9 // 10 // 10_000 * 10_000)
        return PlannedApplication(fund, status, requested, award)

    specs = [planned(big_grants, ApplicationStatus.APPROVED) for _ in range(scaled("big_grants", scale))]
    specs += [planned(big_grants, ApplicationStatus.REJECTED) for _ in range(len(specs) // 2)]
    specs += [planned(big_round, ApplicationStatus.IN_ASSESSMENT) for _ in range(scaled("big_round", scale))]
    other_grants = max(0, scaled("grants", scale) - scaled("big_grants", scale))
    specs += [planned(decided_funds[i % len(decided_funds)], ApplicationStatus.APPROVED) for i in range(other_grants)]
    rest = funds[2:] or funds
    for _ in range(max(0, scaled("applications", scale) - len(specs))):
        fund = rng.choice(rest)
        statuses, weights = zip(*(DECIDED_MIX if fund.decided else ASSESSING_MIX), strict=True)
        specs.append(planned(fund, rng.choices(statuses, weights)[0]))
    for spec in specs:
        spec.fund.committed_pence += spec.award_pence or 0
        spec.fund.requested_pence += spec.requested_pence
    return specs


def add_funds(writer: Writer, funds: list[PlannedFund]) -> None:
    fund_ids = writer.ids(Fund.__table__, len(funds))
    round_ids = writer.ids(Round.__table__, len(funds))
    priority_ids = iter(writer.ids(Priority.__table__, len(funds) * len(PRIORITIES)))
    criterion_ids = iter(writer.ids(Criterion.__table__, len(funds) * len(CRITERIA)))
    fund_rows, round_rows, priority_rows, criterion_rows = [], [], [], []
    for fund, fund_id, round_id in zip(funds, fund_ids, round_ids, strict=True):
        fund.id, fund.round_id = fund_id, round_id
        force, year = FORCES[fund.force], fund.year
        # Past funds were spent to within a few per cent; this year's has room for the panel's choice.
        total = -(-fund.committed_pence * 21 // 20 // 1_000_000) * 1_000_000 if fund.committed_pence \
            else max(1_000_000_00, fund.requested_pence // 3 // 1_000_000 * 1_000_000)
        fund_rows.append({
            "id": fund_id, "slug": fund.slug, "name": f"{force} Serious Violence Fund {year_label(year, '/')}",
            "funder_name": FUNDERS.get(force, f"{force} Police and Crime Commissioner"),
            "financial_year": year_label(year, "/"), "total_pence": total, "committed_pence": fund.committed_pence,
            "status": FundStatus.CLOSED if fund.decided else FundStatus.OPEN,
            "reference_code": f"F{fund.force + 1:02d}", "cost_centre": f"SV{fund.force + 1:02d}{year % 100}",
            "created_at": london(date(year - 1, 11, 1))})
        round_rows.append({
            "id": round_id, "fund_id": fund_id, "name": "Round 1: community grants",
            "opens_at": london(date(year, 1, 10), 9), "closes_at": london(date(year, 3, 1), 12),
            "delivery_from": date(year, 7, 1), "delivery_until": date(year + 1, 3, 31),
            "min_award_pence": 2_000_00, "max_award_pence": 50_000_00,
            "guidance": f"Grants from £2,000 to £50,000 for work in {force} that prevents or reduces serious "
                        "violence under one or more of the four priorities.",
            "score_min": 0, "score_max": 4, "score_descriptors": SCORE_DESCRIPTORS,
            "moderation_threshold_percent": 20})
        for position, (code, title, cohort) in enumerate(PRIORITIES, start=1):
            fund.priority_ids.append(next(priority_ids))
            priority_rows.append({"id": fund.priority_ids[-1], "fund_id": fund_id, "code": code, "title": title,
                                  "description": "", "cohort": cohort, "position": position})
        for position, (title, weight, guidance) in enumerate(CRITERIA, start=1):
            fund.criterion_ids.append(next(criterion_ids))
            criterion_rows.append({
                "id": fund.criterion_ids[-1], "round_id": round_id, "position": position, "title": title,
                "weight": weight, "guidance": guidance, "priority_id": None,
                "descriptors": {str(d["score"]): d["description"] for d in SCORE_DESCRIPTORS}})
    writer.insert(Fund.__table__, fund_rows)
    writer.insert(Round.__table__, round_rows)
    writer.insert(Priority.__table__, priority_rows)
    writer.insert(Criterion.__table__, criterion_rows)


def set_references_issued(funds: Iterable[PlannedFund]) -> None:
    """Each fund's reference counter continues after the references handed out here."""
    for fund in funds:
        if fund.numbered:
            db.session.execute(Fund.__table__.update().where(Fund.__table__.c.id == fund.id)
                               .values(applications_numbered=fund.numbered))


# People -----------------------------------------------------------------------------------------

def add_people(writer: Writer, rng: random.Random, funds: list[PlannedFund], plan: list[PlannedApplication],
               scale: float) -> tuple[dict[int, AreaStaff], list[tuple[int, int]]]:
    """Staff for each force area with a fund, and organisations each with an applicant who is
    their main contact, shared among the areas in proportion to their applications, each of which
    is then given one of its area's organisations. Every account shares one password hash:
    hashing is slow on purpose."""
    password_hash = db.session.scalar(select(User.password_hash).where(User.email == "admin@example.org")) \
        or hash_password(DEMO_PASSWORD)
    joined = london(date(FIRST_YEAR - 1, 10, 1))
    users: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []

    def user(email: str, name: str, *granted: Role) -> int:
        user_id = writer.ids(User.__table__, 1)[0]
        users.append({"id": user_id, "email": email, "name": name, "password_hash": password_hash,
                      "is_active": True, "created_at": joined, "totp_last_step": 0})
        roles.extend({"user_id": user_id, "role": role.value, "granted_at": joined} for role in granted)
        return user_id

    staff: dict[int, AreaStaff] = {}
    for force in sorted({f.force for f in funds}):
        slug, name = slugify(FORCES[force]), FORCES[force]
        staff[force] = AreaStaff(
            user(f"officer.{slug}@{EMAIL_DOMAIN}", f"{name} grants officer", Role.GRANTS_OFFICER, Role.REVIEWER),
            user(f"finance.{slug}@{EMAIL_DOMAIN}", f"{name} finance officer", Role.FINANCE_OFFICER),
            user(f"finance2.{slug}@{EMAIL_DOMAIN}", f"{name} payments officer", Role.FINANCE_OFFICER),
            [user(f"reviewer{n}.{slug}@{EMAIL_DOMAIN}", f"{name} reviewer {n}", Role.REVIEWER)
             for n in range(1, REVIEWERS_PER_AREA + 1)])
    demand = Counter(spec.fund.force for spec in plan)
    wanted = scaled("organisations", scale)
    areas = [force for force in sorted(demand) for _ in range(max(1, wanted * demand[force] // len(plan)))]
    forms = list(LegalForm)
    organisations, members, applicants = [], [], []
    organisation_ids = writer.ids(Organisation.__table__, len(areas))
    by_area: dict[int, list[int]] = defaultdict(list)
    for index, (organisation_id, force) in enumerate(zip(organisation_ids, areas, strict=True)):
        place = FORCES[force]
        by_area[force].append(index)
        applicant = user(f"applicant{index + 1:05d}@{EMAIL_DOMAIN}", f"Applicant {index + 1}", Role.APPLICANT)
        applicants.append(applicant)
        form = forms[index % len(forms)]
        organisations.append({
            "id": organisation_id, "name": f"{place} Community Project {len(by_area[force])}",
            "legal_form": form.value,
            "charity_number": f"{1_100_000 + index}" if form == LegalForm.REGISTERED_CHARITY else None,
            "company_number": f"{10_000_000 + index}" if form in (LegalForm.CIC, LegalForm.CHARITABLE_COMPANY)
            else None,
            "address_line_1": f"{index % 200 + 1} High Street", "town": place, "postcode": None,
            "local_authority_code": None, "annual_income_pence": (20_000 + index * 37 % 480_000) * 100,
            "safeguarding_lead_name": f"Safeguarding Lead {index + 1}",
            "safeguarding_lead_email": f"safeguarding{index + 1:05d}@{EMAIL_DOMAIN}",
            "created_at": joined, "created_by_id": applicant})
        members.append({"organisation_id": organisation_id, "user_id": applicant, "is_main_contact": True,
                        "joined_at": joined})
    writer.insert(User.__table__, users)
    writer.insert(UserRole.__table__, roles)
    writer.insert(Organisation.__table__, organisations)
    writer.insert(Membership.__table__, [{"id": i, **row} for i, row in
                                         zip(writer.ids(Membership.__table__, len(members)), members, strict=True)])
    for spec in plan:
        spec.organisation = rng.choice(by_area[spec.fund.force])
    # (organisation id, its main contact's user id), by the organisation's index in the plan
    return staff, list(zip(organisation_ids, applicants, strict=True))
