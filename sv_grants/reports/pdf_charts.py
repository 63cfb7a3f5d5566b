"""A return's chart in the PDF: a horizontal bar chart, so long labels such as organisation names stay
readable, with each bar's figure written at its end exactly as the table gives it."""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from ..pdf import BLACK, GREY, text
from .document import NO_BARS, Chart, Money, Percent

BLUE = colors.HexColor("#1d70b8")
FONT = "Helvetica"
SIZE = 8.5
ROW = 24  # points per bar: room for a label wrapped onto two lines
PER_DRAWING = 16  # bars: a drawing this tall fits a landscape page under a heading


def _label(label: str, width: float) -> str:
    """The label on at most two lines of ``width``; the table below the chart gives it in full."""
    lines = simpleSplit(label, FONT, SIZE, width)
    if len(lines) <= 2:
        return "\n".join(lines)
    second = lines[1]
    while second and stringWidth(second + "…", FONT, SIZE) > width:
        second = second[:-1]
    return f"{lines[0]}\n{second.rstrip()}…"


def _scale(low: float, high: float) -> tuple[float, float, float]:
    """Axis ends and a step of 1, 2 or 5 times a power of ten giving about six steps, never less than
    one: ticks fall on whole pounds, percentages and people."""
    wanted = ((high - low) or 1.0) / 6
    power = 10.0 ** math.floor(math.log10(wanted))
    step = max(1.0, next(m * power for m in (1, 2, 5, 10) if m * power >= wanted))
    return math.floor(low / step) * step, math.ceil(high / step) * step or step, step


def _tick(chart: Chart) -> Callable[[float], str]:
    kind = chart.bars[0].value
    if isinstance(kind, Money):
        return lambda value: f"−£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"
    if isinstance(kind, Percent):
        return lambda value: f"{value:.0f}%"
    return lambda value: f"{value:,.0f}"


def bar_charts(chart: Chart, width: float) -> list[Drawing]:
    """The chart's bars, in drawings of at most ``PER_DRAWING`` bars (a drawing cannot run over a
    page), sharing one scale and one label column so they read as one chart."""
    shown = chart.shown
    lengths = [bar.length for bar in shown]
    low, high, step = _scale(min(0, *lengths), max(0, *lengths))
    label_width = min(max(stringWidth(bar.label, FONT, SIZE) for bar in shown), width * 0.35)
    value_width = max(stringWidth(bar.text, FONT, SIZE) for bar in shown)
    drawings = []
    for start in range(0, len(shown), PER_DRAWING):
        bars = list(reversed(shown[start:start + PER_DRAWING]))  # ReportLab draws the first at the bottom
        drawing = Drawing(width, ROW * len(bars) + 20)
        plot = HorizontalBarChart()
        plot.x, plot.y = label_width + 6, 16
        plot.width, plot.height = width - plot.x - value_width - 8, ROW * len(bars)
        plot.data = [[bar.length for bar in bars]]
        plot.bars[0].fillColor, plot.bars[0].strokeColor = BLUE, None
        axis = plot.categoryAxis
        axis.categoryNames = [_label(bar.label, label_width) for bar in bars]
        axis.labels.boxAnchor, axis.labels.textAnchor, axis.labels.dx = "e", "end", -4
        axis.labels.fontName, axis.labels.fontSize, axis.labels.fillColor = FONT, SIZE, BLACK
        axis.strokeColor, axis.labelAxisMode = GREY, "low"  # labels left of the chart, not at zero
        scale = plot.valueAxis
        scale.valueMin, scale.valueMax, scale.valueStep = low, high, step
        scale.labelTextFormat = _tick(chart)
        scale.labels.fontName, scale.labels.fontSize, scale.labels.fillColor = FONT, 8, GREY
        scale.strokeColor = GREY
        drawing.add(plot)
        # Each figure just past the end of its bar, on whichever side of zero the bar runs. Placed
        # here rather than by ReportLab's bar labels, which centre on the bar's end.
        for number, bar in enumerate(bars):
            end = plot.x + (max(bar.length, 0) - low) / (high - low) * plot.width
            middle = plot.y + (number + 0.5) * ROW - SIZE / 3
            drawing.add(String(end + 4, middle, bar.text, fontName=FONT, fontSize=SIZE, fillColor=BLACK))
        drawings.append(drawing)
    return drawings


def chart_flowables(chart: Chart, width: float, styles: StyleSheet1) -> list[Flowable]:
    drawn: list[Flowable] = [*bar_charts(chart, width)] if chart.shown else [text(NO_BARS, styles["body"])]
    return [CondPageBreak(50 * mm), text(chart.title, styles["h3"]), *drawn, Spacer(1, 4),
            *(text(sentence, styles["small"]) for sentence in chart.not_shown)]
