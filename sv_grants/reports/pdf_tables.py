"""A return's table in the PDF: caption above, header row repeated at the top of every page, figures
right-aligned, the total row in bold, notes below.

Tables can run to thousands of rows, so a cell whose text fits its column on one line is a plain
string, which ReportLab draws without laying out a paragraph (that halves the build time); only a
cell that must wrap becomes a paragraph.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, LongTable, Spacer, TableStyle

from ..pdf import BLACK, LINE, ZEBRA, text
from .document import NO_ROWS, Cell, Kind, Table, cell_text

# How much of the width each kind of column takes, relative to the others.
_WEIGHTS: dict[Kind, float] = {"text": 3.0, "date": 1.7, "money": 1.6, "count": 1.2, "percent": 1.2}
_PADDING = 6  # points either side of a cell's text


def _widest(words: list[str], font: str) -> float:
    # Two points to spare: a paragraph given exactly its text's width may still wrap on rounding.
    return max((stringWidth(word, font, 9) for word in words), default=0) + 2 * _PADDING + 2


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


def _cell(cell: Cell, room: float, style: ParagraphStyle) -> Flowable | str:
    words = cell_text(cell)
    if "\n" not in words and stringWidth(words, style.fontName, style.fontSize) <= room:
        return words  # drawn as it is, so there is no markup to escape
    return text(words, style)


def report_table(table: Table, width: float, styles: StyleSheet1) -> list[Flowable]:
    numeric = [column.numeric for column in table.columns]
    widths = column_widths(table, width)
    cell_styles = [styles["cell_right" if right else "cell"] for right in numeric]
    rooms = [column - 2 * _PADDING for column in widths]
    header = [text(column.heading, styles["cell_head_right" if right else "cell_head"])
              for column, right in zip(table.columns, numeric, strict=True)]
    rows: list[list[Flowable | str]] = [[_cell(cell, room, style) for cell, room, style in zip(row, rooms, cell_styles,
                                                                                              strict=True)]
                                        for row in table.rows]
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), "Helvetica", 9, 12),
        ("TEXTCOLOR", (0, 0), (-1, -1), BLACK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, LINE),
        ("LINEBELOW", (0, 0), (-1, 0), 1, BLACK),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), _PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), _PADDING),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]),
        *(("ALIGN", (i, 1), (i, -1), "RIGHT") for i, right in enumerate(numeric) if right),
    ]
    if not rows:
        rows = [[text(NO_ROWS, styles["cell"]), *[""] * (len(table.columns) - 1)]]
        commands.append(("SPAN", (0, 1), (-1, 1)))
    if table.total is not None:
        # Bold paragraphs rather than a FONT command on the last row, so the bold stays with the
        # row however ReportLab splits the table over pages.
        rows.append([text(cell_text(cell), styles["cell_head_right" if right else "cell_head"])
                     for cell, right in zip(table.total, numeric, strict=True)])
        commands.append(("LINEABOVE", (0, len(rows)), (-1, len(rows)), 1, BLACK))
    body = LongTable([header, *rows], colWidths=widths, repeatRows=1)
    body.setStyle(TableStyle(commands))
    return [CondPageBreak(40 * mm), text(table.caption, styles["h3"]), body,
            Spacer(1, 6), *(text(note, styles["small"]) for note in table.notes), Spacer(1, 6)]
