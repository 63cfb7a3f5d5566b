"""The four renderings of a return (PDF, HTML, CSV, XLSX) from one synthetic ``Report``: they give the
same figures, never the number behind "fewer than 5", and no spreadsheet formula."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask, render_template_string
from openpyxl import load_workbook
from pypdf import PdfReader

from sv_grants.reports.document import (
    NO_BARS,
    NO_ROWS,
    NO_SECTIONS,
    Bar,
    Cell,
    Chart,
    Column,
    Count,
    Excerpt,
    Figure,
    Money,
    Percent,
    Report,
    Section,
    Table,
    cell_text,
)
from sv_grants.reports.pdf import render_pdf
from sv_grants.reports.pdf_charts import bar_charts
from sv_grants.reports.tabular import render_csv, render_xlsx, sheet_name
from sv_grants.spreadsheets import csv_bytes, safe_cell

HIDDEN = 4173  # a number no other figure in the sample report contains, so any leak of it shows
LEAKS = ["4173", "4,173", "42%", "0.42", "0.4173"]
FORMULAS = ['=HYPERLINK("http://example.com/x","Click")', "+1", "@SUM(A1:A9)", "-2+3"]
COLUMNS = [Column("Priority"), Column("Awarded", "money"), Column("Grants", "count"), Column("Share", "percent"),
           Column("Starts", "date")]


def sample_report(**changes: Any) -> Report:
    """A funding-like return with every kind of cell, a hidden count, formula-like text and markup."""
    rows: list[list[Cell]] = [
        ["Early intervention", Money(1_234_550), Count(12), Percent(Fraction(2, 3)), date(2025, 4, 1)],
        [FORMULAS[0], Money(-1_200), Count(HIDDEN, hidden=True), Percent(Fraction(HIDDEN, 10_000), hidden=True), None],
        [FORMULAS[1], Money(0), Count(1_234_567), Percent(None), datetime(2026, 3, 31, 23, 30, tzinfo=UTC)],
        [FORMULAS[2], Money(99), Count(0), Percent(Fraction(1, 200)), date(2025, 10, 1)],
    ]
    table = Table("by_priority", "Awards by priority", COLUMNS, rows,
                  total=["Total", Money(1_233_449), Count(1_234_579), Percent(Fraction(1)), None],
                  notes=[FORMULAS[3] + " adds up", "Counts below 5 are not shown."])
    chart = Chart("awarded", "Awarded by priority", [Bar("Early intervention", Money(1_234_550)),
                                                     Bar("Youth work", Money(-1_200))], "by_priority")
    reach = Chart("reach", "Grants by priority", [Bar("Early intervention", Count(12)),
                                                  Bar("Hidden place", Count(HIDDEN, hidden=True)),
                                                  Bar("No target", Percent(None))], "by_priority")
    sections = [
        Section("overview", "Overview", ["Figures are provisional <until> audited."],
                [Figure("Pot", Money(50_000_000)), Figure("Underspend", Money(-1_200)),
                 Figure("Small group", Count(HIDDEN, hidden=True)), Figure("Share paid", Percent(Fraction(1, 3))),
                 Figure("Closes", date(2026, 3, 31))],
                [chart, reach], [table]),
        Section("stories", "Case studies", excerpts=[
            Excerpt("=Mentoring <script>alert(1)</script>", "Eastfield Youth Trust, quarter 2 2025/26 return",
                    "A young person joined in May.\n\nThey now volunteer.")]),
    ]
    report = Report("funding", "Funding return", "Serious Violence Fund", "2025/26 quarter 2",
                    datetime(2025, 10, 1, 8, 30, tzinfo=UTC), "Olivia Officer", sections,
                    notices=["Figures for quarter 2 are provisional."])
    for name, value in changes.items():
        setattr(report, name, value)
    return report


# Reading each format back -------------------------------------------------------------------


def pdf_pages(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no byte order mark: Excel would misread £"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def html_page(app: Flask, report: Report) -> BeautifulSoup:
    with app.test_request_context():
        markup = render_template_string(
            '{% from "reports/_report.html" import report_body %}{{ report_body(report) }}', report=report)
    return BeautifulSoup(markup, "html.parser")


def unspaced(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words(element: Any) -> str:
    return " ".join(element.get_text().split())


def html_rows(page: BeautifulSoup, key: str) -> list[list[str]]:
    table = page.find("table", id=f"table-{key}")
    return [[words(cell) for cell in row.find_all(["th", "td"])] for row in table.select("tbody tr, tfoot tr")]


def csv_as_page(value: str, kind: str) -> str:
    """A CSV figure written the way the page writes it, to compare the two."""
    if kind == "money":
        amount = Decimal(value)
        return f"{'−' if amount < 0 else ''}£{abs(amount):,.2f}"
    if kind == "count" and value.isdigit():
        return f"{int(value):,}"
    if kind == "date" and value != "–":
        return f"{date.fromisoformat(value):%-d %B %Y}"
    return value


def xlsx_as_page(cell: Any) -> str:
    """An XLSX cell as its number format makes Excel show it, to compare with the page."""
    value, number_format = cell.value, cell.number_format
    if number_format == '"£"#,##0.00;-"£"#,##0.00':
        return f"{'−' if value < 0 else ''}£{abs(Decimal(str(value))):,.2f}"
    if number_format == "0%":
        return f"{Decimal(str(value)) * 100:.0f}%"
    if number_format == "#,##0":
        return f"{value:,}"
    if isinstance(value, datetime):
        return f"{value:%-d %B %Y}"
    return value


def table_block(rows: list[list[str]], caption: str) -> list[list[str]]:
    """The CSV rows from a table's caption to the blank row that ends it."""
    start = rows.index([caption])
    end = next((i for i in range(start, len(rows)) if rows[i] == []), len(rows))
    return rows[start:end]


