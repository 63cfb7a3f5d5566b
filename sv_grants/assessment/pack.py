"""The panel pack: what the panel reads at its meeting, as a PDF here and as a page
(``templates/assessment/panel_pack.html``). Both are laid out from the same ``Panel`` and
``pack_sections``, so the printed pack and the screen can never disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from flask import current_app
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..applications.models import Application, ApplicationPriority, CostType
from ..applications.sections import BUDGET_CATEGORIES, CATEGORY_LABELS
from ..dates import format_datetime
from ..extensions import db
from ..money import gbp
from ..pdf import Metadata, build, frame_width, stylesheet, table, text
from .panel import Panel, PanelRow
from .results import ScoreSheet, score_sheet
from .scoring import Result, percent

DASH = "–"
_CATEGORY_ORDER = {code: n for n, (code, _, _) in enumerate(BUDGET_CATEGORIES)}


# The data both formats share -------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetCategory:
    label: str
    labour: bool
    total_pence: int


@dataclass(frozen=True)
class BudgetSummary:
    categories: list[BudgetCategory]

    @property
    def labour_pence(self) -> int:
        return sum(c.total_pence for c in self.categories if c.labour)

    @property
    def non_labour_pence(self) -> int:
        return sum(c.total_pence for c in self.categories if not c.labour)

    @property
    def total_pence(self) -> int:
        return sum(c.total_pence for c in self.categories)


@dataclass(frozen=True)
class PriorityLine:
    code: str
    title: str
    is_primary: bool
    how: str

    @property
    def label(self) -> str:
        return f"{self.code}: {self.title}"


@dataclass(frozen=True)
class ScoreCell:
    score: int | None
    comment: str

    @property
    def text(self) -> str:
        shown = "Not scored" if self.score is None else str(self.score)
        return f"{shown} {DASH} {self.comment}" if self.comment else shown


@dataclass(frozen=True)
class CriterionRow:
    title: str
    weight: int
    cells: list[ScoreCell]  # one per reviewer, in the order of the score sheet's columns


@dataclass(frozen=True)
class ModerationLine:
    score: Fraction
    reason: str
    moderated_by: str
    moderated_at: datetime


@dataclass
class ApplicationPage:
    row: PanelRow
    application: Application
    sheet: ScoreSheet
    budget: BudgetSummary
    priorities: list[PriorityLine]  # the primary one first
    criteria: list[CriterionRow]
    reviewer_scores: list[Fraction | None]  # each reviewer's own weighted score, by column
    moderations: list[ModerationLine]  # oldest first; the last is the one that counts

    @property
    def reference(self) -> str:
        return self.application.reference or ""

    @property
    def title(self) -> str:
        return self.application.display_title

    @property
    def heading(self) -> str:
        return f"{self.reference} {DASH} {self.title}"

    @property
    def organisation(self) -> str:
        return self.application.organisation.name

    @property
    def requested_pence(self) -> int:
        return self.row.requested_pence

    @property
    def summary(self) -> str:
        return self.application.summary or ""

    @property
    def score_max(self) -> int:
        return self.application.round.score_max


def pack_sections(panel: Panel) -> list[ApplicationPage]:
    """One page's worth for each ranked application, in rank order."""
    ids = [row.application.id for row in panel.rows]
    applications = {application.id: application for application in db.session.scalars(
        select(Application).where(Application.id.in_(ids))
        .options(selectinload(Application.organisation), selectinload(Application.budget_lines),
                 selectinload(Application.priorities).selectinload(ApplicationPriority.priority)))} if ids else {}
    return [_page(row, applications[row.application.id]) for row in panel.rows]


def _page(row: PanelRow, application: Application) -> ApplicationPage:
    sheet = score_sheet(application, row.result)
    return ApplicationPage(row, application, sheet, budget_summary(application), priority_lines(application),
                           criterion_rows(sheet), _reviewer_scores(sheet, row.result), moderation_lines(sheet))


def budget_summary(application: Application) -> BudgetSummary:
    """Lines totalled by category. Keyed by cost type as well, so each row and the labour totals
    come from the same recorded lines even if a category's labour status ever changes."""
    totals: dict[tuple[str, bool], int] = {}
    for line in application.budget_lines:
        key = (line.category, line.cost_type == CostType.LABOUR)
        totals[key] = totals.get(key, 0) + line.amount_pence
    ordered = sorted(totals.items(), key=lambda item: (_CATEGORY_ORDER.get(item[0][0], len(_CATEGORY_ORDER)),
                                                       item[0][0], not item[0][1]))
    return BudgetSummary([BudgetCategory(CATEGORY_LABELS.get(category, category), labour, pence)
                          for (category, labour), pence in ordered])


