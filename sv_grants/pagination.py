"""Long lists a page at a time: the page a URL asks for, brought within range, and the parameters
of GOV.UK's pagination component."""

from __future__ import annotations

from typing import Any

from flask import request, url_for


def page_count(total: int, page_size: int) -> int:
    return max((total + page_size - 1) // page_size, 1)


def requested_page(pages: int, param: str = "page") -> int:
    """The ``?page=`` asked for, within 1..pages: junk is page 1, a huge number the last page.
    ``param`` names another parameter, for a page with two lists each paged on its own."""
    return min(max(request.args.get(param, 1, type=int) or 1, 1), pages)


def pagination(endpoint: str, page: int, pages: int, label: str, param: str = "page",
               **values: Any) -> dict[str, Any]:
    """The first, last, current and neighbouring pages, with gaps shown as ellipses. ``values`` go
    into every link: a search, or where the page's other list is up to."""
    def href(number: int) -> str:
        return url_for(endpoint, **{param: number}, **values)

    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number - items[-1].get("number", 0) > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == page})
    params: dict[str, Any] = {"items": items, "landmarkLabel": label}
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params