# The same figures in every format --------------------------------------------------------------


def test_every_format_gives_the_same_table_figures(app: Flask) -> None:
    report = sample_report()
    table = report.table("by_priority")
    expected = [[cell_text(cell) for cell in row] for row in [*table.rows, table.total]]
    assert expected[0] == ["Early intervention", "£12,345.50", "12", "67%", "1 April 2025"]
    assert expected[1][1:] == ["−£12.00", "fewer than 5", "fewer than 5", "–"]
    assert expected[2][1:] == ["£0.00", "1,234,567", "–", "1 April 2026"]
    assert expected[4] == ["Total", "£12,334.49", "1,234,579", "100%", "–"]

    assert html_rows(html_page(app, report), "by_priority") == expected

    _, pages = pdf_pages(render_pdf(report))
    body = unspaced(" ".join(pages))  # a cell wrapped onto two lines reads back with a space added
    for row in expected:
        assert unspaced("".join(row)) in body, row

    block = table_block(csv_rows(render_csv(report)), "Awards by priority")
    kinds = [column.kind for column in table.columns]
    as_page = [[csv_as_page(value, kind) for value, kind in zip(row, kinds, strict=True)]
               for row in block[2:2 + len(expected)]]
    assert [[row[0].removeprefix("'"), *row[1:]] for row in as_page] == expected

    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["by_priority"]
    shown = [[xlsx_as_page(cell) for cell in row] for row in sheet.iter_rows(min_row=3, max_row=2 + len(expected))]
    assert [[row[0].removeprefix("'"), *row[1:]] for row in shown] == expected


def test_a_moment_is_dated_by_the_day_it_was_in_london() -> None:
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in British Summer Time: every format says 1 April.
    report = sample_report()
    assert report.table("by_priority").rows[2][4] == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    block = table_block(csv_rows(render_csv(report)), "Awards by priority")
    assert block[4][4] == "2026-04-01"
    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["by_priority"]
    assert sheet["E5"].value.date() == date(2026, 4, 1)


