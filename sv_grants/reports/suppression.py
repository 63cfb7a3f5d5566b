"""Small-number suppression for published counts about people.

Any count from 1 to 4 is hidden ("fewer than 5"). Hiding one cell is not enough where a total is
shown beside its parts: the hidden cell would be the total less the others. So for every group of
parts with their total, no group may have exactly one hidden member, and hidden parts must not add
up to a small number that the total would reveal; another cell (the smallest non-zero one) is hidden
until that holds. Hidden cells only ever grow, so the loop ends.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass


def is_small(value: int) -> bool:
    return 1 <= value <= 4


@dataclass(frozen=True)
class Group:
    parts: tuple[Hashable, ...]
    total: Hashable


def suppress(values: Mapping[Hashable, int], groups: Iterable[Group] = ()) -> frozenset[Hashable]:
    """The keys of ``values`` to show as "fewer than 5"."""
    groups = list(groups)
    hidden = {key for key, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for group in groups:
            if _needs_more(values, hidden, group):
                extra = _next_to_hide(values, hidden, group)
                if extra is not None:
                    hidden.add(extra)
                    changed = True
    return frozenset(hidden)


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
