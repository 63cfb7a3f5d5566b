"""What every CSV and spreadsheet we hand out shares: text that a spreadsheet program cannot run as
a formula, and CSV bytes that Excel opens as UTF-8."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Text as a spreadsheet cell: a leading apostrophe stops ``=HYPERLINK(...)`` and the like running."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as CSV in UTF-8 with a byte order mark, without which Excel reads "£" as "Â£".

    Cells are written as given: the caller passes text through ``safe_cell`` where it came from people.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
