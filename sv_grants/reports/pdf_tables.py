"""A return's table in the PDF: caption above, header row repeated at the top of every page, figures
right-aligned, the total row in bold, notes below.

Tables can run to thousands of rows, so every cell is a plain string, broken into lines here at the
spaces a paragraph would break at: ReportLab measures and draws a string in a fraction of the time it
takes to lay out a paragraph, and the table's row heights come from counting lines. Only a cell with
a word too long for its column becomes a paragraph, which splits the word as a paragraph does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from ..pdf import BLACK, LINE, ZEBRA, text
from .document import NO_ROWS, Cell, Kind, Table, cell_text
from .pdf_rows import PagedRows, row_height

# How much of the width each kind of column takes, relative to the others.
_WEIGHTS: dict[Kind, float] = {"text": 3.0, "date": 1.7, "money": 1.6, "count": 1.2, "percent": 1.2}
_PADDING = 6  # points either side of a cell's text


def _widest(words: list[str], font: str) -> float:
    # Two points to spare: a paragraph given exactly its text's width may still wrap on rounding.
    return max((stringWidth(word, font, 9) for word in set(words)), default=0) + 2 * _PADDING + 2  # names repeat


def column_widths(table: Table, width: float) -> list[float]:
    """Figures get the width of their widest entry, so none is ever broken across lines; text
    columns share what is left by weight, but never narrower than their longest word (capped, so
    one long word cannot starve the rest)."""
    rows = [*table.rows, *([table.total] if table.total is not None else [])]
    minimums = []
    for i, column in enumerate(table.columns):
        need = _widest(column.heading.split(), "Helvetica-Bold")
        if column.numeric:
            need = max(need, _widest([cell_text(row[i]) for row in rows], "Helvetica-Bold"))
        else:
            words = [word for row in rows for word in cell_text(row[i]).split()]
            need = max(need, min(_widest(words, "Helvetica"), width / 4))
        minimums.append(need)
    if sum(minimums) >= width:  # too many columns for the page: shrink them all alike
        return [width * need / sum(minimums) for need in minimums]
    spare = width - sum(minimums)
    weights = [0.0 if column.numeric else _WEIGHTS[column.kind] for column in table.columns]
    if not any(weights):
        weights = [1.0] * len(table.columns)
    return [need + spare * weight / sum(weights) for need, weight in zip(minimums, weights, strict=True)]


def _lines(words: str, room: float, measure: Callable[[str], float]) -> str | None:
    """``words`` broken into lines no wider than ``room``, joined by newlines; None if a word alone is too wide."""
    if "\n" not in words and measure(words) <= room:
        return words
    space = measure(" ")
    lines: list[str] = []
    for paragraph in words.split("\n"):
        line: list[str] = []
        used = 0.0
        for word in paragraph.split():
            need = measure(word)
            if need > room:
                return None
            if line and used + space + need > room:
                lines.append(" ".join(line))
                line, used = [], 0.0
            used += (space if line else 0.0) + need
            line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


def _cell(cell: Cell, room: float, style: ParagraphStyle, measure: Callable[[str], float]) -> Flowable | str:
    words = cell_text(cell)
    lines = _lines(words, room, measure)
    return text(words, style) if lines is None else lines  # a string is drawn as it is: no markup to escape


def _measurer(font: str, size: float) -> Callable[[str], float]:
    # Grant tables repeat the same names and words thousands of times.
    @lru_cache(maxsize=20_000)
    def measure(words: str) -> float:
        return stringWidth(words, font, size)
    return measure


def report_table(table: Table, width: float, styles: StyleSheet1) -> list[Flowable]:
    numeric = [column.numeric for column in table.columns]
    widths = column_widths(table, width)
    cell_styles = [styles["cell_right" if right else "cell"] for right in numeric]
    bold_styles = [styles["cell_head_right" if right else "cell_head"] for right in numeric]
    rooms = [column - 2 * _PADDING for column in widths]
    plain, bold = _measurer("Helvetica", 9), _measurer("Helvetica-Bold", 9)  # the FONT commands below

    def line(cells: list[Cell], styles: list[ParagraphStyle], measure: Callable[[str], float]) -> list[Flowable | str]:
        return [_cell(cell, room, style, measure) for cell, room, style in zip(cells, rooms, styles, strict=True)]

    header = line([column.heading for column in table.columns], bold_styles, bold)
    rows = [line(row, cell_styles, plain) for row in table.rows]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9, 12),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9, 12),
        ("TEXTCOLOR", (0, 0), (-1, -1), BLACK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("LINEBELOW", (0, 0), (-1, 0), 1, BLACK),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]),
        *(("ALIGN", (i, 0), (i, -1), "RIGHT") for i, right in enumerate(numeric) if right),
    ]
    first: list[tuple[Any, ...]] = []
    last: list[tuple[Any, ...]] = []
    if not rows:
        rows = [[NO_ROWS, *[""] * (len(table.columns) - 1)]]
        first.append(("SPAN", (0, 1), (-1, 1)))
        first.append(("ALIGN", (0, 1), (-1, 1), "LEFT"))
    if table.total is not None:
        rows.append(line(table.total, bold_styles, bold))
        last += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9, 12), ("LINEABOVE", (0, -1), (-1, -1), 1, BLACK)]
    padding = (4, 4, _PADDING)  # the paddings in the commands above
    heights = [row_height(row, widths, 12, padding) for row in [header, *rows]]
    body = PagedRows(header, rows, widths, heights, commands, first, last)
    return [CondPageBreak(40 * mm), text(table.caption, styles["h3"]), body,
            Spacer(1, 6), *(text(note, styles["small"]) for note in table.notes), Spacer(1, 6)]