def priority_lines(application: Application) -> list[PriorityLine]:
    lines = [PriorityLine(p.priority.code, p.priority.title, p.is_primary, p.how) for p in application.priorities]
    return sorted(lines, key=lambda line: not line.is_primary)  # stable: the others keep their order


def criterion_rows(sheet: ScoreSheet) -> list[CriterionRow]:
    return [CriterionRow(c.title, c.weight, [ScoreCell(r.scores.get(c.id), r.comments.get(c.id, ""))
                                             for r in sheet.reviewers]) for c in sheet.criteria]


def _reviewer_scores(sheet: ScoreSheet, result: Result) -> list[Fraction | None]:
    # Both lists come from the same submitted, unconflicted assignments in assignment order, so
    # they line up by position (names are not unique); if they ever differ, show nothing rather
    # than a score against the wrong reviewer.
    if len(result.by_reviewer) != len(sheet.reviewers):
        return [None] * len(sheet.reviewers)
    return [score for _, score in result.by_reviewer]


def moderation_lines(sheet: ScoreSheet) -> list[ModerationLine]:
    return [ModerationLine(Fraction(m.score_tenths, 10), m.reason, m.moderated_by.name, m.moderated_at)
            for m in sheet.moderations]


def spread_text(result: Result) -> str:
    if result.spread is None:
        return DASH
    return f"{percent(result.spread)} Flag" if result.flagged else percent(result.spread)


def running_total_text(row: PanelRow) -> str:
    return DASH if row.running_total_pence is None else gbp(row.running_total_pence)


# The PDF ---------------------------------------------------------------------------------------


class _Layout:
    """The stylesheet and frame width every section of the pack draws with."""

    def __init__(self) -> None:
        self.styles = stylesheet()
        self.width = frame_width()
        # The ranked table has ten columns on a portrait page, so it is set a size smaller.
        self.tight = ParagraphStyle("tight", parent=self.styles["cell"], fontSize=8, leading=10)
        self.tight_head = ParagraphStyle("tight_head", parent=self.tight, fontName="Helvetica-Bold")
        self.h3 = ParagraphStyle("h3", parent=self.styles["body"], fontName="Helvetica-Bold", fontSize=11,
                                 leading=14, spaceBefore=10, spaceAfter=4)

    def table(self, rows: Sequence[Sequence[Flowable | str]], widths: Sequence[float], header: bool = True,
              tight: bool = False) -> Table:
        if tight:
            rows = [[cell if isinstance(cell, Flowable) else text(cell, self.tight_head if header and i == 0
                                                                  else self.tight) for cell in row]
                    for i, row in enumerate(rows)]
        result = table(rows, widths, self.width, header)
        # A reviewer may write 5,000 characters: let a row run on to the next page rather than
        # fail to fit on one.
        result.splitInRow = 1
        if tight:
            result.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 3),
                                        ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
        return result

    def heading(self, value: str) -> Flowable:
        return text(value, self.styles["h2"])

    def subheading(self, value: str) -> Flowable:
        return text(value, self.h3)

    def para(self, value: str, style: str = "body") -> Flowable:
        return text(value, self.styles[style])


def panel_pack_pdf(panel: Panel, generated_by: str) -> bytes:
    layout = _Layout()
    story: list[Flowable] = [*_cover(panel, generated_by, layout), PageBreak(),
                             *_ranked(panel, layout), *_priority_totals(panel, layout), *_funding_set(panel, layout)]
    for page in pack_sections(panel):
        story += [PageBreak(), *_application(page, layout)]
    story += [PageBreak(), *_conflicts(panel, layout)]
    fund_round = f"{panel.fund.name} {panel.round.name}"
    metadata = Metadata(title=f"Panel pack {DASH} {fund_round}", author=current_app.config["COMMISSIONER_NAME"],
                        subject=f"Papers for the grants panel meeting of {fund_round}",
                        header=f"{current_app.config['SERVICE_NAME']} · Panel pack · {fund_round}")
    return build(story, metadata)


