"""A copy of an application as a PDF, laid out from the same summary as the screen."""

from __future__ import annotations

from flask import current_app
from reportlab.platypus import Flowable, Spacer

from ..dates import format_datetime
from ..money import gbp
from ..pdf import Metadata, build, frame_width, stylesheet, table, text
from .models import Application
from .presenters import SectionSummary, eligibility_rows


def application_pdf(application: Application, summary: list[SectionSummary]) -> bytes:
    styles = stylesheet()
    width = frame_width()
    reference = application.reference or "Draft (not submitted)"
    story: list[Flowable] = [
        text(application.display_title, styles["title"]),
        table([
            ["Reference", reference],
            ["Organisation", application.organisation.name],
            ["Round", f"{application.round.fund.name}: {application.round.name}"],
            ["Amount requested", gbp(application.requested_pence, True) if application.requested_pence else "None"],
            ["Status", application.status_enum.label],
            ["Submitted", format_datetime(application.submitted_at) or "Not submitted"],
        ], [0.3, 0.7], width, header=False),
        Spacer(1, 8),
        text("Eligibility answers", styles["h2"]),
        table([[row.label, row.text] for row in eligibility_rows(application)] or [["None recorded", ""]],
              [0.35, 0.65], width, header=False),
    ]
    for section in summary:
        story.append(text(section.title, styles["h2"]))
        story.append(table([["Question", "Answer"], *([row.label, row.text] for row in section.rows)],
                           [0.35, 0.65], width))
    metadata = Metadata(title=f"{reference}: {application.display_title}",
                        author=application.organisation.name,
                        subject=f"Application to {application.round.fund.name}",
                        header=f"{current_app.config['SERVICE_NAME']} · {reference}")
    return build(story, metadata)
