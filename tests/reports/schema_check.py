"""Checking data against the 360Giving schema copied into ``schema_360giving/``, offline, and reading
the 360Giving spreadsheet back into JSON by the same column titles the export writes."""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from sv_grants.reports.threesixty_flat import grant_schema, properties_of, resolve, title_of

SCHEMA_DIR = Path(__file__).parent / "schema_360giving"


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / name).read_text("utf-8"))


@cache
def package_validator() -> Draft202012Validator:
    """The package schema, its grants' "$ref" (an absolute URL) answered by the local grant schema,
    with "date-time" and "uri" formats checked: the schema's dates are a oneOf of a date-time format
    and a date pattern, which only holds together when formats are checked."""
    package_schema, grant_schema = _load("360-giving-package-schema.json"), _load("360-giving-schema.json")
    grant = DRAFT202012.create_resource(grant_schema)
    registry = Registry().with_resources([(package_schema["properties"]["grants"]["items"]["$ref"], grant),
                                          (grant_schema["$id"], grant)])
    checker = Draft202012Validator.FORMAT_CHECKER
    assert {"date-time", "uri"} <= set(checker.checkers), "install the test extra: formats would go unchecked"
    return Draft202012Validator(package_schema, registry=registry, format_checker=checker)


def schema_errors(data: dict[str, Any]) -> list[str]:
    """Every way ``data`` breaks the package schema, as "path: message"."""
    return [f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
            for error in package_validator().iter_errors(data)]


def _put(grant: dict[str, Any], heading: str, value: Any) -> None:
    """Set the value a column heading names: titles are matched to the schema's properties, a number
    picks an item of a list, and a list's title without a number means its first item."""
    parts = heading.split(":")
    container: dict[str, Any] = grant
    node = grant_schema()
    while parts:
        properties = properties_of(node)
        key = next(key for key, child in properties.items() if title_of(key, child) == parts[0])
        parts.pop(0)
        child = resolve(properties[key])
        if child.get("type") == "array":
            index = int(parts.pop(0)) if parts[0].isdigit() else 0
            items = container.setdefault(key, [])
            items.extend({} for _ in range(index + 1 - len(items)))
            container, node = items[index], child["items"]
        elif not parts:
            container[key] = value
        else:
            container, node = container.setdefault(key, {}), child


def sheet_to_grants(content: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """The headings of the "grants" sheet, and each row read back as a 360Giving grant."""
    sheet = load_workbook(io.BytesIO(content), read_only=True)["grants"]
    rows = list(sheet.iter_rows(values_only=True))
    headings = [str(heading) for heading in rows[0]]
    grants = []
    for row in rows[1:]:
        grant: dict[str, Any] = {}
        for heading, value in zip(headings, row, strict=True):
            if value is not None:
                _put(grant, heading, value)
        grants.append(grant)
    return headings, grants
