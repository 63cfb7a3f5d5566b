"""The periods a return covers: a financial quarter ("2024-25-Q3"), a financial year ("2024-25")
or everything to date ("to-date"). The financial year runs April to March; April to June is Q1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..dates import format_date

_YEAR = re.compile(r"^(\d{4})-(\d{2})(?:-Q([1-4]))?$")
TO_DATE = "to-date"


class UnknownPeriod(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    key: str  # as written in URLs and on the command line
    start: date | None  # None: from the beginning
    end: date

    @property
    def is_to_date(self) -> bool:
        return self.start is None

    @property
    def label(self) -> str:
        if self.start is None:
            return f"To date ({format_date(self.end)})"
        match = _YEAR.match(self.key)
        assert match is not None
        year = f"{match[1]}/{match[2]}"
        if match[3]:
            return f"{year} quarter {match[3]} ({format_date(self.start)} to {format_date(self.end)})"
        return f"{year} financial year ({format_date(self.start)} to {format_date(self.end)})"

    def contains(self, day: date | None) -> bool:
        return day is not None and (self.start is None or self.start <= day) and day <= self.end


def financial_year_of(day: date) -> str:
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def quarter_of(day: date) -> tuple[str, int]:
    """(financial year, quarter): April to June is quarter 1."""
    return financial_year_of(day), (day.month - 4) % 12 // 3 + 1


def quarter_bounds(first_year: int, quarter: int) -> tuple[date, date]:
    month = 4 + (quarter - 1) * 3
    year = first_year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    start = date(year, month, 1)
    end_month = month + 2
    following = date(year + (end_month // 12), end_month % 12 + 1, 1)
    return start, date.fromordinal(following.toordinal() - 1)


def parse_period(key: str, today: date) -> Period:
    """The period a key names; a key that names none raises ``UnknownPeriod`` with a message a
    person can act on. "to-date" ends today."""
    key = (key or "").strip()
    if key == TO_DATE:
        return Period(TO_DATE, None, today)
    match = _YEAR.match(key)
    if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
        raise UnknownPeriod(f"'{key}' is not a period: use a financial year such as 2024-25, a quarter such as "
                            "2024-25-Q3, or to-date")
    first = int(match[1])
    if not 2000 <= first <= 2100:
        raise UnknownPeriod(f"'{key}' is outside the years a return can cover (2000-01 to 2100-01)")
    if match[3]:
        start, end = quarter_bounds(first, int(match[3]))
    else:
        start, end = date(first, 4, 1), date(first + 1, 3, 31)
    return Period(key, start, end)


def quarters_between(start: date, end: date) -> list[tuple[str, int]]:
    """Every (financial year, quarter) from the one holding ``start`` to the one holding ``end``."""
    result: list[tuple[str, int]] = []
    year, quarter = quarter_of(start)
    last = quarter_of(end)
    while True:
        result.append((year, quarter))
        if (year, quarter) == last or len(result) > 400:
            return result
        if quarter == 4:
            first = int(year[:4]) + 1
            year, quarter = f"{first}-{(first + 1) % 100:02d}", 1
        else:
            quarter += 1


def period_key(year: str, quarter: int | None = None) -> str:
    return year if quarter is None else f"{year}-Q{quarter}"
