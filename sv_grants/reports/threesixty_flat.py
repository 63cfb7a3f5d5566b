"""360Giving grants flattened to one spreadsheet row each, with the column headings 360Giving's own
templates use: the schema's property titles joined with ":" ("Recipient Org:Identifier").

The headings are read from the "title" of each property in the standard's schema (shipped in
``sv_grants/data``), so they follow the standard rather than a list typed out here. A grant has one
recipient, one funder, one programme and one set of planned dates, and the templates give those a
single set of columns ("Funding Org:Name"); lists that may hold several items are numbered from 0
("Beneficiary Location:0:Name", "Beneficiary Location:1:Name").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

# Arrays the templates roll up into one set of un-numbered columns.
ONE_PER_GRANT = frozenset({"recipientOrganization", "fundingOrganization", "grantProgramme", "plannedDates"})

Cell = str | int | float | bool


@cache
def grant_schema() -> dict[str, Any]:
    """The 360Giving grant schema, read on first use rather than at import."""
    text = resources.files("sv_grants").joinpath("data/360-giving-schema.json").read_text("utf-8")
    return json.loads(text)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its local "$ref" (``#/$defs/…``) followed."""
    reference = node.get("$ref")
    if reference is None:
        return node
    target: Any = grant_schema()
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    return target


def title_of(key: str, node: dict[str, Any]) -> str:
    """The property's title in the schema. A few properties ("currency") have none; the templates
    then head the column with the name itself, capitalised."""
    return node.get("title") or resolve(node).get("title") or key[:1].upper() + key[1:]


def properties_of(node: dict[str, Any]) -> dict[str, Any]:
    return resolve(node).get("properties", {})


def _cells(value: dict[str, Any], node: dict[str, Any], heading: tuple[str, ...],
           order: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], str, Cell]]:
    """(sort key, heading, value) for every leaf of ``value``. The sort key is each property's
    position in the schema, so columns come out in the standard's order whatever the data holds."""
    properties = properties_of(node)
    positions = {key: n for n, key in enumerate(properties)}
    for key, item in value.items():
        if key not in properties:
            raise KeyError(f"{key!r} is not a property in the 360Giving schema")
        child = properties[key]
        title = title_of(key, child)
        place = (*order, positions[key])
        if isinstance(item, list):
            members = resolve(child)["items"]
            numbered = not (key in ONE_PER_GRANT and len(item) == 1)
            for index, member in enumerate(item):
                label = (*heading, title, str(index)) if numbered else (*heading, title)
                yield from _cells(member, members, label, (*place, index))
        elif isinstance(item, dict):
            yield from _cells(item, child, (*heading, title), place)
        else:
            yield place, ":".join((*heading, title)), item


def flatten(grants: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Cell]]]:
    """The column headings (in the schema's order) and one row per grant, keyed by heading."""
    places: dict[str, tuple[int, ...]] = {}
    rows = []
    for grant in grants:
        row = {}
        for place, heading, value in _cells(grant, grant_schema(), (), ()):
            places.setdefault(heading, place)
            row[heading] = value
        rows.append(row)
    return sorted(places, key=places.__getitem__), rows
