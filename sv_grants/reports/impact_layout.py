"""How the impact return reads, with small numbers suppressed unless an officer asks otherwise."""

from __future__ import annotations

from collections.abc import Hashable

from ..monitoring.reach import BREAKDOWNS, Breakdown
from .data import ALL, ImpactReturn, cost_per_participant
from .document import (
    SUPPRESSED,
    Bar,
    Cell,
    Chart,
    Column,
    Count,
    Excerpt,
    Figure,
    Money,
    Percent,
    Report,
    Section,
    Table,
)
from .suppression import Group, suppress

SUPPRESSED_NOTICE = ("Numbers from 1 to 4 are shown as “fewer than 5”, and so is any other number that would let "
                     "one be worked out from a total.")
UNSUPPRESSED_NOTICE = ("Officers only: small numbers are shown. Do not share or publish this version; use the "
                       "return with small numbers suppressed.")


def impact_suppression(data: ImpactReturn) -> frozenset[Hashable]:
    """Every cell of the return to show as "fewer than 5": counts of people (participants, outputs
    delivered, the context measures) and any that would reveal one. The number of interventions
    funded is a count of grants, each published by name on the transparency page, so hiding it
    would protect nobody."""
    codes = [p.code for p in data.priorities]
    values: dict[Hashable, int] = {("participants", ALL): data.participants, ("to_end", ALL): data.participants_to_end}
    groups = []
    for name in ("participants", "to_end"):
        groups.append(Group(tuple((name, code) for code in codes), (name, ALL)))
    for priority in data.priorities:
        values[("participants", priority.code)] = priority.participants
        values[("to_end", priority.code)] = priority.participants_to_end
    for breakdown in BREAKDOWNS:
        categories = _categories(data, breakdown)
        for priority in data.priorities:
            for category in categories:
                values[_reach(breakdown, priority.code, category)] = priority.reach.get(
                    breakdown.dimension, {}).get(category, 0)
        for category in categories:
            values[_reach(breakdown, ALL, category)] = data.reach_total(breakdown.dimension, category)
            groups.append(Group(tuple(_reach(breakdown, code, category) for code in codes),
                                _reach(breakdown, ALL, category)))
        for code in [*codes, ALL]:
            groups.append(Group(tuple(_reach(breakdown, code, category) for category in categories),
                                ("participants", code)))
    for output in data.outputs:
        values[("output_in", output.key)] = output.in_period
        values[("output_to_end", output.key)] = output.to_end
    for figure in data.context:
        values[("context", figure.key)] = figure.value
    return suppress(values, groups)


def _reach(breakdown: Breakdown, code: str, category: str) -> tuple[str, str, str, str]:
    return ("reach", breakdown.dimension, code, category)


def _categories(data: ImpactReturn, breakdown: Breakdown) -> list[str]:
    known = [key for key, _ in breakdown.categories]
    seen = {category for p in data.priorities for category in p.reach.get(breakdown.dimension, {})}
    return known + sorted(seen - set(known))


Hidden = frozenset[Hashable]


def _count(hidden: Hidden, key: Hashable, value: int) -> Count:
    return Count(value, key in hidden)


def impact_report(data: ImpactReturn, suppressed: bool = True) -> Report:
    hidden = impact_suppression(data) if suppressed else frozenset()
    return Report(
        kind="impact", title="Impact return", fund_name=data.fund_name, period_label=data.period.label,
        data_as_at=data.data_as_at, generated_by=data.generated_by,
        notices=[SUPPRESSED_NOTICE if suppressed else UNSUPPRESSED_NOTICE],
        sections=[_summary(data, hidden), _priorities(data, hidden), _reach_section(data, hidden),
                  _outputs_section(data, hidden), _outcomes_section(data), _case_studies_section(data),
                  _context_section(data, hidden)])


def _cost(paid: int, participants: int, hidden: bool) -> Cell:
    if hidden:
        return SUPPRESSED  # it would give the number of participants away
    cost = cost_per_participant(paid, participants)
    return None if cost is None else Money(cost)


def _summary(data: ImpactReturn, hidden: Hidden) -> Section:
    return Section("summary", "Summary", paragraphs=[
        "Figures come only from monitoring returns the grants team has accepted. New participants are people who "
        "started with an intervention in the period. Cost per participant is what was paid to the end of the period "
        "divided by the participants reached to the end of the period."],
        figures=[
            Figure("Interventions funded", Count(data.interventions)),
            Figure("New participants in the period", _count(hidden, ("participants", ALL), data.participants)),
            Figure("Participants reached to the end of the period",
                   _count(hidden, ("to_end", ALL), data.participants_to_end)),
            Figure("Paid to the end of the period", Money(data.paid_to_end_pence)),
            Figure("Cost per participant", _cost(data.paid_to_end_pence, data.participants_to_end,
                                                 ("to_end", ALL) in hidden)),
        ])


def _average(data: ImpactReturn, code: str | None, hidden: Hidden) -> Percent:
    outputs = [o for o in data.outputs if code is None or o.priority_code == code]
    # An average over outputs, one of which is hidden, would let that one be worked out.
    concealed = any(("output_to_end", o.key) in hidden for o in outputs)
    return Percent(data.average_achieved(code), concealed)


