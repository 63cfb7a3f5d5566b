"""The grant agreement (the offer letter) as a PDF. The PDF is laid out from ``agreement_sections``,
plain data with no ReportLab in it, so a page can show the same terms and the two cannot disagree.

Each section is a title and a list of blocks; every block has a ``kind`` ("text", "facts",
"table" or "signature") for a template to switch on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, Spacer, TableStyle

from ..applications.models import CostType
from ..applications.sections import CATEGORY_LABELS
from ..dates import format_date
from ..money import gbp
from ..pdf import Metadata, build, frame_width, stylesheet, table, text
from .models import Grant
from .schedule import Period, return_periods

DASH = "–"


# The data both formats share -------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    text: str
    small: bool = False
    kind: ClassVar[str] = "text"


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, with no header row."""

    rows: list[tuple[str, str]]
    kind: ClassVar[str] = "facts"


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # fractions of the full width, adding up to 1
    numeric: tuple[int, ...] = ()  # columns of numbers or money, set right-aligned
    total: list[str] | None = None  # a last row set in bold
    caption: str = ""
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Signature:
    """Lines left blank for the grant holder to fill in by hand."""

    labels: list[str]
    kind: ClassVar[str] = "signature"


Block = Text | Facts | Table | Signature


@dataclass(frozen=True)
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


def agreement_sections(grant: Grant, commissioner_name: str = "") -> list[Section]:
    """The agreement's terms, in order. ``commissioner_name`` names the funder; without it the
    fund's own funder name is used."""
    funder = _funder(grant, commissioner_name)
    return [
        _parties(grant, funder),
        _award(grant),
        _purpose(grant),
        _conditions(grant),
        _eligible_costs(grant),
        _outputs(grant),
        _payments(grant),
        _reporting(grant),
        _variations(),
        _clawback(),
        _data_protection(),
        _acceptance(grant),
    ]


def _funder(grant: Grant, commissioner_name: str) -> str:
    funder_name = grant.fund.funder_name or ""
    if not commissioner_name:
        return funder_name
    if funder_name and funder_name.casefold() != commissioner_name.casefold():
        return f"{commissioner_name} ({funder_name})"
    return commissioner_name


def delivery_period(grant: Grant) -> str:
    return f"{format_date(grant.start_date)} to {format_date(grant.end_date)}"


def address_of(grant: Grant) -> str:
    organisation = grant.organisation
    parts = [organisation.address_line_1, organisation.address_line_2, organisation.town, organisation.postcode]
    return ", ".join(part for part in parts if part) or "Not given"


def _parties(grant: Grant, funder: str) -> Section:
    organisation = grant.organisation
    rows = [("The funder", f"{funder}, referred to below as the commissioner"),
            ("The grant holder", organisation.name),
            ("Legal form", organisation.legal_form_label)]
    if organisation.charity_number:
        rows.append(("Registered charity number", organisation.charity_number))
    if organisation.company_number:
        rows.append(("Company number", organisation.company_number))
    rows.append(("Address", address_of(grant)))
    return Section("The parties", [
        Text(f"This agreement is between the commissioner and {organisation.name}, referred to below as the "
             "grant holder. It sets out the terms on which the grant below is offered and, once accepted, paid."),
        Facts(rows),
    ])


def _award(grant: Grant) -> Section:
    application = grant.application
    rows = [("Grant reference", grant.reference),
            ("Application reference", application.reference or DASH),
            ("Fund", grant.fund.name),
            ("Amount awarded", gbp(grant.awarded_pence, True))]
    if application.requested_pence and application.requested_pence != grant.awarded_pence:
        rows.append(("Amount requested", gbp(application.requested_pence, True)))
    rows += [("Delivery period", delivery_period(grant)),
             ("Offer made", format_date(grant.offered_at)),
             ("Accept by", format_date(grant.accept_by))]
    return Section("The award", [
        Text(f"The commissioner awards the grant holder {gbp(grant.awarded_pence, True)} for delivery from "
             f"{delivery_period(grant)}. The award is the most the commissioner will pay under this agreement."),
        Facts(rows),
    ])


def _purpose(grant: Grant) -> Section:
    return Section("Purpose of the grant", [
        Facts([("Project", grant.application.display_title)]),
        Text(grant.purpose or "As described in the application."),
        Text("The grant may be spent only on this project, as described in the application, and only on the "
             "eligible costs below."),
    ])


def _conditions(grant: Grant) -> Section:
    conditions = (grant.conditions or "").strip()
    return Section("Conditions of the award", [
        Text("The decision to fund the project came with these conditions. The grant holder must meet them "
             "as well as the terms of this agreement." if conditions else "The decision set no special conditions."),
        Text(conditions or "None"),
    ])