def _cover(panel: Panel, generated_by: str, layout: _Layout) -> list[Flowable]:
    fund = panel.fund
    facts = [
        ["Fund", fund.name],
        ["Round", panel.round.name],
        ["Fund total", gbp(fund.total_pence)],
        ["Committed so far", gbp(fund.committed_pence)],
        ["Budget available", gbp(panel.remaining_pence)],
        ["Requested by applications still to decide", gbp(panel.requested_total_pence)],
        ["Applications ranked", str(len(panel.rows))],
        ["Awaiting a submitted review", str(len(panel.awaiting))],
    ]
    return [
        layout.para(f"{fund.name}: {panel.round.name}", "small"),
        text("Panel pack", layout.styles["title"]),
        layout.para(f"Generated at {format_datetime(panel.generated_at)} by {generated_by}."),
        Spacer(1, 6),
        layout.table(facts, [0.45, 0.55], header=False),
    ]


RANKED_HEADER = ["Rank", "Reference", "Organisation", "Priority", "Requested", "Score", "Moderated", "Spread",
                 "Reviewers recommend", "Running total"]
RANKED_WIDTHS = [0.055, 0.135, 0.185, 0.075, 0.10, 0.07, 0.095, 0.075, 0.11, 0.10]


def _ranked(panel: Panel, layout: _Layout) -> list[Flowable]:
    story = [layout.heading("Ranked applications"), layout.para(
        "Best first, by the moderated score where there is one, then the smaller request. The running total "
        "adds up the requests of applications still to be decided; spreads above the round's threshold of "
        f"{panel.round.moderation_threshold_percent}% are marked Flag.")]
    if not panel.rows:
        return [*story, layout.para("No application has a submitted review yet.")]
    rows = [[str(row.rank), row.application.reference or "", row.application.organisation_name,
             row.priority.code if row.priority else DASH, gbp(row.requested_pence), percent(row.result.weighted),
             percent(row.result.moderated) if row.result.moderated is not None else DASH,
             spread_text(row.result), row.recommendation_text, running_total_text(row)] for row in panel.rows]
    story.append(layout.table([RANKED_HEADER, *rows], RANKED_WIDTHS, tight=True))
    if panel.awaiting:
        story.append(Spacer(1, 6))
        story.append(layout.para("Still awaiting a submitted review, so not ranked: "
                                 + ", ".join(a.reference or "" for a in panel.awaiting) + "."))
    return story


def _priority_totals(panel: Panel, layout: _Layout) -> list[Flowable]:
    totals = panel.priority_totals
    rows = [[t.label, str(t.assessed), gbp(t.requested_pence), str(t.recommended), gbp(t.recommended_pence),
             str(t.approved), gbp(t.approved_pence)] for t in totals]
    rows.append(["Total", str(sum(t.assessed for t in totals)), gbp(sum(t.requested_pence for t in totals)),
                 str(sum(t.recommended for t in totals)), gbp(sum(t.recommended_pence for t in totals)),
                 str(sum(t.approved for t in totals)), gbp(sum(t.approved_pence for t in totals))])
    header = ["Priority", "Assessed", "Requested", "Recommended", "Recommended amount", "Approved",
              "Approved amount"]
    return [layout.heading("Totals per priority"),
            layout.table([header, *rows], [0.28, 0.1, 0.12, 0.13, 0.14, 0.1, 0.13], tight=True)]


def _funding_set(panel: Panel, layout: _Layout) -> list[Flowable]:
    funding = panel.funding_set
    story = [layout.heading("Recommended funding set"), layout.para(funding.explanation)]
    minimums = _minimums_text(panel)
    if minimums:
        story.append(layout.para(f"Minimum awards per priority: {minimums}."))
    if not funding.feasible:
        return story
    if funding.picks:
        rows = [[str(p.row.rank), p.row.application.reference or "", p.row.application.organisation_name,
                 gbp(p.row.requested_pence), percent(p.row.result.effective), gbp(p.remaining_after_pence)]
                for p in funding.picks]
        header = ["Rank", "Reference", "Organisation", "Requested", "Score", "Budget remaining after"]
        story.append(layout.table([header, *rows], [0.08, 0.17, 0.3, 0.13, 0.1, 0.22], tight=True))
    story.append(layout.subheading("Left out"))
    if not funding.left_out:
        return [*story, layout.para("None: every application still to be decided is in the set.")]
    rows = [[str(o.row.rank), o.row.application.reference or "", o.row.application.organisation_name,
             gbp(o.row.requested_pence), o.reason] for o in funding.left_out]
    story.append(layout.table([["Rank", "Reference", "Organisation", "Requested", "Reason"], *rows],
                              [0.08, 0.17, 0.25, 0.13, 0.37], tight=True))
    return story


