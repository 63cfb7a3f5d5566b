"""A submitted return as a PDF, laid out from the same report as the screens."""

from __future__ import annotations

from flask import current_app
from reportlab.platypus import Flowable, Spacer

from ..dates import format_date, format_datetime
from ..money import gbp
from ..pdf import Metadata, build, frame_width, stylesheet, table, text
from .report import ReturnReport


def _count(value: int | None) -> str:
    return "Not given" if value is None else f"{value:,}"


def _variance(pence: int | None, percent: int | None) -> str:
    if pence is None:
        return ""
    sign = "+" if pence > 0 else ""
    share = "" if percent is None else f" ({sign}{percent}%)"
    return f"{'+' if pence > 0 else ''}{gbp(pence, True)}{share}"


def return_pdf(report: ReturnReport) -> bytes:
    styles = stylesheet()
    width = frame_width()
    story: list[Flowable] = [
        text(f"{report.title}: {report.grant_reference}", styles["title"]),
        table([
            ["Grant", report.grant_reference],
            ["Organisation", report.organisation],
            ["Project", report.project],
            ["Period", report.period],
            ["Due", format_date(report.due_on)],
            ["Submitted", format_datetime(report.submitted_at) or "Not submitted"],
            ["Submitted by", report.submitted_by or ""],
            ["Status", report.status],
        ], [0.3, 0.7], width, header=False),
    ]
    if report.is_final:
        story += [text("Outputs over the grant (from the quarterly returns)", styles["h2"]),
                  table([["Output", "Delivered", "Target"],
                         *([row.measure, f"{row.cumulative:,} {row.unit}", f"{row.target:,} {row.unit}"]
                           for row in report.outputs)], [0.5, 0.25, 0.25], width)]
    else:
        story += [text("Outputs", styles["h2"]),
                  table([["Output", "This quarter", "Total so far", "Target"],
                         *([row.measure, _count(row.this_period), f"{row.cumulative:,}", f"{row.target:,} {row.unit}"]
                           for row in report.outputs)], [0.4, 0.2, 0.2, 0.2], width),
                  text("Participants reached", styles["h2"]),
                  text(f"New participants this quarter: {_count(report.new_participants)}", styles["body"])]
        for breakdown in report.breakdowns:
            story.append(table([[f"By {breakdown.label.lower()}", "New participants"],
                                *([label, _count(count)] for label, count in breakdown.rows),
                                ["Total", f"{breakdown.added:,}"]], [0.7, 0.3], width))
            story.append(Spacer(1, 6))
    story += [text("Outcomes", styles["h2"]),
              table([["Indicator", "Target", "Result", "How it was measured"],
                     *([row.indicator, row.target, row.result, row.note] for row in report.outcomes)],
                    [0.3, 0.15, 0.25, 0.3], width),
              text("Spend to date", styles["h2"]),
              table([["Budget line", "Profile to date", "Spent to date", "Variance", "Explanation"],
                     *([f"{row.category}: {row.description}", gbp(row.profile_pence, True),
                        "" if row.spent_pence is None else gbp(row.spent_pence, True),
                        _variance(row.variance_pence, row.variance_percent), row.explanation]
                       for row in report.spend),
                     ["Total", gbp(report.profile_total, True), gbp(report.spent_total, True),
                      _variance(report.spent_total - report.profile_total, None), ""]],
                    [0.27, 0.15, 0.15, 0.15, 0.28], width),
              text("Progress", styles["h2"]), text(report.progress or "Not given", styles["body"]),
              text("Challenges", styles["h2"]), text(report.challenges or "Not given", styles["body"]),
              text("Case study (anonymised)", styles["h2"]), text(report.case_study or "Not given", styles["body"]),
              text("Safeguarding and status", styles["h2"]),
              table([["Safeguarding incidents", _count(report.safeguarding_incidents)],
                     ["RAG status", report.rag_label or "Not given"]], [0.3, 0.7], width, header=False)]
    if report.reviewer_comment:
        story += [text("Grants team's comments", styles["h2"]), text(report.reviewer_comment, styles["body"])]
    metadata = Metadata(title=f"{report.grant_reference}: {report.title}", author=report.organisation,
                        subject=f"Monitoring return for {report.period}",
                        header=f"{current_app.config['SERVICE_NAME']} · {report.grant_reference} · {report.title}")
    return build(story, metadata)
