"""The breakdowns participant reach is counted in. Categories are fixed so that counts add up
across grants in the impact return; every breakdown has "not known", so the counts always can."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    label: str  # "age band": used in sentences such as "The age band breakdown adds up to 23"
    categories: tuple[tuple[str, str], ...]


AGE_BAND = Breakdown("age_band", "age band", (
    ("under_10", "Under 10"), ("10_14", "10 to 14"), ("15_17", "15 to 17"), ("18_24", "18 to 24"),
    ("25_35", "25 to 35"), ("36_over", "36 and over"), ("not_known", "Not known")))
SEX = Breakdown("sex", "sex", (
    ("female", "Female"), ("male", "Male"), ("another", "Another term"), ("not_known", "Not known")))
# The two local authorities by their ONS codes, then anywhere else.
AREA = Breakdown("area", "area", (
    ("E06000047", "County Durham"), ("E06000005", "Darlington"), ("elsewhere", "Somewhere else"),
    ("not_known", "Not known")))
COHORT = Breakdown("cohort", "cohort", (
    ("at_risk", "At risk of involvement in violence"), ("involved", "Already involved in violence"),
    ("victim", "Victim of violence"), ("perpetrator", "Perpetrator of violence"),
    ("family", "Family member or carer"), ("not_known", "Not known")))

BREAKDOWNS = (AGE_BAND, SEX, AREA, COHORT)
BY_DIMENSION = {breakdown.dimension: breakdown for breakdown in BREAKDOWNS}


def breakdown_errors(total: int, counts: dict[str, dict[str, int]]) -> dict[str, str]:
    """{dimension: message} for each breakdown whose counts do not add up to the total."""
    errors = {}
    for breakdown in BREAKDOWNS:
        added = sum(counts.get(breakdown.dimension, {}).values())
        if added != total:
            gap = abs(total - added)
            side = "fewer" if added < total else "more"
            people = "participant" if gap == 1 else "participants"
            errors[breakdown.dimension] = (
                f"The {breakdown.label} breakdown adds up to {added}, which is {gap} {people} {side} than the "
                f"{total} new participants")
    return errors
