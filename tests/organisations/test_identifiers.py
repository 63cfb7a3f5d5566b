"""Charity and company numbers and postcodes are checked and tidied as people type them."""

import pytest

from sv_grants.organisations.identifiers import (
    normalise_charity_number,
    normalise_company_number,
    normalise_postcode,
)


@pytest.mark.parametrize(("typed", "stored"), [
    ("1234567", "1234567"), ("123456", "123456"), ("1234567-1", "1234567-1"), ("1234567-12", "1234567-12"),
    (" 1234567 ", "1234567"), ("sc012345", "SC012345"), ("SC 012345", "SC012345"),
])
def test_charity_numbers_of_england_wales_and_scotland_are_accepted(typed, stored):
    assert normalise_charity_number(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "12345678", "1234567-123", "SC12345", "NI123456", "abc", ""])
def test_other_charity_numbers_are_refused(typed):
    with pytest.raises(ValueError, match="charity number in the correct format"):
        normalise_charity_number(typed)


@pytest.mark.parametrize(("typed", "stored"), [
    ("01234567", "01234567"), ("1234567", "01234567"), ("4567", "00004567"), ("sc123456", "SC123456"),
    ("CE001234", "CE001234"), ("NI 012345", "NI012345"),
])
def test_company_numbers_are_accepted_and_short_numeric_ones_padded(typed, stored):
    assert normalise_company_number(typed) == stored


@pytest.mark.parametrize("typed", ["123456789", "S1234567", "SC12345", "ABC12345", "", "0123-456"])
def test_other_company_numbers_are_refused(typed):
    with pytest.raises(ValueError, match="company number in the correct format"):
        normalise_company_number(typed)


@pytest.mark.parametrize(("typed", "stored"), [
    ("dl15qa", "DL1 5QA"), ("DH1 3LE", "DH1 3LE"), (" sw1a 1aa ", "SW1A 1AA"), ("M1 1AE", "M1 1AE"),
    ("B33 8TH", "B33 8TH"), ("CR2 6XH", "CR2 6XH"),
])
def test_postcodes_are_accepted_and_written_the_standard_way(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["", "DL1", "12345", "DL1 5Q", "DLL1 5QA", "DL1 5QAA"])
def test_other_postcodes_are_refused(typed):
    with pytest.raises(ValueError, match="real postcode"):
        normalise_postcode(typed)
