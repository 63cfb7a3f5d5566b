"""The funding return PDF for the fund with the most grants, against a ReportLab-only floor that
lays out the same rows from plain lists. Each is made in a subprocess of its own, so the peak
memory (ru_maxrss) belongs to that one document.

Run as ``python -m bench.pdf app|floor DATABASE_URL FUND_SLUG WORKDIR``: prints one JSON line."""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from sv_grants import create_app
from sv_grants.dates import clock
from sv_grants.reports import services
from sv_grants.reports.document import Report, cell_text
from sv_grants.reports.pdf_tables import column_widths
from sv_grants.reports.periods import TO_DATE, parse_period

from .database import app_config


def floor_pdf(report: Report) -> bytes:
    """Every table of the return as plain ReportLab tables of strings, doing the work the return's PDF must:
    the same column widths, fonts, paddings and rules, text wrapped to its column (ReportLab's
    ``simpleSplit``), the header row repeated, a running header and "Page x of y" on every page."""
    styles = getSampleStyleSheet()
    story: list = []

    def wrapped(words: str, font: str, room: float) -> str:
        if "\n" not in words and stringWidth(words, font, 9) <= room:  # most cells fit on one line
            return words
        return "\n".join(simpleSplit(words, font, 9, room))

    sizes = {"portrait": A4, "landscape": landscape(A4)}  # as the return: sideways for a wide table
    for section in report.sections:
        turn = "landscape" if report.wide or any(grid.wide for grid in section.tables) else "portrait"
        width, page_height = sizes[turn][0] - 36 * mm, sizes[turn][1] - 38 * mm - 12  # the frame's padding
        story += [NextPageTemplate(turn), PageBreak(), Paragraph(section.title, styles["h2"])]
        for grid in section.tables:
            widths = column_widths(grid, width)
            numeric = [column.numeric for column in grid.columns]

            def lines(cells: list, font: str, widths: list[float] = widths) -> list[str]:
                return [wrapped(cell_text(cell), font, room - 12) for cell, room in zip(cells, widths, strict=True)]

            rows = [lines([column.heading for column in grid.columns], "Helvetica-Bold"),
                    *(lines(row, "Helvetica") for row in grid.rows)]
            if grid.total:
                rows.append(lines(grid.total, "Helvetica-Bold"))
            style = TableStyle([
                ("FONT", (0, 0), (-1, -1), "Helvetica", 9, 12), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9, 12),
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.grey),
                ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.whitesmoke]),
                *(("ALIGN", (i, 0), (i, -1), "RIGHT") for i, right in enumerate(numeric) if right)])
            # A stock LongTable copies and re-measures every remaining row at each page break, which
            # is quadratic in pages: the floor instead starts each table on a new page and cuts it
            # into one Table a page, from row heights counted in lines.
            heights = [12 * (1 + max(cell.count("\n") for cell in row)) + 8 for row in rows]
            story += [PageBreak(), Paragraph(grid.caption, styles["h3"])]
            room, start = page_height - 30, 1  # less the caption on the first page
            while start < len(rows):
                stop, used = start, heights[0]
                while stop < len(rows) and used + heights[stop] <= room:
                    used += heights[stop]
                    stop += 1
                stop = max(stop, start + 1)
                story.append(Table([rows[0], *rows[start:stop]], colWidths=widths,
                                   rowHeights=[heights[0], *heights[start:stop]], style=style))
                start, room = stop, page_height

    class Numbered(Canvas):
        """The usual ReportLab recipe for "Page x of y": hold every page until the count is known."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.held: list[dict] = []

        def showPage(self) -> None:
            self.held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self.held, start=1):
                self.__dict__.update(state)
                self.setFont("Helvetica", 8.5)
                self.drawRightString(self._pagesize[0] - 18 * mm, 10 * mm, f"Page {number} of {len(self.held)}")
                super().showPage()
            super().save()

    def header(canvas: Canvas, document: BaseDocTemplate) -> None:
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(18 * mm, document.pagesize[1] - 12 * mm, report.subject)

    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4)
    document.addPageTemplates([
        PageTemplate(turn, [Frame(18 * mm, 18 * mm, size[0] - 36 * mm, size[1] - 38 * mm, leftPadding=0,
                                  rightPadding=0)], onPage=header, pagesize=size)
        for turn, size in sizes.items()])
    document.build(story, canvasmaker=Numbered)
    return buffer.getvalue()


def _child(mode: str, url: str, slug: str, workdir: str) -> dict[str, float]:
    app = create_app(app_config(url, Path(workdir)))
    with app.app_context():
        fund = services.fund_by_slug(slug)
        period = parse_period(TO_DATE, clock.today_in_london())
        if mode == "floor":
            report = services.make_report(fund, "funding", period, "Bench")
            started = time.perf_counter()
            content = floor_pdf(report)
            seconds = time.perf_counter() - started
            traced = None
            maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        else:
            started = time.perf_counter()
            content = services.generate(fund, "funding", period, "pdf", "Bench").content
            seconds = time.perf_counter() - started
            # Read before the second run: tracemalloc's own bookkeeping would count as the document's memory.
            maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            tracemalloc.start()  # a second run under tracemalloc, which slows it, for the Python heap peak
            services.generate(fund, "funding", period, "pdf", "Bench")
            traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
    return {"seconds": round(seconds, 3), "bytes": len(content), "pages": content.count(b"/Type /Page\n"),
            "maxrss_mib": round(maxrss / 1024, 1),
            "tracemalloc_peak_mib": None if traced is None else round(traced, 1)}


def measure(url: str, slug: str, workdir: Path) -> dict[str, object]:
    results: dict[str, object] = {}
    for mode in ("floor", "app"):
        command = [sys.executable, "-m", "bench.pdf", mode, url, slug, str(workdir)]
        done = subprocess.run(command,  # noqa: S603 - our own interpreter and module
                              capture_output=True, text=True, check=False,
                              cwd=Path(__file__).resolve().parent.parent)
        if done.returncode != 0:
            raise RuntimeError(f"bench.pdf {mode} failed: {done.stderr[-2000:]}")
        results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
    floor = results["floor"]["seconds"]  # type: ignore[index]
    results["ratio"] = round(results["app"]["seconds"] / floor, 2) if floor else None  # type: ignore[index]
    return results


if __name__ == "__main__":
    print(json.dumps(_child(*sys.argv[1:5])))
