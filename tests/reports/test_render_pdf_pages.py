"""How the return PDF runs over pages: a 5,000-row table, and wide tables on landscape pages."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from fractions import Fraction

import pytest
from pypdf import PdfReader

from sv_grants.reports.document import Column, Count, Money, Percent, Section, Table
from sv_grants.reports.pdf import render_pdf

from .test_rendering import pdf_pages, sample_report

ROWS = 5_000
HEADER = "Organisation Award Participants Share"


@dataclass
class Built:
    reader: PdfReader
    pages: list[str]
    seconds: float


@pytest.fixture(scope="module")
def long_return() -> Built:
    """Built once: laying out 5,000 rows takes a couple of seconds."""
    rows = [[f"Grantee {n:04d}", Money(n * 1_001), Count(n, hidden=n < 5), Percent(Fraction(n, ROWS))]
            for n in range(1, ROWS + 1)]
    table = Table("grants", "Every grant", [Column("Organisation"), Column("Award", "money"),
                                            Column("Participants", "count"), Column("Share", "percent")],
                  rows, total=["Total", Money(1), Count(2), Percent(Fraction(1))])
    report = sample_report(sections=[Section("grants", "Grants", tables=[table]),
                                     Section("after", "After the grants", ["The last section."])])
    started = time.perf_counter()
    data = render_pdf(report)
    seconds = time.perf_counter() - started
    reader, pages = pdf_pages(data)
    return Built(reader, pages, seconds)


def test_a_5000_row_table_builds_in_seconds_not_minutes(long_return: Built) -> None:
    # A split that re-measured every remaining row on each page would take minutes here.
    assert long_return.seconds < 60, long_return.seconds


def test_every_page_of_a_long_table_repeats_its_header(long_return: Built) -> None:
    holding = [text for text in long_return.pages if "Grantee " in text]
    assert len(holding) > 50
    assert all(HEADER in text for text in holding)
    assert all(text.index(HEADER) < text.index("Grantee ") for text in holding)


def test_a_long_table_keeps_its_first_and_last_rows_and_total(long_return: Built) -> None:
    body = " ".join(long_return.pages)
    assert "Grantee 0001 £10.01 fewer than 5 0%" in body
    assert "Grantee 5000 £50,050.00 5,000 100%" in body
    assert body.index("Grantee 5000") < body.index("Total £0.01 2 100%") < body.rindex("After the grants")
    numbers = [int(text.split("Grantee ")[1][:4]) for text in long_return.pages if "Grantee " in text]
    assert numbers == sorted(numbers)


def test_page_numbers_run_from_one_to_the_last_page(long_return: Built) -> None:
    total = len(long_return.pages)
    assert [text.rsplit("Page ", 1)[1] for text in long_return.pages] == [f"{n} of {total}"
                                                                         for n in range(1, total + 1)]


def test_contents_give_the_page_each_section_starts_on(long_return: Built) -> None:
    contents = long_return.pages[1].split("Contents", 1)[1].split("Page 2 of", 1)[0]
    last = next(n for n, text in enumerate(long_return.pages, start=1) if "After the grants" in text and n > 2)
    assert last > 100
    assert re.findall(r"\d+", contents) == ["3", str(last)]


def test_a_wide_table_is_printed_on_landscape_pages_between_portrait_ones() -> None:
    wide = Table("wide", "Grants by quarter", [Column(f"Quarter {n}", "money") for n in range(1, 13)],
                 [[Money(n * q) for q in range(1, 13)] for n in range(80)], wide=True)
    narrow = Table("narrow", "Grants by area", [Column("Area"), Column("Award", "money")], [["Westfield", Money(5)]])
    report = sample_report(sections=[Section("before", "Before", tables=[narrow]),
                                     Section("wide", "By quarter", tables=[wide]),
                                     Section("after", "After", tables=[narrow])])
    reader, pages = pdf_pages(render_pdf(report))
    landscape = [n for n, page in enumerate(reader.pages) if page.mediabox.width > page.mediabox.height]
    assert landscape and all("Grants by quarter" in pages[n] or "Quarter 12" in pages[n] for n in landscape)
    assert all("Quarter 1 Quarter 2" in pages[n] for n in landscape)  # its header repeats there too
    assert landscape == list(range(landscape[0], landscape[-1] + 1))
    portrait = [n for n in range(len(pages)) if n not in landscape]
    assert "Before" in pages[landscape[0] - 1] and "After" in pages[landscape[-1] + 1]
    assert all(reader.pages[n].mediabox.height > reader.pages[n].mediabox.width for n in portrait)
    assert all(text.startswith(report.subject) for text in pages)  # the running header, either way up


def test_a_wide_report_is_landscape_throughout() -> None:
    report = sample_report(wide=True)
    reader, _ = pdf_pages(render_pdf(report))
    assert all(page.mediabox.width > page.mediabox.height for page in reader.pages)