def _priorities(data: ImpactReturn, hidden: Hidden) -> Section:
    rows: list[list[Cell]] = [
        [f"{p.code} {p.title}".strip(), Count(p.interventions),
         _count(hidden, ("participants", p.code), p.participants),
         _count(hidden, ("to_end", p.code), p.participants_to_end), _average(data, p.code, hidden),
         Money(p.paid_to_end_pence), _cost(p.paid_to_end_pence, p.participants_to_end, ("to_end", p.code) in hidden)]
        for p in data.priorities]
    table = Table("by_priority", "Impact by priority", [
        Column("Priority"), Column("Interventions funded", "count"),
        Column("New participants in the period", "count"), Column("Participants to the end of the period", "count"),
        Column("Output targets achieved (average)", "percent"), Column("Paid to the end of the period", "money"),
        Column("Cost per participant", "money")], rows,
        total=["All priorities", Count(data.interventions),
               _count(hidden, ("participants", ALL), data.participants),
               _count(hidden, ("to_end", ALL), data.participants_to_end), _average(data, None, hidden),
               Money(data.paid_to_end_pence),
               _cost(data.paid_to_end_pence, data.participants_to_end, ("to_end", ALL) in hidden)],
        wide=True)
    charts = [
        Chart("reach_chart", "New participants in the period by priority",
              [Bar(p.code or p.title, _count(hidden, ("participants", p.code), p.participants))
               for p in data.priorities], "by_priority"),
        Chart("outputs_chart", "Output targets achieved by priority (average)",
              [Bar(p.code or p.title, _average(data, p.code, hidden)) for p in data.priorities], "by_priority"),
    ]
    return Section("priorities", "By priority", charts=charts, tables=[table])


def _reach_section(data: ImpactReturn, hidden: Hidden) -> Section:
    tables, charts = [], []
    for breakdown in BREAKDOWNS:
        categories = _categories(data, breakdown)
        labels = dict(breakdown.categories)
        columns = [Column("Priority")] + [Column(labels.get(c, c), "count") for c in categories] + [
            Column("Total", "count")]
        rows: list[list[Cell]] = [
            [f"{p.code} {p.title}".strip()]
            + [_count(hidden, _reach(breakdown, p.code, c), p.reach.get(breakdown.dimension, {}).get(c, 0))
               for c in categories] + [_count(hidden, ("participants", p.code), p.participants)]
            for p in data.priorities]
        all_row = [_count(hidden, _reach(breakdown, ALL, c), data.reach_total(breakdown.dimension, c))
                   for c in categories]
        key = f"reach_{breakdown.dimension}"
        total: list[Cell] = ["All priorities", *all_row, _count(hidden, ("participants", ALL), data.participants)]
        tables.append(Table(key, f"New participants by {breakdown.label}", columns, rows, total=total,
                            wide=len(columns) > 6))
        if breakdown.dimension == "age_band":
            charts.append(Chart("age_chart", "New participants in the period by age band",
                                [Bar(labels.get(c, c), cell) for c, cell in zip(categories, all_row, strict=True)],
                                key))
    return Section("reach", "Participants reached", paragraphs=[
        "New participants in the period, by each breakdown the returns give. Each breakdown adds up to the total."],
        charts=charts, tables=tables)


def _outputs_section(data: ImpactReturn, hidden: Hidden) -> Section:
    rows: list[list[Cell]] = [
        [o.priority_code, o.organisation, f"{o.measure} ({o.unit})", Count(o.target),
         _count(hidden, ("output_in", o.key), o.in_period), _count(hidden, ("output_to_end", o.key), o.to_end),
         Percent(o.achieved, ("output_to_end", o.key) in hidden)] for o in data.outputs]
    table = Table("outputs", "Outputs delivered against targets", [
        Column("Priority"), Column("Organisation"), Column("Output"), Column("Target", "count"),
        Column("Delivered in the period", "count"), Column("Delivered to the end of the period", "count"),
        Column("Share of target", "percent")], rows, wide=True)
    return Section("outputs", "Outputs", paragraphs=[
        "Each funded intervention's planned outputs, with what its accepted returns say was delivered."],
        tables=[table])


def _outcomes_section(data: ImpactReturn) -> Section:
    table = Table("outcomes", "Outcomes reported", [
        Column("Priority"), Column("Organisation"), Column("Indicator"), Column("Target"), Column("Latest result"),
        Column("Reported in")],
        [[o.priority_code, o.organisation, o.indicator, o.target, o.result, o.source] for o in data.outcomes],
        wide=True)
    return Section("outcomes", "Outcomes", paragraphs=[
        "The latest result each organisation reported against each outcome indicator, in its own words."],
        tables=[table])


def _case_studies_section(data: ImpactReturn) -> Section:
    paragraphs = [] if data.case_studies else ["No case studies have been chosen for this period."]
    return Section("case_studies", "Case studies", paragraphs=paragraphs, excerpts=[
        Excerpt(f"{c.priority_code} {c.organisation}".strip(), c.source, c.text) for c in data.case_studies])


def _context_section(data: ImpactReturn, hidden: Hidden) -> Section:
    table = Table("context", "Home Office context measures", [
        Column("Measure"), Column("Area"), Column("Period"), Column("Figure", "count"), Column("Source")],
        [[f.measure, f.area, f.period, _count(hidden, ("context", f.key), f.value), f.source] for f in data.context])
    return Section("context", "Context", paragraphs=[
        "Figures for the whole area from national statistics, entered by the grants team. They are context for the "
        "work above: many things affect them, and they are not attributed to any grant."], tables=[table])
