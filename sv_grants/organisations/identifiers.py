"""Checking and tidying the numbers organisations type: charity and company numbers, postcodes.

Each ``normalise_*`` returns the tidy form, or raises ``ValueError`` with the message to show.
"""

from __future__ import annotations

import re

from .models import LegalForm

_ENGLAND_AND_WALES_CHARITY = re.compile(r"^\d{6,7}(-\d{1,2})?$")
_SCOTTISH_CHARITY = re.compile(r"^SC\d{6}$")
# Companies House: 8 digits (England and Wales), or 2 letters and 6 digits (SC Scotland,
# NI Northern Ireland, OC/SO/NC limited liability partnerships, CE/CS charitable incorporated ...).
_COMPANY = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")

# Which numbers each legal form has: (charity number, company number).
NUMBERS_REQUIRED: dict[LegalForm, tuple[bool, bool]] = {
    LegalForm.REGISTERED_CHARITY: (True, False),
    LegalForm.CIO: (True, False),
    LegalForm.CHARITABLE_COMPANY: (True, True),
    LegalForm.CIC: (False, True),
    LegalForm.COMPANY_LIMITED_BY_GUARANTEE: (False, True),
    LegalForm.COMMUNITY_GROUP: (False, False),
    LegalForm.SOCIAL_ENTERPRISE: (False, False),
}


def _squash(text: str) -> str:
    return "".join(text.split()).upper()


def normalise_charity_number(text: str) -> str:
    number = _squash(text)
    if _ENGLAND_AND_WALES_CHARITY.match(number) or _SCOTTISH_CHARITY.match(number):
        return number
    raise ValueError("Enter a charity number in the correct format, like 1234567 in England and Wales "
                     "or SC012345 in Scotland")


def normalise_company_number(text: str) -> str:
    number = _squash(text)
    if number.isdigit() and len(number) < 8:
        number = number.zfill(8)  # Companies House numbers keep their leading zeros
    if _COMPANY.match(number):
        return number
    raise ValueError("Enter a company number in the correct format: 8 characters, like 01234567 or SC123456")


def normalise_postcode(text: str) -> str:
    squashed = _squash(text)
    match = _POSTCODE.match(squashed)
    if not match:
        raise ValueError("Enter a real postcode, like DL1 5QA")
    return f"{match.group(1)} {match.group(2)}"