def _minimums_text(panel: Panel) -> str:
    codes = {priority.id: priority.code for priority in panel.fund.priorities}
    return ", ".join(f"{codes.get(priority_id, priority_id)}: {count}"
                     for priority_id, count in panel.funding_set.minimums.items() if count > 0)


def _application(page: ApplicationPage, layout: _Layout) -> list[Flowable]:
    primary = [p for p in page.priorities if p.is_primary]
    others = [p for p in page.priorities if not p.is_primary]
    facts = [
        ["Rank", str(page.row.rank)],
        ["Organisation", page.organisation],
        ["Amount requested", gbp(page.requested_pence)],
        ["Main priority", "\n".join(f"{p.label}\nHow: {p.how}" for p in primary) or "None"],
        ["Other priorities", "\n".join(f"{p.label}\nHow: {p.how}" for p in others) or "None"],
    ]
    return [
        layout.heading(page.heading),
        layout.table(facts, [0.25, 0.75], header=False),
        layout.subheading("Summary"),
        layout.para(page.summary or "No summary given."),
        *_budget(page.budget, layout),
        *_scores(page, layout),
        *_moderations(page, layout),
    ]


def _budget(budget: BudgetSummary, layout: _Layout) -> list[Flowable]:
    rows = [[c.label, "Labour" if c.labour else "Non-labour", gbp(c.total_pence, True)] for c in budget.categories]
    rows += [["Labour costs", "", gbp(budget.labour_pence, True)],
             ["Non-labour costs", "", gbp(budget.non_labour_pence, True)],
             ["Total", "", gbp(budget.total_pence, True)]]
    return [layout.subheading("Budget summary"),
            layout.table([["Category", "Cost type", "Amount"], *rows], [0.5, 0.25, 0.25])]


def _scores(page: ApplicationPage, layout: _Layout) -> list[Flowable]:
    result = page.row.result
    reviewers = page.sheet.reviewers
    column = 0.75 / max(len(reviewers), 1)
    header = ["Criterion", *(r.reviewer for r in reviewers)]
    rows: list[list[Flowable | str]] = [[f"{c.title} (weight {c.weight})", *(cell.text for cell in c.cells)]
                                        for c in page.criteria]
    rows += [["Reviewer's weighted score", *(percent(s) if s is not None else DASH for s in page.reviewer_scores)],
             ["Recommendation", *(r.recommendation for r in reviewers)],
             ["Overall comment", *(r.overall_comment for r in reviewers)]]
    conflicts = page.sheet.conflicts
    outcome = [["Weighted score", percent(result.weighted)],
               ["Spread between reviewers", spread_text(result)],
               ["Moderated score", percent(result.moderated) if result.moderated is not None else "None"]]
    return [layout.subheading(f"Scores (out of {page.score_max})"),
            layout.table([header, *rows], [0.25, *([column] * len(reviewers))]), Spacer(1, 8),
            layout.table(outcome, [0.25, 0.75], header=False),
            *([layout.para(f"{conflicts} reviewer{'s' if conflicts != 1 else ''} declared an interest and did "
                           "not score.", "small")] if conflicts else [])]


def _moderations(page: ApplicationPage, layout: _Layout) -> list[Flowable]:
    if not page.moderations:
        return []
    rows = [[percent(m.score), m.reason, m.moderated_by, format_datetime(m.moderated_at)] for m in page.moderations]
    return [layout.subheading("Moderation history"),
            layout.para(f"Original weighted score {percent(page.row.result.weighted)}; the latest moderation "
                        "is the score the ranking uses.", "small"),
            layout.table([["Moderated score", "Reason", "By", "When"], *rows], [0.17, 0.43, 0.17, 0.23])]


def _conflicts(panel: Panel, layout: _Layout) -> list[Flowable]:
    story = [layout.heading("Conflicts register")]
    if not panel.conflicts:
        return [*story, layout.para("No reviewer has made a declaration yet.")]
    rows = [[c.reviewer, c.organisation, c.reference, c.declaration, c.details or DASH,
             format_datetime(c.declared_at) or DASH] for c in panel.conflicts]
    header = ["Reviewer", "Organisation", "Reference", "Declaration", "Details", "Declared at"]
    return [*story, layout.table([header, *rows], [0.15, 0.18, 0.15, 0.13, 0.22, 0.17], tight=True)]
