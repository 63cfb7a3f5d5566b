"""The arithmetic of a return, kept apart from the database: the spend profile, when a variance
needs explaining, reading counts and amounts as typed, and spotting personal details in free text."""

from __future__ import annotations

import re
from datetime import date

from ..money import gbp, parse_pounds

# Counts are of people and sessions in one quarter: anything above this is a typing mistake, and
# capping it keeps huge numbers away from the database's integer columns.
MAX_COUNT = 1_000_000
MAX_SPEND_PENCE = 100_000_000_00


def profile_pence(line_pence: int, awarded_pence: int, requested_pence: int | None, grant_start: date,
                  grant_end: date, period_end: date, final: bool) -> int:
    """What a budget line should have spent by ``period_end``: the line scaled by the award
    (award ÷ requested, as the award may be less than was asked for), then by the share of the
    grant's days elapsed (both counted inclusively). The final return expects the whole line.
    Integer pence, rounded down."""
    requested = requested_pence or awarded_pence or 1
    if final:
        return line_pence * awarded_pence // requested
    length = (grant_end - grant_start).days + 1
    elapsed = min(max((period_end - grant_start).days + 1, 0), length)
    return line_pence * awarded_pence * elapsed // (requested * length)


def needs_explanation(spent_pence: int, profile: int) -> bool:
    """More than 10% over or under the profile: |spent - profile| * 10 > profile."""
    return abs(spent_pence - profile) * 10 > profile


def variance_percent(spent_pence: int, profile: int) -> int | None:
    """The variance as a whole percentage of the profile, or None when nothing was profiled."""
    if profile == 0:
        return None
    return round((spent_pence - profile) * 100 / profile)


def parse_count(text: str | None, label: str) -> int | None:
    """A count as typed ('1,200', '12'), None when blank, or ValueError with the message to show."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    if text.startswith(("-", "−")):
        raise ValueError(f"{label} must be 0 or more")
    if not is_digits(text):
        raise ValueError(f"{label} must be a whole number, like 12")
    if len(text) > len(str(MAX_COUNT)) or int(text) > MAX_COUNT:
        raise ValueError(f"{label} must be {MAX_COUNT:,} or fewer")
    return int(text)


def parse_spend(text: str | None, label: str) -> int | None:
    """An amount spent as typed ('£1,500', '0', '1500.50') in pence, None when blank, or ValueError."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    if text.startswith(("-", "−", "£-", "£−")):
        raise ValueError(f"{label} must be £0 or more")
    digits = text.lstrip("£").replace(",", "")
    whole = digits.split(".", 1)[0]
    if is_digits(whole) and len(whole.lstrip("0")) > len(str(MAX_SPEND_PENCE // 100)):
        raise ValueError(f"{label} must be {gbp(MAX_SPEND_PENCE)} or less")
    try:
        pence = parse_pounds(text)
    except ValueError:
        raise ValueError(f"{label} must be an amount of money in pounds, like 1500 or 1500.50") from None
    if pence > MAX_SPEND_PENCE:
        raise ValueError(f"{label} must be {gbp(MAX_SPEND_PENCE)} or less")
    return pence


def is_digits(text: str) -> bool:
    # The same rule as forms.is_whole_number: int() refuses "²", which str.isdigit() accepts.
    return text.isascii() and text.isdigit()


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")
# UK numbers: 0 or +44 / 0044, then 9 or 10 digits, with spaces, dashes or brackets between, like (01325) 380 651.
_UK_PHONE = re.compile(r"(?<![\d£])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s\-()]{0,2}\d){8,9}(?!\d)")


def personal_details_in(text: str | None) -> str | None:
    """'an email address' or 'a phone number' if ``text`` holds one, else None."""
    if not text:
        return None
    if _EMAIL.search(text):
        return "an email address"
    if _UK_PHONE.search(text):
        return "a phone number"
    return None
