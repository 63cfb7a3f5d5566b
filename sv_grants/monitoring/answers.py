"""Saving each section of a return. Every save checks all its answers first and changes nothing
when one is wrong; the problems come back keyed by the form's field ids (see ``ReturnError``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..auth.models import User
from . import reach
from .figures import MAX_COUNT, MAX_SPEND_PENCE
from .models import MonitoringReturn, OutcomeActual, OutputActual, Rag, ReachCount, SpendLine
from .sections import OUTCOMES, OUTPUTS, REACH, SPEND
from .services import (
    NOT_THIS_GRANTS,
    ReturnError,
    check_editable,
    check_text,
    claim,
    line_profile,
    mark_saved,
    refuse,
    spend_problem,
)


@dataclass(frozen=True)
class OutputFigure:
    planned_output_id: int
    quantity: int | None


@dataclass(frozen=True)
class OutcomeResult:
    planned_outcome_id: int
    result: str
    note: str = ""


@dataclass(frozen=True)
class SpendFigure:
    budget_line_id: int
    spent_pence: int | None
    explanation: str = ""


@dataclass(frozen=True)
class Narrative:
    progress: str
    challenges: str
    case_study: str
    safeguarding_incidents: int | None
    rag: str | None


def _quarterly_only(monitoring_return: MonitoringReturn) -> None:
    if monitoring_return.is_final:
        raise ReturnError("The final return does not report outputs or participants: the quarterly returns do")


def save_outputs(actor: User, monitoring_return: MonitoringReturn, figures: list[OutputFigure],
                 complete: bool) -> None:
    """How much of each planned output was delivered in the quarter."""
    check_editable(actor, monitoring_return)
    _quarterly_only(monitoring_return)
    planned = {o.id: o for o in monitoring_return.grant.application.outputs}
    given: dict[int, int | None] = {}
    problems: dict[str, str] = {}
    for index, figure in enumerate(figures):
        field = f"rows-{index}-quantity"
        output = planned.get(figure.planned_output_id)
        if output is None or output.id in given:
            problems[field] = NOT_THIS_GRANTS.format(thing="output")
            continue
        given[output.id] = figure.quantity
        if figure.quantity is None:
            if complete:
                problems[field] = f"Enter how many {output.unit} were delivered this quarter for {output.measure}"
        elif not 0 <= figure.quantity <= MAX_COUNT:
            problems[field] = f"The number for {output.measure} must be between 0 and {MAX_COUNT:,}"
    if complete and not problems and set(given) != set(planned):
        problems["rows-0-quantity"] = "Enter a figure for every planned output. Reload the page to see them all"
    refuse(problems)
    claim(monitoring_return)
    existing = {a.planned_output_id: a for a in monitoring_return.output_actuals}
    for output_id, quantity in given.items():
        actual = existing.get(output_id)
        if quantity is None:
            if actual is not None:
                monitoring_return.output_actuals.remove(actual)
        elif actual is not None:
            actual.quantity = quantity
        else:
            monitoring_return.output_actuals.append(OutputActual(planned_output_id=output_id, quantity=quantity))
    mark_saved(actor, monitoring_return, OUTPUTS.key, complete, quantities={str(k): v for k, v in given.items()})


def save_reach(actor: User, monitoring_return: MonitoringReturn, new_participants: int | None,
               counts: dict[str, dict[str, int | None]], complete: bool) -> None:
    """New participants in the quarter, and the same people counted by age band, sex, area and
    cohort. Each breakdown must add up to the total ("not known" is always there to make it)."""
    check_editable(actor, monitoring_return)
    _quarterly_only(monitoring_return)
    problems: dict[str, str] = {}
    if new_participants is None:
        if complete:
            problems["new_participants"] = "Enter the number of new participants this quarter, like 20"
    elif not 0 <= new_participants <= MAX_COUNT:
        problems["new_participants"] = f"The number of new participants must be between 0 and {MAX_COUNT:,}"
    for dimension, given in counts.items():
        breakdown = reach.BY_DIMENSION.get(dimension)
        known = {code for code, _ in breakdown.categories} if breakdown else set()
        for category, count in given.items():
            if category not in known:
                problems.setdefault(_first_field(breakdown), "Count participants in the categories shown")
            elif count is not None and not 0 <= count <= MAX_COUNT:
                problems[f"{dimension}__{category}"] = f"Each count must be between 0 and {MAX_COUNT:,}"
    # Blank categories count as none when the section is completed: "not known" is for the unknown.
    filled = {b.dimension: {code: (counts.get(b.dimension, {}).get(code) or 0) if complete
                            else counts.get(b.dimension, {}).get(code) for code, _ in b.categories}
              for b in reach.BREAKDOWNS}
    if complete and not problems and new_participants is not None:
        for dimension, message in reach.breakdown_errors(new_participants, filled).items():  # type: ignore[arg-type]
            problems[_first_field(reach.BY_DIMENSION[dimension])] = message
    refuse(problems)
    claim(monitoring_return)
    monitoring_return.new_participants = new_participants
    existing = {(c.dimension, c.category): c for c in monitoring_return.reach_counts}
    for dimension, given in filled.items():
        for category, count in given.items():
            row = existing.get((dimension, category))
            if count is None:
                if row is not None:
                    monitoring_return.reach_counts.remove(row)
            elif row is not None:
                row.count = count
            else:
                monitoring_return.reach_counts.append(ReachCount(dimension=dimension, category=category, count=count))
    mark_saved(actor, monitoring_return, REACH.key, complete, new_participants=new_participants, counts=filled)


def _first_field(breakdown: reach.Breakdown | None) -> str:
    breakdown = breakdown or reach.BREAKDOWNS[0]
    return f"{breakdown.dimension}__{breakdown.categories[0][0]}"


def save_outcomes(actor: User, monitoring_return: MonitoringReturn, results: list[OutcomeResult],
                  complete: bool) -> None:
    """The result so far against each planned outcome indicator."""
    check_editable(actor, monitoring_return)
    planned = {o.id: o for o in monitoring_return.grant.application.outcomes}
    given: dict[int, OutcomeResult] = {}
    problems: dict[str, str] = {}
    for index, answer in enumerate(results):
        outcome = planned.get(answer.planned_outcome_id)
        if outcome is None or outcome.id in given:
            problems[f"rows-{index}-result"] = NOT_THIS_GRANTS.format(thing="outcome")
            continue
        answer = OutcomeResult(outcome.id, (answer.result or "").strip(), (answer.note or "").strip())
        given[outcome.id] = answer
        if not answer.result and complete:
            problems[f"rows-{index}-result"] = f"Enter the result so far for {outcome.indicator}"
        elif len(answer.result) > 200:
            problems[f"rows-{index}-result"] = f"The result for {outcome.indicator} must be 200 characters or fewer"
        else:
            check_text(problems, f"rows-{index}-result", "result", answer.result)
        check_text(problems, f"rows-{index}-note", "note", answer.note)
    if complete and not problems and set(given) != set(planned):
        problems["rows-0-result"] = "Enter a result for every planned outcome. Reload the page to see them all"
    refuse(problems)
    claim(monitoring_return)
    existing = {a.planned_outcome_id: a for a in monitoring_return.outcome_actuals}
    for outcome_id, answer in given.items():
        actual = existing.get(outcome_id)
        if not answer.result and not answer.note:
            if actual is not None:
                monitoring_return.outcome_actuals.remove(actual)
        elif actual is not None:
            actual.result, actual.note = answer.result, answer.note
        else:
            monitoring_return.outcome_actuals.append(OutcomeActual(planned_outcome_id=outcome_id, result=answer.result,
                                                                   note=answer.note))
    mark_saved(actor, monitoring_return, OUTCOMES.key, complete, results={str(k): v.result for k, v in given.items()})


def save_spend(actor: User, monitoring_return: MonitoringReturn, figures: list[SpendFigure], complete: bool) -> None:
    """Spend to date on each budget line, explained when it is more than 10% off the profile."""
    check_editable(actor, monitoring_return)
    lines = {line.id: line for line in monitoring_return.grant.application.budget_lines}
    given: dict[int, SpendFigure] = {}
    problems: dict[str, str] = {}
    for index, figure in enumerate(figures):
        line = lines.get(figure.budget_line_id)
        if line is None or line.id in given:
            problems[f"rows-{index}-spent"] = NOT_THIS_GRANTS.format(thing="budget line")
            continue
        figure = SpendFigure(line.id, figure.spent_pence, (figure.explanation or "").strip())
        given[line.id] = figure
        if figure.spent_pence is None:
            if complete:
                problems[f"rows-{index}-spent"] = f"Enter the amount spent to date on {line.description}, like 1500"
        elif not 0 <= figure.spent_pence <= MAX_SPEND_PENCE:
            problems[f"rows-{index}-spent"] = f"The amount spent on {line.description} must be £0 or more"
        elif complete:
            problem = spend_problem(line, figure.spent_pence, line_profile(monitoring_return, line),
                                    figure.explanation)
            if problem:
                problems[f"rows-{index}-explanation"] = problem
        if f"rows-{index}-explanation" not in problems:
            check_text(problems, f"rows-{index}-explanation", "explanation", figure.explanation)
    if complete and not problems and set(given) != set(lines):
        problems["rows-0-spent"] = "Enter the spend on every budget line. Reload the page to see them all"
    refuse(problems)
    claim(monitoring_return)
    existing = {s.budget_line_id: s for s in monitoring_return.spend_lines}
    for line_id, figure in given.items():
        row = existing.get(line_id)
        if figure.spent_pence is None:
            if row is not None:
                monitoring_return.spend_lines.remove(row)
            continue
        if row is None:
            row = SpendLine(budget_line_id=line_id, spent_pence=0, profile_pence=0)
            monitoring_return.spend_lines.append(row)
        row.spent_pence = figure.spent_pence
        row.profile_pence = line_profile(monitoring_return, lines[line_id])
        row.explanation = figure.explanation
    mark_saved(actor, monitoring_return, SPEND.key, complete,
           spent={str(k): v.spent_pence for k, v in given.items()})


NARRATIVE_LABELS = {"progress": "progress update", "challenges": "challenges", "case_study": "case study"}


def save_narrative(actor: User, monitoring_return: MonitoringReturn, narrative: Narrative, complete: bool) -> None:
    """Progress, challenges, an anonymised case study, safeguarding incidents and the RAG rating."""
    check_editable(actor, monitoring_return)
    texts = {name: (getattr(narrative, name) or "").strip() for name in NARRATIVE_LABELS}
    problems: dict[str, str] = {}
    required = {"progress": "Enter the progress made this period", "challenges": "Enter the challenges you faced, "
                "or say there were none", "case_study": "Enter an anonymised case study"}
    for name, label in NARRATIVE_LABELS.items():
        if not texts[name] and complete:
            problems[name] = required[name]
        else:
            check_text(problems, name, label, texts[name])
    incidents = narrative.safeguarding_incidents
    if incidents is None:
        if complete:
            problems["safeguarding_incidents"] = "Enter the number of safeguarding incidents, or 0 if there were none"
    elif not 0 <= incidents <= MAX_COUNT:
        problems["safeguarding_incidents"] = f"Safeguarding incidents must be between 0 and {MAX_COUNT:,}"
    if narrative.rag is None:
        if complete:
            problems["rag"] = "Select green, amber or red"
    elif narrative.rag not in {r.value for r in Rag}:
        problems["rag"] = "Select green, amber or red"
    refuse(problems)
    claim(monitoring_return)
    monitoring_return.progress = texts["progress"] or None
    monitoring_return.challenges = texts["challenges"] or None
    monitoring_return.case_study = texts["case_study"] or None
    monitoring_return.safeguarding_incidents = incidents
    monitoring_return.rag = narrative.rag
    mark_saved(actor, monitoring_return, "narrative", complete, safeguarding_incidents=incidents, rag=narrative.rag)