def test_key_figures_read_the_same_in_every_format(app: Flask) -> None:
    report = sample_report()
    expected = [(figure.label, cell_text(figure.value)) for figure in report.sections[0].figures]
    assert expected == [("Pot", "£500,000.00"), ("Underspend", "−£12.00"), ("Small group", "fewer than 5"),
                        ("Share paid", "33%"), ("Closes", "31 March 2026")]

    summary = html_page(app, report).find(id="overview").find_next("dl")
    assert [(words(row.dt), words(row.dd)) for row in summary.select(".govuk-summary-list__row")] == expected

    _, pages = pdf_pages(render_pdf(report))
    for label, value in expected:
        assert f"{label} {value}" in " ".join(pages)

    rows = csv_rows(render_csv(report))
    start = rows.index(["Overview"])
    assert rows[start + 1:start + 6] == [["Pot (£)", "500000.00"], ["Underspend (£)", "-12.00"],
                                         ["Small group", "fewer than 5"], ["Share paid", "33%"],
                                         ["Closes", "2026-03-31"]]

    about = load_workbook(io.BytesIO(render_xlsx(report)))["About"]
    row = next(r for r in about.iter_rows() if r[0].value == "Overview")[0].row
    assert [(about.cell(row=n, column=1).value, xlsx_as_page(about.cell(row=n, column=2)))
            for n in range(row + 1, row + 6)] == expected


def test_a_hidden_count_never_shows_its_number_in_any_format(app: Flask) -> None:
    report = sample_report()
    page = html_page(app, report)
    _, pages = pdf_pages(render_pdf(report))
    csv_text = render_csv(report).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    cells = [str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    for text in [str(page), " ".join(pages), csv_text, " ".join(cells)]:
        for leak in LEAKS:
            assert leak not in text
    assert "fewer than 5" in csv_text and "fewer than 5" in cells


# Spreadsheets -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"), ("+44 1234", "'+44 1234"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Early intervention", "Early intervention"), ("a=b", "a=b"), ("", ""),
])
def test_safe_cell_stops_text_running_as_a_formula(text: str, safe: str) -> None:
    assert safe_cell(text) == safe


def test_csv_bytes_carry_a_byte_order_mark_and_windows_line_endings() -> None:
    assert csv_bytes([["£5", "a,b"], ["x"]]) == '\ufeff£5,"a,b"\r\nx\r\n'.encode()


def test_csv_lays_the_return_out_top_to_bottom() -> None:
    rows = csv_rows(render_csv(sample_report()))
    assert rows[:7] == [["Funding return"], ["Fund", "Serious Violence Fund"], ["Period", "2025/26 quarter 2"],
                        ["Data as at", "1 October 2025 at 9:30am"], ["Generated by", "Olivia Officer"],
                        ["Notice", "Figures for quarter 2 are provisional."], []]
    block = table_block(rows, "Awards by priority")
    assert block[1] == ["Priority", "Awarded (£)", "Grants", "Share", "Starts"]
    assert block[2] == ["Early intervention", "12345.50", "12", "67%", "2025-04-01"]
    assert block[-3] == ["Total", "12334.49", "1234579", "100%", "–"]
    assert block[-2:] == [["'-2+3 adds up"], ["Counts below 5 are not shown."]]
    assert ["'=Mentoring <script>alert(1)</script>", "Eastfield Youth Trust, quarter 2 2025/26 return",
            "A young person joined in May.\n\nThey now volunteer."] in rows


