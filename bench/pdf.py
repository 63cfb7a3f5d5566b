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
from reportlab.platypus import BaseDocTemplate, Frame, LongTable, PageTemplate, Paragraph, Spacer, TableStyle

from sv_grants import create_app
from sv_grants.dates import clock
from sv_grants.reports import services
from sv_grants.reports.document import Report, cell_text
from sv_grants.reports.periods import TO_DATE, parse_period

from .database import app_config


def floor_pdf(report: Report) -> bytes:
    """Every table of the return as a plain LongTable of strings: header repeated, page numbers drawn."""
    styles = getSampleStyleSheet()
    story = []
    for section in report.sections:
        story.append(Paragraph(section.title, styles["h2"]))
        for grid in section.tables:
            rows = [[column.heading for column in grid.columns], *[[cell_text(c) for c in r] for r in grid.rows]]
            if grid.total:
                rows.append([cell_text(c) for c in grid.total])
            table = LongTable(rows, repeatRows=1)
            table.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("GRID", (0, 0), (-1, -1), 0.25,
                                                                             colors.grey)]))
            story += [Paragraph(grid.caption, styles["h3"]), table, Spacer(1, 6 * mm)]

    def number(canvas, document) -> None:
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(document.pagesize[0] - 15 * mm, 10 * mm, f"Page {document.page}")

    buffer = io.BytesIO()
    size = landscape(A4)
    document = BaseDocTemplate(buffer, pagesize=size)
    frame = Frame(15 * mm, 15 * mm, size[0] - 30 * mm, size[1] - 30 * mm)
    document.addPageTemplates([PageTemplate("page", [frame], onPage=number)])
    document.build(story)
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
        else:
            started = time.perf_counter()
            content = services.generate(fund, "funding", period, "pdf", "Bench").content
            seconds = time.perf_counter() - started
            tracemalloc.start()  # a second run under tracemalloc, which slows it, for the Python heap peak
            services.generate(fund, "funding", period, "pdf", "Bench")
            traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
    return {"seconds": round(seconds, 3), "bytes": len(content), "pages": content.count(b"/Type /Page\n"),
            "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
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
