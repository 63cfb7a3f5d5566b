"""``flask export …``: a fund's published data written to a file, for publishing elsewhere (the
360Giving registry, a council's open-data portal) or for checking before it goes out."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..funds.models import Fund
from . import threesixty, transparency


@click.group("export")
def export_group() -> None:
    """Write a fund's published data to a file."""


@export_group.command("360giving")
@click.option("--fund", "slug", required=True, help="The fund's slug, as in its web address.")
@click.option("--format", "file_format", type=click.Choice(["json", "xlsx"]), default="json", show_default=True,
              help="A 360Giving JSON data package, or the 360Giving spreadsheet.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="The file to write (replaced if it exists).")
@with_appcontext
def export_360giving_command(slug: str, file_format: str, output: Path) -> None:
    """Write the fund's awarded grants in the 360Giving Data Standard."""
    fund = transparency.fund_by_slug(slug)
    if fund is None:
        known = ", ".join(db.session.scalars(select(Fund.slug).order_by(Fund.slug))) or "none yet"
        raise click.BadParameter(f"there is no fund with the slug {slug!r}. Funds: {known}.", param_hint="--fund")
    count = transparency.totals(fund).count
    output.write_bytes(threesixty.package_json(fund) if file_format == "json" else threesixty.workbook(fund))
    click.echo(f"Wrote {count} grant{'' if count == 1 else 's'} from {fund.name} to {output}.")
    if count == 0:
        click.echo("The fund has no published awards yet. 360Giving data must hold at least one grant, so do not "
                   "publish this file.", err=True)
