"""Money is int pence shown as pounds; time is UTC stored and UK time shown."""

from datetime import UTC, datetime

import pytest

from sv_grants.dates import clock, format_date, format_datetime
from sv_grants.money import gbp, parse_pounds


@pytest.mark.parametrize(("pence", "with_pence", "shown"), [
    (50_000_000, True, "£500,000.00"),
    (1_250_000, None, "£12,500"),
    (1_250_050, None, "£12,500.50"),
    (5, None, "£0.05"),
    (0, None, "£0"),
    (-123_456, True, "−£1,234.56"),
])
def test_gbp_formats_pence_as_pounds(pence, with_pence, shown):
    assert gbp(pence, with_pence) == shown


def test_gbp_refuses_floats_so_money_never_passes_through_binary_fractions():
    with pytest.raises(TypeError):
        gbp(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "pence"), [
    ("12500", 1_250_000), ("£12,500.50", 1_250_050), ("0.5", 50), (" 2000 ", 200_000),
])
def test_parse_pounds_reads_what_people_type(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize("typed", ["", "12.505", "twelve", "1,23", "-5", "£"])
def test_parse_pounds_refuses_anything_else(typed):
    with pytest.raises(ValueError):
        parse_pounds(typed)


def test_times_are_shown_in_uk_time_through_summer_and_winter():
    assert format_datetime(datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == "1 July 2026 at midday"
    assert format_datetime(datetime(2026, 1, 15, 18, 30, tzinfo=UTC)) == "15 January 2026 at 6:30pm"
    # 23:30 UTC on 31 March is already 1 April in British Summer Time.
    assert format_date(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "1 April 2026"


def test_the_clock_can_be_moved_by_tests():
    moment = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    clock.travel_to(moment)
    assert clock.now() == moment
    clock.advance(minutes=31)
    assert clock.now() == datetime(2025, 4, 1, 9, 31, tzinfo=UTC)
    clock.reset()
    assert clock.now() > datetime(2026, 1, 1, tzinfo=UTC)


def test_the_clock_refuses_naive_times():
    with pytest.raises(ValueError):
        clock.travel_to(datetime(2025, 4, 1, 9, 0))  # noqa: DTZ001 - the point of the test
