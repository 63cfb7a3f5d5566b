"""Small-number suppression (``reports/suppression.py``) and how the impact return applies it.

A count from 1 to 4 is shown as "fewer than 5". Where parts are published with their total, more
must be hidden: a group with one hidden member gives it away (the total less the others), and
hidden parts that add up to 1 to 4 give a small number away as the total less the parts shown.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import UTC, date, datetime
from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sv_grants.reports.data import ALL, ImpactReturn, OutputProgress, PriorityImpact
from sv_grants.reports.document import SUPPRESSED, Count, cell_text
from sv_grants.reports.impact_layout import impact_report, impact_suppression
from sv_grants.reports.periods import Period
from sv_grants.reports.suppression import Group, suppress


def test_nothing_is_hidden_when_no_count_is_small() -> None:
    values = {"a": 5, "b": 12, "c": 0, "total": 17}
    assert suppress(values, [Group(("a", "b", "c"), "total")]) == frozenset()


def test_every_count_from_1_to_4_is_hidden_and_nothing_else_without_totals() -> None:
    values = {n: n for n in range(8)}
    assert suppress(values) == {1, 2, 3, 4}


def test_a_small_cell_beside_its_total_takes_the_next_smallest_cell_with_it() -> None:
    # Shown alone, 3 would be 19 - 7 - 9.
    values = {"a": 3, "b": 9, "c": 7, "total": 19}
    assert suppress(values, [Group(("a", "b", "c"), "total")]) == {"a", "c"}


def test_a_zero_is_no_cover_for_a_small_cell() -> None:
    # Hiding the 0 with the 3 would leave them adding up to 15 - 12 = 3: the 12 must go instead.
    values = {"a": 3, "b": 0, "c": 12, "total": 15}
    assert suppress(values, [Group(("a", "b", "c"), "total")]) == {"a", "c"}


def test_two_small_cells_adding_up_to_a_small_number_are_covered_by_a_third() -> None:
    # 1 and 2 hidden together still give away 23 - 20 = 3 people.
    values = {"a": 1, "b": 2, "c": 20, "total": 23}
    assert suppress(values, [Group(("a", "b", "c"), "total")]) == {"a", "b", "c"}


def test_two_small_cells_adding_up_to_5_or_more_cover_each_other() -> None:
    values = {"a": 2, "b": 4, "c": 20, "total": 26}
    assert suppress(values, [Group(("a", "b", "c"), "total")]) == {"a", "b"}


def grid_groups(rows: int, columns: int) -> list[Group]:
    """A table of cells (r, c) with row totals ("row", r), column totals ("column", c) and a grand
    total, as the impact return lays a breakdown out."""
    groups = [Group(tuple((r, c) for c in range(columns)), ("row", r)) for r in range(rows)]
    groups += [Group(tuple((r, c) for r in range(rows)), ("column", c)) for c in range(columns)]
    groups.append(Group(tuple(("column", c) for c in range(columns)), "all"))
    groups.append(Group(tuple(("row", r) for r in range(rows)), "all"))
    return groups


def grid_values(cells: list[list[int]]) -> dict[Hashable, int]:
    values: dict[Hashable, int] = {(r, c): n for r, row in enumerate(cells) for c, n in enumerate(row)}
    for r, row in enumerate(cells):
        values[("row", r)] = sum(row)
    for c in range(len(cells[0])):
        values[("column", c)] = sum(row[c] for row in cells)
    values["all"] = sum(map(sum, cells))
    return values


def test_a_total_that_would_give_a_hidden_cell_away_is_hidden_too() -> None:
    # Women and men in two priorities; only the first has anyone: 3 women and 9 men.
    #            female  male | total
    #   P1          3      9  |  12
    #   P2          0      0  |   0
    #   total       3      9  |  12
    # The 3 is hidden, so its row's 9 is too. The male column then has one hidden cell and no
    # other to hide, so its total (9, not small in itself) must go, or it would give the 9 and
    # with it the 3 away. The female total is 3, small in itself.
    values = grid_values([[3, 9], [0, 0]])
    hidden = suppress(values, grid_groups(2, 2))
    assert hidden == {(0, 0), (0, 1), ("column", 0), ("column", 1)}
    assert "all" not in hidden and ("row", 0) not in hidden


def test_the_2_by_2_rectangle_hides_a_small_cell_in_its_row_and_its_column() -> None:
    #            female  male | total
    #   P1          3      9  |  12
    #   P3          6      7  |  13
    values = grid_values([[3, 9], [6, 7]])
    assert suppress(values, grid_groups(2, 2)) == {(0, 0), (0, 1), (1, 0), (1, 1)}


# Every group, in every table --------------------------------------------------------------------


def check_suppressed(values: dict[Hashable, int], groups: list[Group], hidden: frozenset[Hashable]) -> None:
    assert {key for key, value in values.items() if 1 <= value <= 4} <= hidden, "a small count is shown"
    for group in groups:
        members = [*group.parts, group.total]
        hidden_members = [key for key in members if key in hidden]
        assert len(hidden_members) != 1, f"{hidden_members[0]} is its group's total less the rest: {group}"
        if group.total not in hidden:
            gap = sum(values[part] for part in group.parts if part in hidden)
            assert not 1 <= gap <= 4, f"the hidden parts of {group} add up to {gap}, which the total gives away"


# Counts like a breakdown of a quarter's participants: mostly small, some zero, a few large.
COUNTS = st.one_of(st.integers(0, 6), st.integers(0, 40))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 5).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(COUNTS, min_size=columns, max_size=columns), min_size=rows, max_size=rows))))
def test_suppression_of_any_table_with_totals_leaves_no_small_count_to_work_out(cells: list[list[int]]) -> None:
    values = grid_values(cells)
    groups = grid_groups(len(cells), len(cells[0]))
    check_suppressed(values, groups, suppress(values, groups))


# The impact return's own tables ------------------------------------------------------------------


def impact_return(reach: dict[str, dict[str, dict[str, int]]], participants: dict[str, int]) -> ImpactReturn:
    """A return for a quarter with the given new participants by priority, broken down by sex."""
    priorities = [PriorityImpact(code=code, title=title, interventions=6, participants=participants[code],
                                 participants_to_end=participants[code] + 20, paid_to_end_pence=1_000_000,
                                 outcomes_reported=0, reach=reach.get(code, {}))
                  for code, title in (("P1", "Early intervention"), ("P2", "Places"))]
    period = Period("2025-26-Q2", date(2025, 7, 1), date(2025, 9, 30))
    return ImpactReturn("Serious Violence Prevention Fund", "svpf", period, datetime(2025, 10, 6, tzinfo=UTC),
                        "Test", priorities, [], [], [], [])


def sex_table(data: ImpactReturn, suppressed: bool = True) -> list[list[str]]:
    table = impact_report(data, suppressed).table("reach_sex")
    return [[cell_text(cell) for cell in row] for row in [*table.rows, table.total]]


def test_the_impact_return_hides_a_column_total_that_would_give_a_3_away() -> None:
    # Only P1 reached anyone: 3 women and 9 men. Hiding the 3 hides the 9 beside it, and the 9
    # is then the "Male" total, so that must go too; the row totals (12 and 0) stay.
    data = impact_return({"P1": {"sex": {"female": 3, "male": 9, "another": 0, "not_known": 0}}}, {"P1": 12, "P2": 0})
    assert sex_table(data) == [
        ["P1 Early intervention", SUPPRESSED, SUPPRESSED, "0", "0", "12"],
        ["P2 Places", "0", "0", "0", "0", "0"],
        ["All priorities", SUPPRESSED, SUPPRESSED, "0", "0", "12"],
    ]
    assert sex_table(data, suppressed=False)[0][1:3] == ["3", "9"]
    hidden = impact_suppression(data)
    assert ("reach", "sex", ALL, "male") in hidden and ("participants", ALL) not in hidden


def test_cost_per_participant_is_hidden_only_when_the_count_it_divides_by_is() -> None:
    # P2 reached 3 new people this quarter (hidden) but 3 + 20 = 23 to date (shown): its cost,
    # 1,000,000 / 23 = 43,478.26 pence, gives nothing away and is shown.
    data = impact_return({"P1": {"sex": {"female": 6, "male": 7}}, "P2": {"sex": {"female": 3}}},
                         {"P1": 13, "P2": 3})
    rows = {row[0]: row for row in impact_report(data).table("by_priority").rows}
    assert rows["P2 Places"][2] == Count(3, hidden=True)
    assert [cell_text(cell) for cell in rows["P2 Places"][3:]] == ["23", "–", "£10,000.00", "£434.78"]
    # Reached 3 people to date: the cost, 1,000,000 / 3, would give the 3 away.
    data.priorities[1] = PriorityImpact("P2", "Places", 6, 0, 3, 1_000_000, 0, {})
    rows = {row[0]: row for row in impact_report(data).table("by_priority").rows}
    assert cell_text(rows["P2 Places"][3]) == SUPPRESSED and cell_text(rows["P2 Places"][6]) == SUPPRESSED


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(COUNTS, COUNTS, COUNTS, COUNTS), min_size=1, max_size=4))
def test_every_group_of_the_impact_return_is_safe_for_any_breakdown_by_sex(rows: list[tuple[int, ...]]) -> None:
    codes = [f"P{n}" for n in range(1, len(rows) + 1)]
    sexes = ("female", "male", "another", "not_known")
    priorities = [PriorityImpact(code, f"Priority {code}", 5, sum(row), sum(row), 0, 0,
                                 {"sex": dict(zip(sexes, row, strict=True))}) for code, row in zip(codes, rows,
                                                                                                   strict=True)]
    period = Period("2025-26-Q2", date(2025, 7, 1), date(2025, 9, 30))
    data = ImpactReturn("Fund", "fund", period, datetime(2025, 10, 6, tzinfo=UTC), "Test", priorities, [], [], [], [])
    hidden = impact_suppression(data)
    values: dict[Hashable, int] = {}
    for code, row in zip(codes, rows, strict=True):
        values[("participants", code)] = sum(row)
        values.update({("reach", "sex", code, sex): n for sex, n in zip(sexes, row, strict=True)})
    values[("participants", ALL)] = sum(map(sum, rows))
    values.update({("reach", "sex", ALL, sex): sum(row[i] for row in rows) for i, sex in enumerate(sexes)})
    groups = [Group(tuple(("reach", "sex", code, sex) for sex in sexes), ("participants", code))
              for code in [*codes, ALL]]
    groups += [Group(tuple(("reach", "sex", code, sex) for code in codes), ("reach", "sex", ALL, sex))
               for sex in sexes]
    groups.append(Group(tuple(("participants", code) for code in codes), ("participants", ALL)))
    check_suppressed(values, groups, hidden)
    # And what the reader sees agrees: a hidden count reads "fewer than 5" and nothing else does.
    table = impact_report(data).table("reach_sex")
    for code, row in zip(codes, table.rows, strict=True):
        for sex, cell in zip(sexes, row[1:5], strict=True):
            assert (cell_text(cell) == SUPPRESSED) == (("reach", "sex", code, sex) in hidden)


def test_a_percentage_of_a_hidden_output_is_hidden_with_it() -> None:
    data = impact_return({}, {"P1": 0, "P2": 0})
    data.outputs = [OutputProgress(1, "P1", "Eastside Youth Trust", "Sessions", "sessions", 40, 3, 3),
                    OutputProgress(2, "P1", "Northfield Families Project", "Sessions", "sessions", 30, 9, 9)]
    report = impact_report(data)
    outputs = [[cell_text(cell) for cell in row] for row in report.table("outputs").rows]
    assert outputs[0][4:] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]  # 3 of 40 would be 8%
    assert outputs[1][4:] == ["9", "9", "30%"]
    # The average over P1's outputs would give the hidden one away too.
    rows = {row[0]: row for row in report.table("by_priority").rows}
    assert cell_text(rows["P1 Early intervention"][4]) == SUPPRESSED
    assert data.average_achieved("P1") == (Fraction(3, 40) + Fraction(9, 30)) / 2


# Working a hidden count out from several totals at once -------------------------------------------


def test_a_small_count_cannot_be_worked_out_by_combining_totals() -> None:
    # P1 reached 6 people: one aged 10 to 14, one 15 to 17 and four 18 to 24. P2 reached 2 and P3
    # 3, all aged 15 to 17. Each group of the age table passes the rules above, yet a reader can
    # work P1's one 15-to-17-year-old out: P2's and P3's rows are all zero but for 15 to 17, so
    # those two hidden cells are their hidden totals, which add up to 11 - 6 - 0 = 5 (all
    # participants less P1's and P4's); the 15-to-17 column adds up to 6, leaving 6 - 5 = 1 for P1.
    def priority(code: str, title: str, ages: dict[str, int]) -> PriorityImpact:
        total = sum(ages.values())
        return PriorityImpact(code, title, 6, total, total, 0, 0, {
            "age_band": ages, "sex": {"not_known": total}, "area": {"not_known": total},
            "cohort": {"not_known": total}})

    data = impact_return({}, {"P1": 0, "P2": 0})
    data.priorities = [priority("P1", "Early intervention", {"10_14": 1, "15_17": 1, "18_24": 4}),
                       priority("P2", "Places", {"15_17": 2}), priority("P3", "Weapons", {"15_17": 3}),
                       priority("P4", "Communities", {})]
    table = impact_report(data).table("reach_age_band")
    rows = {row[0]: [cell_text(cell) for cell in row[1:]] for row in [*table.rows, table.total]}
    assert rows["P1 Early intervention"][2] == SUPPRESSED
    fifteen_to_seventeen = 2  # the column of the age bands "Under 10", "10 to 14", "15 to 17", ...
    used = [rows["All priorities"][fifteen_to_seventeen], rows["All priorities"][-1],
            rows["P1 Early intervention"][-1], rows["P4 Communities"][-1],
            *(cell for name in ("P2 Places", "P3 Weapons") for n, cell in enumerate(rows[name][:-1])
              if n != fifteen_to_seventeen)]
    assert SUPPRESSED in used, "P1's count of 1 can be worked out from the figures shown"


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(row) for row in rows]
    rank = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i, row in enumerate(rows):
            if i != rank and row[column]:
                factor = row[column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(row, rows[rank], strict=True)]
        rank += 1
    return rank


def worked_out(values: dict[Hashable, int], groups: list[Group], hidden: frozenset[Hashable]) -> list[Hashable]:
    """The hidden small counts a reader can work out exactly by adding and subtracting the figures
    shown: each group says its hidden parts less its hidden total make a known number, and a count
    is given away when it is a combination of those equations."""
    unknowns = sorted(hidden, key=repr)
    position = {key: n for n, key in enumerate(unknowns)}
    equations = []
    for group in groups:
        equation = [Fraction(0)] * len(unknowns)
        for part in group.parts:
            if part in position:
                equation[position[part]] += 1
        if group.total in position:
            equation[position[group.total]] -= 1
        if any(equation):
            equations.append(equation)
    known = _rank(equations)
    given_away = []
    for key in unknowns:
        if 1 <= values[key] <= 4:
            alone = [Fraction(int(n == position[key])) for n in range(len(unknowns))]
            if _rank([*equations, alone]) == known:
                given_away.append(key)
    return given_away


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(cells=[[0, 1, 1, 4], [0, 2, 0, 0], [0, 3, 0, 0]])  # the age table's pattern, in the second column
# The 1 at the bottom left: everything beside it is hidden or zero, yet the grand total and the other
# rows and columns gave it away until a figure further off was hidden too.
@example(cells=[[0, 2, 0], [1, 0, 4], [1, 3, 0]])
@given(st.integers(1, 5).flatmap(lambda rows: st.integers(1, 5).flatmap(
    lambda columns: st.lists(st.lists(COUNTS, min_size=columns, max_size=columns), min_size=rows, max_size=rows))))
def test_no_hidden_small_count_in_any_table_can_be_worked_out_from_the_figures_shown(cells: list[list[int]]) -> None:
    values = grid_values(cells)
    groups = grid_groups(len(cells), len(cells[0]))
    assert worked_out(values, groups, suppress(values, groups)) == []
