"""Money is an ``int`` number of pence everywhere; this module turns it into text and back."""

from __future__ import annotations

import re

_POUNDS = re.compile(r"^£?\s*(\d{1,3}(,\d{3})+|\d+)(\.(\d{1,2}))?$")


def gbp(pence: int | None, with_pence: bool | None = None) -> str:
    """Format pence as pounds: ``gbp(50000000, True)`` -> '£500,000.00', ``gbp(1250000)`` -> '£12,500'.

    By default pence are shown only when there are some, as the GOV.UK style guide asks;
    finance tables pass ``with_pence=True`` so columns line up.
    """
    if pence is None:
        return ""
    if isinstance(pence, bool) or not isinstance(pence, int):
        raise TypeError(f"money must be int pence, not {type(pence).__name__}")
    sign = "−" if pence < 0 else ""  # a true minus sign, which reads better than a hyphen
    pounds, rest = divmod(abs(pence), 100)
    show_pence = rest != 0 if with_pence is None else with_pence
    text = f"£{pounds:,}" + (f".{rest:02d}" if show_pence else "")
    return sign + text


def parse_pounds(text: str) -> int:
    """Parse what a person types ('12500', '£12,500.50') into pence; raise ValueError otherwise."""
    match = _POUNDS.match(text.strip())
    if not match:
        raise ValueError(f"not an amount of money: {text!r}")
    whole = int(match.group(1).replace(",", ""))
    fraction = (match.group(4) or "0").ljust(2, "0")
    return whole * 100 + int(fraction)


def pounds_for_input(pence: int | None) -> str:
    """Pence as a person would type them back into a form: 8500000 -> '85000', 8500050 -> '85000.50'."""
    if pence is None:
        return ""
    pounds, rest = divmod(pence, 100)
    return f"{pounds}.{rest:02d}" if rest else str(pounds)
