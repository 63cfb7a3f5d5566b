"""A long table that splits over pages in time proportional to its rows.

ReportLab's ``LongTable`` copies every remaining row into a new table at each page break and
measures the rows again, so a 5,000-row table costs the square of its pages. Here each row's height
is worked out once (a string cell is a line count; only a paragraph cell is laid out), and a page
takes a slice of the rows: a ``Table`` of its own, header first, with its row heights given so
ReportLab measures nothing again.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

Cell = Flowable | str


def row_height(row: Sequence[Cell], widths: Sequence[float], leading: float,
               padding: tuple[float, float, float]) -> float:
    """How tall ``row`` is in a table whose cells all have ``padding`` (top and bottom, left and right)."""
    vertical, left_right = padding[0] + padding[1], padding[2]
    tallest = 0.0
    for cell, width in zip(row, widths, strict=True):
        if isinstance(cell, Flowable):
            _, height = cell.wrap(width - 2 * left_right, 1e6)
        else:
            height = leading * (cell.count("\n") + 1)
        tallest = max(tallest, height)
    return tallest + vertical


class PagedRows(Flowable):
    """``header`` then ``rows``, the header repeated at the top of every page the rows run on to.

    ``commands`` style every page's table; ``first`` styles only the table holding the first row
    and ``last`` (given with negative row numbers) only the one holding the last row."""

    def __init__(self, header: list[Cell], rows: list[list[Cell]], widths: list[float], heights: list[float],
                 commands: list[tuple[Any, ...]], first: list[tuple[Any, ...]], last: list[tuple[Any, ...]],
                 start: int = 0, ends: list[float] | None = None) -> None:
        super().__init__()
        self._header, self._rows, self._widths, self._heights = header, rows, widths, heights
        self._commands, self._first, self._last, self._start = commands, first, last, start
        self._ends = ends if ends is not None else [0.0, *accumulate(heights[1:])]  # heights[0] is the header's
        self._table: Table | None = None
        self.width = sum(widths)

    def _below(self, stop: int) -> float:
        """The height of the header and the rows from this page's first up to ``stop``."""
        return self._heights[0] + self._ends[stop] - self._ends[self._start]

    def _page(self, stop: int) -> Table:
        commands = list(self._commands)
        if self._start == 0:
            commands += self._first
        if stop == len(self._rows):
            commands += self._last
        return Table([self._header, *self._rows[self._start:stop]], colWidths=self._widths,
                     rowHeights=[self._heights[0], *self._heights[self._start + 1:stop + 1]],
                     style=TableStyle(commands))

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = self._below(len(self._rows))
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        stop = self._start
        while stop < len(self._rows) and self._below(stop + 1) <= available_height:
            stop += 1
        if stop == self._start:  # not even one row under the header: start on the next page
            return []
        rest = PagedRows(self._header, self._rows, self._widths, self._heights, self._commands, self._first,
                         self._last, stop, self._ends)
        return [self._page(stop), rest] if stop < len(self._rows) else [self._page(stop)]

    def draw(self) -> None:
        table = self._page(len(self._rows))
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)
