"""ReportLab plumbing every PDF shares: one stylesheet, a document with a header, "Page x of y"
footer and metadata, and a table helper whose header row repeats on every page.

Fonts are ReportLab's built-in Helvetica (Arial's metrics), so nothing is registered at import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

BLACK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
LINE = colors.HexColor("#b1b4b6")
ZEBRA = colors.HexColor("#f3f2f1")


def stylesheet() -> StyleSheet1:
    styles = StyleSheet1()
    styles.add(ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=14, textColor=BLACK,
                              spaceAfter=6))
    styles.add(ParagraphStyle("small", parent=styles["body"], fontSize=8.5, leading=11, textColor=GREY))
    styles.add(ParagraphStyle("cell", parent=styles["body"], fontSize=9, leading=12, spaceAfter=0))
    styles.add(ParagraphStyle("cell_right", parent=styles["cell"], alignment=TA_RIGHT))
    styles.add(ParagraphStyle("cell_head", parent=styles["cell"], fontName="Helvetica-Bold"))
    styles.add(ParagraphStyle("cell_head_right", parent=styles["cell_head"], alignment=TA_RIGHT))
    styles.add(ParagraphStyle("title", parent=styles["body"], fontName="Helvetica-Bold", fontSize=20,
                              leading=25, spaceAfter=10))
    styles.add(ParagraphStyle("h2", parent=styles["body"], fontName="Helvetica-Bold", fontSize=14, leading=18,
                              spaceBefore=10, spaceAfter=6))
    styles.add(ParagraphStyle("h3", parent=styles["body"], fontName="Helvetica-Bold", fontSize=11, leading=15,
                              spaceBefore=8, spaceAfter=4))
    return styles


def text(value: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of untrusted text: escaped, with its line breaks kept."""
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


def table(rows: Sequence[Sequence[Flowable | str]], widths: Sequence[float], available: float,
          header: bool = True) -> Table:
    """A table that may run over pages: widths are fractions of ``available``; the header repeats."""
    styles = stylesheet()
    cells = [[cell if isinstance(cell, Flowable) else text(cell, styles["cell_head" if header and i == 0 else "cell"])
              for cell in row] for i, row in enumerate(rows)]
    result = Table(cells, colWidths=[available * w for w in widths], repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(1 if header else 0, len(cells), 2)]
    result.setStyle(TableStyle(commands))
    return result


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    header: str


# The ids of the page templates every document has: ``NextPageTemplate(LANDSCAPE)`` before a wide table.
PORTRAIT = "page"
LANDSCAPE = "landscape"


class _NumberedCanvas(Canvas):
    """Holds each page until the end, so every footer can say how many pages there are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._later: dict[int, list[Callable[[Canvas], None]]] = {}

    def at_end(self, draw: Callable[[Canvas], None]) -> None:
        """Draw on the current page once every page is laid out: a contents page needs the page
        numbers of what comes after it. ``draw`` gets the canvas and must use page coordinates."""
        self._later.setdefault(len(self._pages), []).append(draw)

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            for draw in self._later.get(number - 1, []):
                self.saveState()
                draw(self)
                self.restoreState()
            self.setFont("Helvetica", 8.5)
            self.setFillColor(GREY)
            self.drawRightString(self._pagesize[0] - 18 * mm, 10 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def build(story: list[Flowable], metadata: Metadata, pagesize: tuple[float, float] = A4) -> bytes:
    """Lay ``story`` out on ``pagesize`` pages; a ``NextPageTemplate(LANDSCAPE)`` turns the next pages sideways."""
    buffer = BytesIO()
    document = BaseDocTemplate(buffer, pagesize=pagesize, leftMargin=18 * mm, rightMargin=18 * mm,
                               topMargin=20 * mm, bottomMargin=18 * mm, title=metadata.title,
                               author=metadata.author, subject=metadata.subject, creator="SV Grants")

    def header(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.setFillColor(GREY)
        canvas.drawString(doc.leftMargin, canvas._pagesize[1] - 12 * mm, metadata.header)
        canvas.restoreState()

    def template(template_id: str, size: tuple[float, float]) -> PageTemplate:
        # No frame padding: frame_width() is then the true width a full-width table can take.
        frame = Frame(document.leftMargin, document.bottomMargin, frame_width(size),
                      size[1] - document.topMargin - document.bottomMargin, id="body", leftPadding=0,
                      rightPadding=0)
        return PageTemplate(id=template_id, frames=[frame], onPage=header, pagesize=size)

    document.addPageTemplates([template(PORTRAIT, pagesize), template(LANDSCAPE, landscape(pagesize))])
    document.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def frame_width(pagesize: tuple[float, float] = A4) -> float:
    return pagesize[0] - 36 * mm
