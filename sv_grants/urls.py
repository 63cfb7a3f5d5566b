"""URL plumbing shared by every package: bounded ids in routes, and safe places to go back to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

# The largest id a database integer column holds. Werkzeug's int converter accepts any number of
# digits, and a bigger id makes SQLite and PostgreSQL raise instead of finding nothing.
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def address_of(endpoint: str, key: str) -> Callable[[int], str]:
    """``url_for(endpoint, key=id)`` for the hundreds of rows of one list: the address is built once
    and each row's id put in its place (building each one took a tenth of a panel page's time)."""
    marker = MAX_ID
    head, tail = url_for(endpoint, **{key: marker}).split(str(marker))
    return lambda value: f"{head}{int(value)}{tail}"


def init_app(app: Flask) -> None:
    """Every ``<int:…>`` in a route is bounded, so an absurd id is a 404 like any unknown one."""
    app.url_map.converters["int"] = BoundedIntegerConverter


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an absolute URL, a scheme-relative one, or one that a browser
    would turn into either by dropping tabs and newlines or reading a backslash as a slash."""
    if not target or not target.startswith("/") or "\\" in target:
        return None
    if any(character.isspace() or not character.isprintable() for character in target):
        return None
    if "//" in target:  # "//host" leaves the site; a doubled slash anywhere else is never needed
        return None
    return target
