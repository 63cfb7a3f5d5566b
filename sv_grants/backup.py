"""``flask backup``: a consistent copy of a SQLite database taken while the app runs, and its uploads.

Copying the database file with ``cp`` while a request writes can give a torn copy, and in WAL mode
the newest commits may still sit in the ``-wal`` file beside it. SQLite's online backup API copies
every page from one read transaction, so the copy is a single committed state. PostgreSQL has its
own tool for this, ``pg_dump``, so the command refuses there and says so (see README).

Uploaded files never change once written and have random names, so copying the ones the backup
folder lacks is enough. The database is copied first: a file is always written before its row is
committed, so every row in the copy has its file among those copied after it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from .file_check import is_stored_name

PG_DUMP_HINT = ("backup copies SQLite databases only. Back up PostgreSQL with pg_dump, for example: "
                "pg_dump --format=custom --file=sv_grants.dump \"$DATABASE_URL\" (see README, Backups and restore).")


def backup_sqlite(database: Path, output: Path) -> None:
    """Copy ``database`` to ``output`` through the online backup API and check the copy is sound.

    The copy is written beside ``output`` and renamed into place, so a failed or killed backup never
    leaves a file that looks complete.
    """
    if not database.is_file():  # sqlite3.connect would quietly create an empty database
        raise click.ClickException(f"There is no database at {database}.")
    if output.resolve() == database.resolve():
        raise click.ClickException("The backup must not be written over the database it copies.")
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial")
    os.close(handle)
    try:
        source = sqlite3.connect(database)
        copy = sqlite3.connect(temporary)
        try:
            source.backup(copy)  # pages=-1: all in one step, so one read transaction sees one state
            # A standalone file needs no -wal beside it, which also makes it safe to copy elsewhere.
            copy.execute("PRAGMA journal_mode=DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if verdict != "ok":
            raise click.ClickException(f"The copy failed SQLite's integrity check: {verdict}")
        os.chmod(temporary, 0o600)  # the database holds personal data and bank details
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def copy_uploads(upload_dir: Path, destination: Path) -> int:
    """Copy stored files that ``destination`` does not yet hold; returns how many were copied."""
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not upload_dir.is_dir():
        return 0
    copied = 0
    for path in sorted(upload_dir.iterdir()):
        if not is_stored_name(path.name) or not path.is_file():
            continue  # files still being written (".incoming-…") and anything not ours are left out
        target = destination / path.name
        if target.exists() and target.stat().st_size == path.stat().st_size:
            continue  # stored files never change, so one already copied is still right
        shutil.copy2(path, target)
        copied += 1
    return copied


@click.command("backup")
@with_appcontext
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write the copy of the database to.")
@click.option("--uploads", type=click.Path(file_okay=False, path_type=Path),
              help="Also copy uploaded files that this folder does not yet hold.")
def backup_command(output: Path, uploads: Path | None) -> None:
    """Copy the SQLite database (safe while the app runs) and, with --uploads, the uploaded files."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        click.echo(f"Error: {PG_DUMP_HINT}", err=True)
        raise click.exceptions.Exit(2)
    if not url.database or url.database == ":memory:":
        raise click.ClickException("An in-memory database cannot be backed up.")
    backup_sqlite(Path(url.database), output)
    click.echo(f"Database copied to {output}.")
    if uploads is not None:
        copied = copy_uploads(Path(current_app.config["UPLOAD_DIR"]), uploads)
        click.echo(f"Copied {copied} new uploaded file{'' if copied == 1 else 's'} to {uploads}.")