def test_csv_and_xlsx_neutralise_formulas_in_text() -> None:
    report = sample_report()
    texts = [cell for row in csv_rows(render_csv(report)) for cell in row]
    sheets = load_workbook(io.BytesIO(render_xlsx(report))).worksheets
    cells = [cell for sheet in sheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    for formula in FORMULAS:
        assert any(text.startswith(f"'{formula}") for text in texts), formula
        assert any(str(cell.value).startswith(f"'{formula}") for cell in cells), formula
    assert not [text for text in texts if text.startswith(("=", "+", "@", "\t", "\r"))]
    assert all(re.fullmatch(r"-\d+\.\d\d", text) for text in texts if text.startswith("-"))  # amounts only
    assert not [cell for cell in cells if cell.data_type == "f"
                or (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")))]


def test_xlsx_keeps_each_figure_as_a_typed_number_with_its_format() -> None:
    workbook = load_workbook(io.BytesIO(render_xlsx(sample_report())))
    assert workbook.sheetnames == ["About", "by_priority", "Case studies"]
    sheet = workbook["by_priority"]
    assert sheet["A1"].value == "Awards by priority"
    assert [cell.value for cell in sheet[2]] == ["Priority", "Awarded (£)", "Grants", "Share", "Starts"]
    assert all(cell.font.b for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    pot, hidden, share, starts = sheet["B3"], sheet["C4"], sheet["D3"], sheet["E3"]
    assert pot.value == 1_234_550 / 100 and pot.number_format == '"£"#,##0.00;-"£"#,##0.00'
    assert sheet["B4"].value == -12
    assert sheet["C3"].value == 12 and isinstance(sheet["C3"].value, int) and sheet["C3"].number_format == "#,##0"
    assert hidden.value == "fewer than 5"
    assert share.value == 0.67 and share.number_format == "0%"
    assert sheet["D5"].value == "–"
    assert starts.value.date() == date(2025, 4, 1) and starts.is_date
    total = sheet[7]
    assert total[0].value == "Total" and all(cell.font.b for cell in total)
    assert [sheet["A9"].value, sheet["A10"].value] == ["'-2+3 adds up", "Counts below 5 are not shown."]
    assert sheet.column_dimensions["A"].width > sheet.column_dimensions["C"].width
    stories = workbook["Case studies"]
    assert [cell.value for cell in stories[2]][:3] == ["Case studies", "'=Mentoring <script>alert(1)</script>",
                                                       "Eastfield Youth Trust, quarter 2 2025/26 return"]


def test_xlsx_about_sheet_says_what_the_return_is_and_lists_the_tables() -> None:
    about = load_workbook(io.BytesIO(render_xlsx(sample_report())))["About"]
    values = [[cell.value for cell in row if cell.value is not None] for row in about.iter_rows()]
    assert values[:7] == [["Funding return"], ["Fund", "Serious Violence Fund"], ["Period", "2025/26 quarter 2"],
                          ["Data as at", "1 October 2025 at 9:30am"], ["Generated by", "Olivia Officer"],
                          ["Notice", "Figures for quarter 2 are provisional."], []]
    assert ["by_priority", "Awards by priority"] in values


def test_sheet_names_are_ones_excel_accepts_and_never_repeat() -> None:
    taken = {"about", "case studies"}
    names = [sheet_name(key, taken) for key in
             ["by/area:2025[q1]?*", "a" * 40, "a" * 40, "About", "BY_ORG", "by_org", "history", "'quoted'", ""]]
    assert names[0] == "by-area-2025-q1---"
    assert names[1] == "a" * 31 and names[2] == "a" * 27 + " (2)"
    assert names[3] == "About (2)" and names[4:6] == ["BY_ORG", "by_org (2)"]
    assert names[6] == "history (2)" and names[7] == "quoted" and names[8] == "Table"
    assert all(len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) for name in names)
    assert len({name.casefold() for name in names}) == len(names)


# Empty returns ------------------------------------------------------------------------------


def empty_table_report() -> Report:
    table = Table("nothing", "Awards by area", COLUMNS, [])
    chart = Chart("nobars", "Reach by area", [Bar("Westfield", Count(2, hidden=True))], "nothing")
    return sample_report(sections=[Section("empty", "Nothing yet", charts=[chart], tables=[table])], notices=[])


def test_a_return_with_no_sections_renders_in_every_format(app: Flask) -> None:
    report = sample_report(sections=[], notices=[])
    _, pages = pdf_pages(render_pdf(report))
    assert NO_SECTIONS in pages[1] and len(pages) == 2
    assert NO_SECTIONS in words(html_page(app, report))
    assert csv_rows(render_csv(report))[0] == ["Funding return"]
    assert load_workbook(io.BytesIO(render_xlsx(report))).sheetnames == ["About"]


def test_a_table_with_no_rows_and_a_chart_with_no_bars_say_so(app: Flask) -> None:
    report = empty_table_report()
    _, pages = pdf_pages(render_pdf(report))
    body = " ".join(pages)
    assert NO_ROWS in body and NO_BARS in body
    assert "Not shown because the number is fewer than 5: Westfield" in body
    page = html_page(app, report)
    assert page.find("svg") is None
    assert NO_BARS in words(page) and "Not shown because the number is fewer than 5: Westfield" in words(page)
    assert html_rows(page, "nothing") == [[NO_ROWS]]
    block = table_block(csv_rows(render_csv(report)), "Awards by area")
    assert block == [["Awards by area"], ["Priority", "Awarded (£)", "Grants", "Share", "Starts"]]
    sheet = load_workbook(io.BytesIO(render_xlsx(report)))["nothing"]
    assert sheet.max_row == 2


# PDF ----------------------------------------------------------------------------------------


def test_pdf_has_a_cover_contents_running_header_and_numbered_pages() -> None:
    report = sample_report()
    reader, pages = pdf_pages(render_pdf(report))
    cover = pages[0]
    for line in ["Funding return", "Serious Violence Fund", "2025/26 quarter 2",
                 "Data as at 1 October 2025 at 9:30am", "Generated by Olivia Officer",
                 "Figures for quarter 2 are provisional."]:
        assert line in cover
    contents = pages[1].split("Contents", 1)[1].split("Page 2 of", 1)[0]
    assert contents.index("Overview") < contents.index("Case studies")
    starts = [int(number) for number in re.findall(r"\d+", contents)]
    for title, start in zip(["Overview", "Case studies"], starts, strict=True):
        assert start == next(n for n in range(3, len(pages) + 1) if title in pages[n - 1]), title
    for number, text in enumerate(pages, start=1):
        assert text.startswith(report.subject)
        assert text.endswith(f"Page {number} of {len(pages)}")
    assert reader.metadata.title == report.subject == "Funding return: Serious Violence Fund, 2025/26 quarter 2"
    assert reader.metadata.subject == report.subject
    assert reader.metadata.author == "Olivia Officer"
    assert [item.title for item in reader.outline] == ["Overview", "Case studies"]


def test_pdf_prints_untrusted_text_as_it_was_typed() -> None:
    _, pages = pdf_pages(render_pdf(sample_report()))
    body = " ".join(pages)
    assert "=Mentoring <script>alert(1)</script>" in body
    assert "Figures are provisional <until> audited." in body
    assert "Eastfield Youth Trust, quarter 2 2025/26 return" in body


def test_pdf_chart_draws_only_the_bars_it_may_and_says_which_are_missing() -> None:
    report = sample_report()
    reach = report.sections[0].charts[1]
    (drawing,) = bar_charts(reach, 400)
    plot = drawing.contents[0]
    assert plot.categoryAxis.categoryNames == ["Early intervention"]
    assert plot.data == [[12.0]]
    (money,) = bar_charts(report.sections[0].charts[0], 400)
    assert money.contents[0].data == [[-12.0, 12_345.5]]  # drawn bottom up: the first bar is at the top
    _, pages = pdf_pages(render_pdf(report))
    body = " ".join(pages)
    assert "Not shown because the number is fewer than 5: Hidden place" in body
    assert "Not shown because there is nothing to work the percentage out from: No target" in body


def test_a_chart_with_many_bars_is_split_into_drawings_that_fit_a_page() -> None:
    chart = Chart("many", "Awards by organisation", [Bar(f"Organisation {n}", Money(n * 100)) for n in range(40)], "t")
    drawings = bar_charts(chart, 400)
    assert [len(d.contents[0].data[0]) for d in drawings] == [16, 16, 8]
    assert {(d.contents[0].valueAxis.valueMin, d.contents[0].valueAxis.valueMax) for d in drawings} == {(0, 40)}
    report = sample_report(sections=[Section("orgs", "Organisations", charts=[chart])])
    _, pages = pdf_pages(render_pdf(report))
    assert "Organisation 39" in " ".join(pages)


# HTML ---------------------------------------------------------------------------------------


def test_html_lays_the_return_out_with_gov_uk_components(app: Flask) -> None:
    report = sample_report()
    page = html_page(app, report)
    assert page.find("h1") is None
    cover = page.select_one(".govuk-summary-list")
    assert [(words(row.dt), words(row.dd)) for row in cover.select(".govuk-summary-list__row")] == [
        ("Fund", "Serious Violence Fund"), ("Period", "2025/26 quarter 2"),
        ("Data as at", "1 October 2025 at 9:30am"), ("Generated by", "Olivia Officer")]
    assert words(page.select_one(".govuk-inset-text")) == "Figures for quarter 2 are provisional."
    links = page.select("nav a")
    assert [(a["href"], words(a)) for a in links] == [("#overview", "Overview"), ("#stories", "Case studies")]
    assert [(h["id"], words(h)) for h in page.find_all("h2", id=["overview", "stories"])] == [
        ("overview", "Overview"), ("stories", "Case studies")]
    assert "Figures are provisional <until> audited." in words(page)
    assert page.find("script") is None
    assert words(page.find("h3", string=re.compile("Mentoring"))) == "=Mentoring <script>alert(1)</script>"
    assert [words(p) for p in page.find_all("p") if "volunteer" in p.get_text() or "joined" in p.get_text()] == [
        "A young person joined in May.", "They now volunteer."]
    assert not page.select("[style]")


def test_html_table_has_caption_scoped_headers_numeric_cells_and_a_footer_total(app: Flask) -> None:
    table = html_page(app, sample_report()).find("table", id="table-by_priority")
    caption = table.caption
    assert words(caption) == "Awards by priority"
    assert caption["class"] == ["govuk-table__caption", "govuk-table__caption--m"]
    headers = table.thead.find_all("th")
    assert all(th["scope"] == "col" for th in headers)
    assert ["govuk-table__header--numeric" in th["class"] for th in headers] == [False, True, True, True, False]
    for row in table.tbody.find_all("tr"):
        assert row.find().name == "th" and row.find()["scope"] == "row"
        numeric = ["govuk-table__cell--numeric" in td["class"] for td in row.find_all("td")]
        assert numeric == [True, True, True, False]
    assert words(table.tfoot.th) == "Total"
    assert table.parent.get("class") != ["app-table-scroll"]


def test_a_wide_html_table_scrolls_in_a_region_keyboard_users_can_reach(app: Flask) -> None:
    report = sample_report()
    report.table("by_priority").wide = True
    region = html_page(app, report).find("table", id="table-by_priority").parent
    assert region.name == "div" and region["class"] == ["app-table-scroll"]
    assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-label"] == "Awards by priority"


def test_html_chart_is_an_image_described_by_visible_text_pointing_at_its_table(app: Flask) -> None:
    page = html_page(app, sample_report())
    svgs = page.find_all("svg")
    assert len(svgs) == 2
    for svg in svgs:
        assert svg["role"] == "img"
        described = [page.find(id=name) for name in svg["aria-labelledby"].split()]
        assert all(described)
        link = described[-1].find("a")
        assert link["href"] == "#table-by_priority" and page.find(id="table-by_priority")
        assert "The figures are in the table" in words(described[-1])
    money, reach = svgs
    assert [words(t) for t in money.find_all("text")] == ["Early intervention: £12,345.50", "Youth work: −£12.00"]
    widths = [float(rect["width"].rstrip("%")) for rect in money.find_all("rect")]
    assert widths[0] == pytest.approx(100 * 12_345.5 / 12_357.5, abs=0.01) and widths[0] > 99 * widths[1]
    assert [words(t) for t in reach.find_all("text")] == ["Early intervention: 12"]
    text = words(page)
    assert "Not shown because the number is fewer than 5: Hidden place" in text
    assert "Not shown because there is nothing to work the percentage out from: No target" in text
