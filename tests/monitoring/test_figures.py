"""The arithmetic of returns: the spend profile, the 10% rule, reading what was typed, and spotting
contact details in free text."""

from __future__ import annotations

from datetime import date

import pytest

from sv_grants.monitoring.figures import (
    needs_explanation,
    parse_count,
    parse_spend,
    personal_details_in,
    profile_pence,
    variance_percent,
)

START, END = date(2025, 4, 1), date(2026, 3, 31)  # 365 days


def test_the_profile_scales_the_line_by_the_award_and_the_days_elapsed() -> None:
    # £10,000 line of a £20,000 request awarded £15,000; 183 of 365 days gone by 30 September 2025:
    # 1,000,000p * 1,500,000 / 2,000,000 * 183 / 365 = 376,027.39p, rounded down.
    assert profile_pence(10_000_00, 15_000_00, 20_000_00, START, END, date(2025, 9, 30), final=False) == 376_027
    # The whole grant's days: the whole scaled line, as the final return expects.
    assert profile_pence(10_000_00, 15_000_00, 20_000_00, START, END, END, final=False) == 7_500_00
    assert profile_pence(10_000_00, 15_000_00, 20_000_00, START, END, date(2025, 6, 30), final=True) == 7_500_00
    # Awarded in full: a quarter of the year is a quarter of the line, near enough.
    assert profile_pence(20_000_00, 20_000_00, 20_000_00, START, END, date(2025, 6, 30), final=False) == 4_986_30


@pytest.mark.parametrize(("spent", "needed"), [
    (1_000_00, False), (1_100_00, False), (1_100_01, True), (900_00, False), (899_99, True), (0, True)])
def test_an_explanation_is_needed_beyond_ten_percent_either_way(spent: int, needed: bool) -> None:
    assert needs_explanation(spent, 1_000_00) is needed


def test_variance_percent() -> None:
    assert variance_percent(1_120_00, 1_000_00) == 12
    assert variance_percent(880_00, 1_000_00) == -12
    assert variance_percent(5, 0) is None


@pytest.mark.parametrize(("typed", "expected"), [("12", 12), (" 1,200 ", 1200), ("0", 0), ("", None),
                                                 ("1000000", 1_000_000)])
def test_counts_read_as_typed(typed: str, expected: int | None) -> None:
    assert parse_count(typed, "Count") == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("-1", "Count must be 0 or more"), ("1.5", "Count must be a whole number, like 12"),
    ("²", "Count must be a whole number, like 12"), ("1000001", "Count must be 1,000,000 or fewer"),
    ("9" * 5000, "Count must be 1,000,000 or fewer")])
def test_bad_counts_say_what_is_wrong(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_count(typed, "Count")


def test_spend_reads_pounds_and_pence() -> None:
    assert parse_spend("£1,500.50", "Spend") == 1_500_50
    assert parse_spend("0", "Spend") == 0
    assert parse_spend("", "Spend") is None
    with pytest.raises(ValueError, match="must be £100,000,000 or less"):
        parse_spend("9" * 5000, "Spend")


@pytest.mark.parametrize(("text", "found"), [
    ("Email sam.smith@example.org for details", "an email address"),
    ("Ring 07700 900123", "a phone number"),
    ("Ring +44 7700 900123", "a phone number"),
    ("Call 0191-496-0000 after 5", "a phone number"),
    ("The centre (01325) 380 651", "a phone number"),
    ("120 young people, £12,000 spent, sessions 2025 to 2026", None),
    ("Reference SVF-2425-0001 and 45 sessions", None),
])
def test_contact_details_are_spotted(text: str, found: str | None) -> None:
    assert personal_details_in(text) == found
