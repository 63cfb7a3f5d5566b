"""When returns fall due: one for every financial quarter a grant's delivery touches (April to
June is Q1) and a final one for the whole grant. Each is due on the last day of the month after
its period ends, so a quarter's return is due a month after the quarter (or the grant) ends."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Period:
    number: int
    kind: str  # "quarterly" / "final"
    start: date
    end: date
    financial_year: str  # "2026-27"
    quarter: int | None
    due_on: date


def financial_year_of(day: date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def quarter_of(day: date) -> int:
    return (day.month - 4) % 12 // 3 + 1


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_bounds(day: date) -> tuple[date, date]:
    first_month = (day.month - 1) // 3 * 3 + 1  # calendar quarters and financial ones share edges
    start = date(day.year, first_month, 1)
    return start, month_end(day.year, first_month + 2)


def end_of_next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return month_end(year, month)


def return_periods(start: date, end: date) -> list[Period]:
    """Every return a grant delivered from ``start`` to ``end`` (inclusive) owes, in order."""
    periods = []
    day = start
    while day <= end:
        quarter_start, quarter_end = quarter_bounds(day)
        periods.append(Period(len(periods) + 1, "quarterly", max(quarter_start, start), min(quarter_end, end),
                              financial_year_of(day), quarter_of(day), end_of_next_month(min(quarter_end, end))))
        day = date.fromordinal(quarter_end.toordinal() + 1)
    periods.append(Period(len(periods) + 1, "final", start, end, financial_year_of(end), None,
                          end_of_next_month(end)))
    return periods


def quarterly_count(start: date, end: date) -> int:
    return sum(1 for period in return_periods(start, end) if period.kind == "quarterly")


@dataclass(frozen=True)
class PlannedInstalment:
    amount_pence: int
    trigger: str  # grants.models.Trigger values
    after_return: int | None = None


def default_instalments(award_pence: int, quarters: int) -> list[PlannedInstalment]:
    """Half on acceptance, a quarter once the second quarterly return is accepted (the last one,
    for a grant with a single quarter) and the rest after the final return. Pence that do not
    divide go in the last instalment, so the amounts always add up to the award."""
    first = award_pence // 2
    second = award_pence // 4
    plan = [PlannedInstalment(first, "on_acceptance"),
            PlannedInstalment(second, "after_return", min(2, max(quarters, 1))),
            PlannedInstalment(award_pence - first - second, "final_return")]
    return [instalment for instalment in plan if instalment.amount_pence > 0]
