"""``flask returns funding|impact``: a return written to a file, for scheduled jobs."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..audit.services import record
from ..dates import clock
from ..extensions import db
from ..funds.models import Fund
from . import services
from .periods import UnknownPeriod, parse_period

GENERATED_BY = "Scheduled job (command line)"


@click.command("returns")
@click.argument("kind", type=click.Choice(list(services.KINDS)))
@click.option("--fund", "slug", required=True, help="The fund's slug, as in its web address.")
@click.option("--period", "period_key", default="to-date", show_default=True,
              help="A financial year (2024-25), a quarter (2024-25-Q3) or to-date.")
@click.option("--format", "file_format", type=click.Choice(list(services.FORMATS)), default="pdf",
              show_default=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="The file to write (replaced if it exists).")
@with_appcontext
def returns_command(kind: str, slug: str, period_key: str, file_format: str, output: Path) -> None:
    """Write the funding or impact return of a fund for a period. Small numbers are always
    suppressed in the impact return made here."""
    fund = services.fund_by_slug(slug)
    if fund is None:
        known = ", ".join(db.session.scalars(select(Fund.slug).order_by(Fund.slug))) or "none yet"
        raise click.BadParameter(f"there is no fund with the slug {slug!r}. Funds: {known}.", param_hint="--fund")
    try:
        period = parse_period(period_key, clock.today_in_london())
    except UnknownPeriod as problem:
        raise click.BadParameter(str(problem), param_hint="--period") from None
    # The HTML version is rendered from templates, which need a request to build their links.
    with current_app.test_request_context():
        made = services.generate(fund, kind, period, file_format, GENERATED_BY)
    output.write_bytes(made.content)
    record("report.generated", subject=fund, kind=kind, period=period.key, format=file_format,
           via="command line", output=output.name)
    db.session.commit()
    click.echo(f"Wrote the {services.KINDS[kind].lower()} of {fund.name} for {period.label} to {output}.")
