"""How each return reads: the sections, tables and charts made from its data object. Every format
is rendered from the ``Report`` made here, so this is the one place a column is named or ordered."""

from __future__ import annotations

from ..money import gbp
from .data import FundingGroupRow, FundingReturn
from .document import Bar, Chart, Column, Count, Figure, Money, Report, Section, Table

RAG_LABELS = {"green": "Green", "amber": "Amber", "red": "Red"}


def _money(pence: int | None) -> Money | None:
    return None if pence is None else Money(pence)


def funding_report(data: FundingReturn) -> Report:
    return Report(
        kind="funding", title="Funding return", fund_name=data.fund_name, period_label=data.period.label,
        data_as_at=data.data_as_at, generated_by=data.generated_by,
        sections=[_funding_summary(data), _groups_section(data), _grants_section(data), _payments_section(data),
                  _reconciliation_section(data)])


def _funding_summary(data: FundingReturn) -> Section:
    head = data.headline
    return Section("summary", "Summary", paragraphs=[
        "Committed is what the fund has promised: approved awards, less anything released back to the fund when a "
        "grant was withdrawn or closed with an underspend. Outstanding is committed but not yet paid. Reported spend "
        "is each grant's spend to date in its latest accepted monitoring return."],
        figures=[
            Figure("Fund", Money(head.pot_pence)),
            Figure("Committed", Money(head.committed_pence)),
            Figure("Paid in the period", Money(head.paid_in_period_pence)),
            Figure("Paid to the end of the period", Money(head.paid_to_end_pence)),
            Figure("Outstanding commitments", Money(head.outstanding_pence)),
            Figure("Remaining to commit", Money(head.remaining_pence)),
            Figure("Reported spend", Money(head.spend_pence)),
            Figure("Reported spend on labour", Money(head.labour_spend_pence)),
            Figure("Reported spend on other costs", Money(head.non_labour_spend_pence)),
            Figure("Underspend released in the period", Money(head.underspend_released_pence)),
            Figure("Clawback owed, recorded in the period", Money(head.clawback_owed_pence)),
        ])


def _group_table(key: str, caption: str, heading: str, rows: list[FundingGroupRow]) -> Table:
    return Table(key, caption, [Column(heading), Column("Grants", "count"), Column("Committed", "money"),
                                Column("Paid to the end of the period", "money"), Column("Reported spend", "money")],
                 [[r.label, Count(r.grants), Money(r.committed_pence), Money(r.paid_to_end_pence),
                   Money(r.spend_pence)] for r in rows],
                 total=["Total", Count(sum(r.grants for r in rows)), Money(sum(r.committed_pence for r in rows)),
                        Money(sum(r.paid_to_end_pence for r in rows)), Money(sum(r.spend_pence for r in rows))])


def _groups_section(data: FundingReturn) -> Section:
    return Section("priorities", "By priority and area", paragraphs=[
        "Each grant is counted once, under its main priority. Grants delivered in more than one area are shown "
        "under the areas together, so the rows add up to the totals."],
        tables=[_group_table("by_priority", "Funding by priority", "Priority", data.by_priority),
                _group_table("by_area", "Funding by area", "Area", data.by_area)])


def _grants_section(data: FundingReturn) -> Section:
    rows = data.grants
    table = Table("grants", "Funding by grant", [
        Column("Reference"), Column("Organisation"), Column("Priority"), Column("Area"), Column("Status"),
        Column("Committed", "money"), Column("Paid in the period", "money"),
        Column("Paid to the end of the period", "money"), Column("Reported spend", "money"),
        Column("Spend less paid", "money"), Column("RAG")],
        [[r.reference, r.organisation, r.priority_code, r.area, r.status, Money(r.committed_pence),
          Money(r.paid_in_period_pence), Money(r.paid_to_end_pence), _money(r.spend_pence),
          _money(r.variance_pence), RAG_LABELS.get(r.rag or "", "Not reported")] for r in rows],
        total=["Total", "", "", "", "", Money(sum(r.committed_pence for r in rows)),
               Money(sum(r.paid_in_period_pence for r in rows)), Money(sum(r.paid_to_end_pence for r in rows)),
               Money(sum(r.spend_pence or 0 for r in rows)),
               Money(sum(r.variance_pence or 0 for r in rows)), ""],
        wide=True, notes=["Spend less paid below zero means the organisation holds grant money it has not yet "
                          "reported spending. RAG is the status the organisation gave in its latest accepted return."])
    return Section("grants", "Grants", tables=[table])


def _payments_section(data: FundingReturn) -> Section:
    quarters = data.payments_by_quarter
    by_quarter = Table("payments", "Payments by financial quarter", [
        Column("Quarter"), Column("Payments", "count"), Column("Paid", "money")],
        [[q.label, Count(q.payments), Money(q.paid_pence)] for q in quarters],
        total=["Total", Count(sum(q.payments for q in quarters)), Money(sum(q.paid_pence for q in quarters))])
    chart = Chart("payments_chart", "Payments by financial quarter",
                  [Bar(q.label, Money(q.paid_pence)) for q in quarters], "payments")
    underspends = Table("underspend", "Underspend released to the fund", [
        Column("Grant"), Column("Organisation"), Column("Closed on", "date"), Column("Released", "money")],
        [[r.reference, r.organisation, r.on, Money(r.amount_pence)] for r in data.underspends],
        total=["Total", "", None, Money(sum(r.amount_pence for r in data.underspends))])
    clawbacks = Table("clawback", "Clawback owed", [
        Column("Grant"), Column("Organisation"), Column("Recorded on", "date"), Column("Owed", "money"),
        Column("Reason")],
        [[r.reference, r.organisation, r.on, Money(r.amount_pence), r.reason] for r in data.clawbacks],
        total=["Total", "", None, Money(sum(r.amount_pence for r in data.clawbacks)), ""])
    return Section("payments", "Payments", charts=[chart], tables=[by_quarter, underspends, clawbacks])


def _reconciliation_section(data: FundingReturn) -> Section:
    checks = data.checks
    table = Table("reconciliation", "Reconciliation", [
        Column("Figure"), Column("Added up from"), Column("Total", "money"), Column("Compared with"),
        Column("Their figure", "money"), Column("Agrees")],
        [[c.label, "The rows of this return" if c.against == "Headline" else "This return's headline",
          Money(c.rows_pence), c.against, Money(c.headline_pence),
          "Yes" if c.agrees else f"No: differs by {gbp(abs(c.rows_pence - c.headline_pence), True)}"]
         for c in checks])
    verdict = ("The rows of this return add up to its headline figures." if data.reconciles else
               "The figures do not reconcile: tell the grants team before using this return.")
    return Section("reconciliation", "Reconciliation", paragraphs=[verdict], tables=[table])
