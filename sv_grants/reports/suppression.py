"""Small-number suppression for published counts about people.

Any count from 1 to 4 is hidden ("fewer than 5"). Hiding one cell is not enough where a total is
shown beside its parts: the hidden cell would be the total less the others. So for every group of
parts with their total, no group may have exactly one hidden member, and hidden parts must not add
up to a small number that the total would reveal; another cell (the smallest non-zero one) is hidden
until that holds.

Those rules look at one group at a time, and a table's rows and columns together can still pin a
hidden cell down (two hidden row totals whose sum a column gives away, say). So the groups are then
read as equations in the hidden cells, solved exactly, and while any small count can be worked out,
one more cell next to it is hidden. Hidden cells only ever grow, so both loops end.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction


def is_small(value: int) -> bool:
    return 1 <= value <= 4


@dataclass(frozen=True)
class Group:
    parts: tuple[Hashable, ...]
    total: Hashable

    @property
    def members(self) -> tuple[Hashable, ...]:
        return (*self.parts, self.total)


def suppress(values: Mapping[Hashable, int], groups: Iterable[Group] = ()) -> frozenset[Hashable]:
    """The keys of ``values`` to show as "fewer than 5"."""
    groups = list(groups)
    hidden = {key for key, value in values.items() if is_small(value)}
    while True:
        _protect_groups(values, hidden, groups)
        exposed = [key for key in _solvable(values, hidden, groups) if is_small(values[key])]
        if not exposed:
            return frozenset(hidden)
        extra = _cover_for(values, hidden, groups, exposed[0])
        if extra is None:  # every non-zero figure in the table is hidden already
            return frozenset(hidden)
        hidden.add(extra)


def _protect_groups(values: Mapping[Hashable, int], hidden: set[Hashable], groups: list[Group]) -> None:
    changed = True
    while changed:
        changed = False
        for group in groups:
            if _needs_more(values, hidden, group):
                extra = _next_to_hide(values, hidden, group)
                if extra is not None:
                    hidden.add(extra)
                    changed = True


def _needs_more(values: Mapping[Hashable, int], hidden: set[Hashable], group: Group) -> bool:
    hidden_parts = [part for part in group.parts if part in hidden]
    if group.total in hidden:
        return not hidden_parts and values[group.total] > 0  # the parts would add up to it
    if not hidden_parts:
        return False
    return len(hidden_parts) == 1 or is_small(sum(values[part] for part in hidden_parts))


def _next_to_hide(values: Mapping[Hashable, int], hidden: set[Hashable], group: Group) -> Hashable | None:
    candidates = [part for part in group.parts if part not in hidden and values[part] > 0]
    if candidates:
        return min(candidates, key=lambda part: values[part])
    return None if group.total in hidden else group.total


def _solvable(values: Mapping[Hashable, int], hidden: set[Hashable], groups: list[Group]) -> list[Hashable]:
    """The hidden cells whose value follows from the figures shown: the hidden parts less a hidden total are
    known for every group, and a cell is pinned down when that system of equations fixes it alone, at
    its true value. (Where the figures do not add up, a sum can point at a wrong number, which gives
    nothing away.)"""
    # Cells in no group (a lone output count, say) take part in no equation.
    grouped = {key for group in groups for key in group.members}
    unknowns = sorted(hidden & grouped, key=repr)
    index = {key: i for i, key in enumerate(unknowns)}
    width = len(unknowns)
    rows: list[list[Fraction]] = []
    for group in groups:
        row = [Fraction(0)] * (width + 1)  # the last column: what the shown figures make it
        for part in group.parts:
            if part in index:
                row[index[part]] += 1
            else:
                row[width] -= values[part]
        if group.total in index:
            row[index[group.total]] -= 1
        else:
            row[width] += values[group.total]
        if any(row[:width]):
            rows.append(row)
    pivots = _reduce(rows, width)
    solved = []
    for row, column in pivots:
        # The row reads x = known only if nothing else in it is free to vary.
        if all(value == 0 for i, value in enumerate(row[:width]) if i != column) and \
                row[width] == values[unknowns[column]]:
            solved.append(unknowns[column])
    return solved


def _reduce(rows: list[list[Fraction]], width: int) -> list[tuple[list[Fraction], int]]:
    """Reduced row echelon form, exactly: each non-zero row with its pivot column."""
    pivots: list[tuple[list[Fraction], int]] = []
    rows = [list(row) for row in rows]
    top = 0
    for column in range(width):
        pick = next((r for r in range(top, len(rows)) if rows[r][column] != 0), None)
        if pick is None:
            continue
        rows[top], rows[pick] = rows[pick], rows[top]
        lead = rows[top][column]
        rows[top] = [value / lead for value in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][column] != 0:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append((rows[top], column))
        top += 1
    return [(rows[i], column) for i, (_, column) in enumerate(pivots)]


def _cover_for(values: Mapping[Hashable, int], hidden: set[Hashable], groups: list[Group],
               exposed: Hashable) -> Hashable | None:
    """The next figure to hide so that ``exposed`` can no longer be worked out: the smallest non-zero
    figure still shown in a group with it, else a shown total of those groups, else the smallest
    figure shown anywhere in the table. The wider choices matter when everything
    beside a small count is hidden or zero and figures further off still give it away: a 1 in a
    3-by-3 table can follow from the grand total and two other rows and columns."""
    near = [group for group in groups if exposed in group.members]
    candidates = [key for group in near for key in group.parts if key not in hidden and values[key] > 0]
    if candidates:
        return min(candidates, key=lambda key: (values[key], repr(key)))
    totals = [group.total for group in near if group.total not in hidden]
    if totals:
        return min(totals, key=lambda key: (values[key], repr(key)))
    # A shown zero gives nothing away that hiding it would protect, so only non-zero figures.
    shown = {key for group in groups for key in group.members if key not in hidden and values[key] > 0}
    return min(shown, key=lambda key: (values[key], repr(key))) if shown else None
