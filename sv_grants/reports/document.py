"""The shape every return is rendered from: sections of key figures, charts, tables and excerpts,
whose cells carry their type (money, count, percentage, date, text). The PDF, HTML, CSV and XLSX
renderers each walk the same ``Report``, and format a cell only through this module, so the
formats cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import ClassVar, Literal

from ..dates import format_date
from ..money import gbp

SUPPRESSED = "fewer than 5"
NOT_APPLICABLE = "–"
NO_ROWS = "There is nothing to show in this table."
NO_BARS = "There are no figures to draw as a chart."
NO_SECTIONS = "There is nothing in this return."


@dataclass(frozen=True)
class Money:
    pence: int


@dataclass(frozen=True)
class Count:
    value: int
    hidden: bool = False  # a small number (or one that would reveal it), shown as "fewer than 5"


@dataclass(frozen=True)
class Percent:
    value: Fraction | None  # None: nothing to divide by
    hidden: bool = False

    @property
    def whole(self) -> int | None:
        """The percentage rounded half up to a whole number, as every format shows it."""
        if self.value is None:
            return None
        return int((Decimal(self.value.numerator) * 100 / Decimal(self.value.denominator))
                   .quantize(Decimal(1), rounding=ROUND_HALF_UP))


Cell = str | Money | Count | Percent | date | None
Kind = Literal["text", "money", "count", "percent", "date"]


def cell_text(cell: Cell) -> str:
    """How a cell reads on a page (HTML and PDF)."""
    if cell is None:
        return NOT_APPLICABLE
    if isinstance(cell, Money):
        return gbp(cell.pence, True)
    if isinstance(cell, Count):
        return SUPPRESSED if cell.hidden else f"{cell.value:,}"
    if isinstance(cell, Percent):
        if cell.hidden:
            return SUPPRESSED
        return NOT_APPLICABLE if cell.whole is None else f"{cell.whole}%"
    if isinstance(cell, datetime | date):
        return format_date(cell)
    return str(cell)


def is_numeric(cell: Cell) -> bool:
    return isinstance(cell, Money | Count | Percent)


@dataclass(frozen=True)
class Column:
    heading: str
    kind: Kind = "text"

    @property
    def numeric(self) -> bool:
        """Whether the column is aligned right, so its figures line up."""
        return self.kind in ("money", "count", "percent")


@dataclass
class Table:
    key: str  # short and unique within a report: it names the XLSX sheet
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]
    total: list[Cell] | None = None  # a closing row, its first cell the label ("Total")
    wide: bool = False  # printed on a landscape page
    notes: list[str] = field(default_factory=list)

    empty_text: ClassVar[str] = NO_ROWS  # for templates, which cannot import the constant

    # Templates cannot call cell_text, so they read the table through these.
    def text_rows(self) -> list[list[str]]:
        return [[cell_text(cell) for cell in row] for row in self.rows]

    def total_text(self) -> list[str] | None:
        return None if self.total is None else [cell_text(cell) for cell in self.total]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Money | Count | Percent

    @property
    def text(self) -> str:
        return cell_text(self.value)

    @property
    def length(self) -> float:
        """How long the bar is drawn, in the chart's unit: pounds, whole percent or a count (0 if not drawn)."""
        if isinstance(self.value, Money):
            return self.value.pence / 100
        if isinstance(self.value, Percent):
            return float(self.value.whole or 0)
        return float(self.value.value)


@dataclass
class Chart:
    """A bar chart of figures also given in a table (``table_key``), which is its text equivalent."""

    key: str
    title: str
    bars: list[Bar]
    table_key: str

    empty_text: ClassVar[str] = NO_BARS

    @property
    def shown(self) -> list[Bar]:
        """The bars that can be drawn: a suppressed figure has no bar, or its length would tell."""
        return [bar for bar in self.bars if not getattr(bar.value, "hidden", False)
                and not (isinstance(bar.value, Percent) and bar.value.value is None)]

    @property
    def not_shown(self) -> list[str]:
        """A sentence for each reason bars are missing, naming them, to print under the chart."""
        hidden = [bar for bar in self.bars if getattr(bar.value, "hidden", False)]
        small = [bar.label for bar in hidden]
        accounted = {id(bar) for bar in [*self.shown, *hidden]}
        undefined = [bar.label for bar in self.bars if id(bar) not in accounted]
        sentences = []
        if small:
            sentences.append(f"Not shown because the number is fewer than 5: {', '.join(small)}")
        if undefined:
            sentences.append(f"Not shown because there is nothing to work the percentage out from: "
                             f"{', '.join(undefined)}")
        return sentences


@dataclass(frozen=True)
class Figure:
    label: str
    value: Cell

    @property
    def text(self) -> str:
        return cell_text(self.value)


@dataclass(frozen=True)
class Excerpt:
    heading: str
    source: str  # e.g. "Darlington Youth Outreach, quarter 2 2025/26 return"
    text: str


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass
class Report:
    kind: str  # "funding" or "impact"
    title: str  # "Funding return"
    fund_name: str
    period_label: str
    data_as_at: datetime
    generated_by: str
    sections: list[Section]
    notices: list[str] = field(default_factory=list)  # shown under the title in every format
    wide: bool = False

    empty_text: ClassVar[str] = NO_SECTIONS

    @property
    def subject(self) -> str:
        return f"{self.title}: {self.fund_name}, {self.period_label}"

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> Table:
        for table in self.tables():
            if table.key == key:
                return table
        raise KeyError(key)
