"""The funding return's cost must not grow with the fund: a fund of thousands of grants is built
from the same few queries as a fund of none, with no query a grant and no batch of a few hundred."""

from __future__ import annotations

from flask import Flask

from ..helpers import counted_queries
from .test_funding_return import Example, example, funding  # noqa: F401 - the worked example, as a fixture


def test_the_return_takes_as_many_queries_for_five_grants_as_for_none(app: Flask, example: Example) -> None:  # noqa: F811
    with counted_queries(app) as none:
        before_any = funding(app, "2023-24")
    with counted_queries(app) as five:
        whole_year = funding(app, "2025-26")

    assert (len(before_any.grants), len(whole_year.grants)) == (0, 5)
    # Paid, withdrawn, closed and not yet offered grants, in three priorities and two areas.
    assert {row.status for row in whole_year.grants} == {"Active", "Withdrawn", "Closed",
                                                         "Approved, offer not yet made"}
    assert len(none) == len(five), five
