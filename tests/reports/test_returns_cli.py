"""``flask returns funding|impact`` for scheduled jobs: each format writes a real file of its kind,
a fund or period that does not exist stops the command with status 2, a message naming the problem
and no file, and every file written is audited."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from sv_grants.audit.models import AuditEvent
from sv_grants.extensions import db
from sv_grants.funds.models import Fund

from ..grants.factories import Funded
from .test_returns_pages import FUND, FUND_NAME, REFERENCE, reported_grant


@pytest.fixture
def grant(app: Flask, make_user: Any) -> Funded:
    return reported_grant(app, make_user)


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["returns", *args])


def generated(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.generated")
                                   .order_by(AuditEvent.id)).all()
        db.session.expunge_all()
        return list(found)


@pytest.mark.parametrize("kind", ["funding", "impact"])
def test_a_pdf_is_written_by_default(app: Flask, grant: Funded, tmp_path: Path, kind: str) -> None:
    output = tmp_path / f"{kind}.pdf"

    result = run(app, kind, "--fund", FUND, "--period", "2025-26-Q1", "--output", str(output))

    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF-")
    assert output.stat().st_size > 1000
    title = "funding return" if kind == "funding" else "impact return"
    assert result.output.strip() == (f"Wrote the {title} of {FUND_NAME} for 2025/26 quarter 1 (1 April 2025 to "
                                     f"30 June 2025) to {output}.")


def test_the_html_file_stands_alone_with_its_title_and_figures(app: Flask, grant: Funded, tmp_path: Path) -> None:
    output = tmp_path / "funding.html"

    result = run(app, "funding", "--fund", FUND, "--period", "2025-26", "--format", "html", "--output", str(output))

    assert result.exit_code == 0, result.output
    text = output.read_text("utf-8")
    assert text.lstrip().startswith("<!DOCTYPE html>")
    assert "<title>" in text and "Funding return" in text.split("</title>")[0]
    assert "<h1>Funding return</h1>" in text
    assert REFERENCE in text and "£10,000.00" in text
    assert "Scheduled job (command line)" in text  # who produced it, as the page would say


def test_the_csv_file_starts_with_the_byte_order_mark(app: Flask, grant: Funded, tmp_path: Path) -> None:
    output = tmp_path / "funding.csv"

    result = run(app, "funding", "--fund", FUND, "--period", "to-date", "--format", "csv", "--output", str(output))

    assert result.exit_code == 0, result.output
    content = output.read_bytes()
    assert content.startswith("\ufeff".encode())
    assert REFERENCE in content.decode("utf-8-sig")


def test_the_xlsx_file_opens_as_a_workbook(app: Flask, grant: Funded, tmp_path: Path) -> None:
    output = tmp_path / "impact.xlsx"

    result = run(app, "impact", "--fund", FUND, "--period", "2025-26", "--format", "xlsx", "--output", str(output))

    assert result.exit_code == 0, result.output
    workbook = load_workbook(io.BytesIO(output.read_bytes()), read_only=True)
    try:
        cells = [str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                 for value in row if value is not None]
    finally:
        workbook.close()
    assert "Impact return" in " ".join(cells)
    assert FUND_NAME in " ".join(cells)


def test_each_file_written_is_audited(app: Flask, grant: Funded, tmp_path: Path) -> None:
    output = tmp_path / "impact-q1.csv"

    run(app, "impact", "--fund", FUND, "--period", "2025-26-Q1", "--format", "csv", "--output", str(output))

    [event] = generated(app)
    with app.app_context():
        fund_id = db.session.scalar(select(Fund.id).where(Fund.slug == FUND))
    assert (event.actor_id, event.subject_type, event.subject_id) == (None, "funds", str(fund_id))
    assert event.details == {"kind": "impact", "period": "2025-26-Q1", "format": "csv", "via": "command line",
                             "output": "impact-q1.csv"}


@pytest.mark.parametrize(("args", "problem"), [
    (["--fund", "no-such-fund", "--period", "2025-26"],
     f"there is no fund with the slug 'no-such-fund'. Funds: {FUND}."),
    (["--fund", FUND, "--period", "2024-26"],
     "'2024-26' is not a period: use a financial year such as 2024-25, a quarter such as 2024-25-Q3, or to-date"),
    (["--fund", FUND, "--period", "2025-26-Q5"], "'2025-26-Q5' is not a period"),
    (["--fund", FUND, "--period", "0000-01"], "'0000-01' is outside the years a return can cover"),
])
def test_an_unknown_fund_or_period_stops_with_status_2_and_writes_nothing(
        app: Flask, grant: Funded, tmp_path: Path, args: list[str], problem: str) -> None:
    output = tmp_path / "return.pdf"

    result = run(app, "funding", *args, "--output", str(output))

    assert result.exit_code == 2
    option = "--fund" if "fund with" in problem else "--period"
    assert f"Invalid value for {option}" in result.output
    assert problem in " ".join(result.output.split())
    assert not output.exists()
    assert generated(app) == []


@pytest.mark.parametrize("args", [["payments", "--fund", FUND], ["funding", "--fund", FUND, "--format", "docx"]])
def test_an_unknown_return_or_format_is_refused_before_anything_is_made(
        app: Flask, grant: Funded, tmp_path: Path, args: list[str]) -> None:
    output = tmp_path / "return.out"

    result = app.test_cli_runner().invoke(args=["returns", *args, "--output", str(output)])

    assert result.exit_code == 2
    assert "Invalid value" in result.output
    assert not output.exists()
    assert generated(app) == []