def scale_to_award(amounts: list[int], award_pence: int) -> list[int]:
    """Each amount scaled by ``award_pence / sum(amounts)``, in whole pence that add up to the
    award exactly: every line is rounded down, and the pence left over go one each to the lines
    that lost the most in rounding (the earlier line on a tie)."""
    total = sum(amounts)
    if total <= 0:
        return list(amounts)
    scaled = [amount * award_pence // total for amount in amounts]
    left_over = award_pence - sum(scaled)
    by_loss = sorted(range(len(amounts)), key=lambda n: (-(amounts[n] * award_pence % total), n))
    for n in by_loss[:left_over]:
        scaled[n] += 1
    return scaled


def _eligible_costs(grant: Grant) -> Section:
    lines = grant.application.budget_lines
    intro = Text("The grant pays for the costs in the application's budget, below. Where the award is less "
                 "than the amount requested, each line is scaled in proportion, so every line is funded at the "
                 "same share of its cost. Costs outside these lines are not eligible without an approved "
                 "variation.")
    if not lines:
        return Section("Eligible costs", [intro, Text("The application gave no budget lines.")])
    amounts = [line.amount_pence for line in lines]
    budget = sum(amounts)
    cells = [[CATEGORY_LABELS.get(line.category, line.category),
              "Labour" if line.cost_type == CostType.LABOUR else "Non-labour", line.description]
             for line in lines]
    if grant.awarded_pence < budget:
        funded = scale_to_award(amounts, grant.awarded_pence)
        share = f"{grant.awarded_pence * 100 / budget:.1f}%"
        blocks: list[Block] = [intro, Text(f"This award is {share} of the budget of {gbp(budget, True)}, so each "
                                           f"line is funded at {share} of its cost.")]
        blocks.append(Table(["Category", "Cost type", "Description", "Budgeted", "Funded"],
                            [[*row, gbp(amount, True), gbp(paid, True)]
                             for row, amount, paid in zip(cells, amounts, funded, strict=True)],
                            [0.2, 0.13, 0.35, 0.16, 0.16], numeric=(3, 4),
                            total=["Total", "", "", gbp(budget, True), gbp(sum(funded), True)]))
        return Section("Eligible costs", blocks)
    return Section("Eligible costs", [
        intro,
        Table(["Category", "Cost type", "Description", "Amount"],
              [[*row, gbp(amount, True)] for row, amount in zip(cells, amounts, strict=True)],
              [0.24, 0.14, 0.44, 0.18], numeric=(3,), total=["Total", "", "", gbp(budget, True)]),
    ])


def _outputs(grant: Grant) -> Section:
    application = grant.application
    blocks: list[Block] = [Text("Each quarterly return and the final return report progress against these "
                                "targets.")]
    if application.outputs:
        blocks.append(Table(["Output", "Unit", "Target"],
                            [[o.measure, o.unit, f"{o.target:,}"] for o in application.outputs],
                            [0.6, 0.22, 0.18], numeric=(2,), caption="Outputs"))
    else:
        blocks.append(Text("Outputs: none planned."))
    if application.outcomes:
        blocks.append(Table(["Outcome indicator", "Target"],
                            [[o.indicator, o.target] for o in application.outcomes],
                            [0.7, 0.3], caption="Outcomes"))
    else:
        blocks.append(Text("Outcomes: none planned."))
    return Section("Outputs and outcomes to report", blocks)


def _payments(grant: Grant) -> Section:
    instalments = grant.instalments
    total = sum(i.amount_pence for i in instalments)
    blocks: list[Block] = [
        Table(["Instalment", "When it is paid", "Amount"],
              [[str(i.sequence), i.trigger_label, gbp(i.amount_pence, True)] for i in instalments],
              [0.16, 0.6, 0.24], numeric=(2,), total=["Total", "", gbp(total, True)]),
        Text("The instalments add up to the award. Apart from any instalment paid when the offer is accepted, "
             "payments are made in arrears of reporting: an instalment is paid only once the return it "
             "depends on has been accepted."),
        Text("Payments are made only to verified bank details: bank details the commissioner's finance team has "
             "checked with the grant holder. If the bank details change, payments wait until the new details "
             "have been verified."),
    ]
    return Section("Payment schedule", blocks)


def return_label(period: Period) -> str:
    if period.kind == "final":
        return "Final return"
    return f"Quarterly return {period.number} (Q{period.quarter} {period.financial_year})"


def _reporting(grant: Grant) -> Section:
    periods = return_periods(grant.start_date, grant.end_date)
    return Section("Reporting schedule", [
        Text("The grant holder sends a monitoring return online for each quarter of delivery and a final "
             "return for the whole grant. Each is due by the end of the month after its period ends."),
        Table(["Return", "Period", "Due by"],
              [[return_label(p), f"{format_date(p.start)} to {format_date(p.end)}", format_date(p.due_on)]
               for p in periods],
              [0.36, 0.4, 0.24]),
    ])


def _variations() -> Section:
    return Section("Changes to the grant", [
        Text("Any change to the amount of the grant, its dates or its outputs must be requested through the "
             "grants service and approved in writing by the commissioner before it takes effect. Until a change "
             "is approved, this agreement stands as written."),
    ])


def _clawback() -> Section:
    return Section("Recovering the grant", [
        Text("The commissioner may recover all or part of the grant where it has not been spent on the purpose "
             "above, has been misused, or where the grant holder has broken the conditions or terms of this "
             "agreement. The commissioner may also stop or hold payments that are not yet made."),
        Text("Any money not spent by the end of the grant is returned to the commissioner when the grant is "
             "closed."),
    ])


def _data_protection() -> Section:
    return Section("Data protection", [
        Text("Monitoring returns report numbers, not people. The grant holder must not put personal data about "
             "participants (names, contact details, dates of birth or anything else from which a person could "
             "be identified) in any return, attachment or message to the commissioner."),
        Text("Each party handles the personal data it holds in line with UK data protection law."),
    ])


def _acceptance(grant: Grant) -> Section:
    if grant.accepted_at is not None:
        return Section("Acceptance", [
            Text(f"The grant holder accepted this offer online on {format_date(grant.accepted_at)}."),
            Facts([("Name", grant.acceptance_name or ""), ("Role", grant.acceptance_role or ""),
                   ("Date accepted", format_date(grant.accepted_at))]),
        ])
    return Section("Acceptance", [
        Text(f"Accept online by {format_date(grant.accept_by)}. The person accepting must be authorised to "
             f"agree these terms on behalf of {grant.organisation.name}. If the offer is not accepted by then, "
             "it may be withdrawn."),
        Signature(["Name", "Role", "Date"]),
    ])


# The PDF ---------------------------------------------------------------------------------------


def agreement_pdf(grant: Grant, commissioner_name: str, service_name: str) -> bytes:
    styles = stylesheet()
    width = frame_width()
    right_head = ParagraphStyle("cell_head_right", parent=styles["cell_head"], alignment=TA_RIGHT)
    bold = ParagraphStyle("cell_bold", parent=styles["cell"], fontName="Helvetica-Bold")
    bold_right = ParagraphStyle("cell_bold_right", parent=bold, alignment=TA_RIGHT)
    caption = ParagraphStyle("caption", parent=styles["body"], fontName="Helvetica-Bold", fontSize=11,
                             leading=14, spaceBefore=6, spaceAfter=4)

    def render_table(block: Table) -> Flowable:
        def cell(value: str, column: int, head: bool = False, total: bool = False) -> Flowable:
            right = column in block.numeric
            if head:
                style = right_head if right else styles["cell_head"]
            elif total:
                style = bold_right if right else bold
            else:
                style = styles["cell_right"] if right else styles["cell"]
            return text(value, style)

        rows = [[cell(v, n, head=True) for n, v in enumerate(block.header)],
                *([cell(v, n) for n, v in enumerate(row)] for row in block.rows)]
        if block.total is not None:
            rows.append([cell(v, n, total=True) for n, v in enumerate(block.total)])
        result = table(rows, block.widths, width)
        result.splitInRow = 1  # a long description runs on to the next page rather than failing to fit
        return result

    def render(block: Block) -> list[Flowable]:
        if isinstance(block, Text):
            return [text(block.text, styles["small" if block.small else "body"])]
        if isinstance(block, Facts):
            return [table([[label, value] for label, value in block.rows], [0.3, 0.7], width, header=False),
                    Spacer(1, 8)]
        if isinstance(block, Table):
            flowables: list[Flowable] = [text(block.caption, caption)] if block.caption else []
            return [*flowables, render_table(block), Spacer(1, 8)]
        lines = table([[label, ""] for label in block.labels], [0.2, 0.8], width, header=False)
        lines.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.white),
                                   ("TOPPADDING", (0, 0), (-1, -1), 16)]))
        return [KeepTogether([lines]), Spacer(1, 8)]

    application = grant.application
    story: list[Flowable] = [
        text(f"{grant.fund.name} · Offer of grant", styles["small"]),
        text(f"Grant agreement {grant.reference}", styles["title"]),
        text(f"{grant.organisation.name}: {application.display_title}", styles["body"]),
        Spacer(1, 4),
    ]
    for section in agreement_sections(grant, commissioner_name):
        heading = text(section.title, styles["h2"])
        blocks = [flowable for block in section.blocks for flowable in render(block)]
        # Keep each heading with the start of what it heads.
        story += [KeepTogether([heading, blocks[0]]), *blocks[1:]] if blocks else [heading]
    metadata = Metadata(title=f"Grant agreement {grant.reference}", author=commissioner_name,
                        subject=f"Grant agreement with {grant.organisation.name} for {application.display_title}",
                        header=f"{service_name} · Grant agreement · {grant.reference}")
    return build(story, metadata)
