"""``flask check-files``: every document row has its file, and every stored file has its row.

An upload writes its file first and commits its row after, so a process killed in between leaves
a file nobody refers to (an orphan), and a file written aside (``.incoming-…``) may never be
renamed. Those are harmless and can be deleted. A row whose file is missing is not harmless: an
officer will fail to open the document, so the command exits 1 for cron to raise the alarm.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from . import storage
from .extensions import db
from .organisations.models import Document

# An upload in flight has its file on disk for a moment before its row commits; a file this old
# with no row was left by a process that died, never by one still running.
ORPHAN_MIN_AGE_SECONDS = 60 * 60
_TEMPORARY_PREFIX = ".incoming-"  # what storage.save writes before renaming into place


def is_stored_name(name: str) -> bool:
    """Whether ``name`` is one storage.save could have given a file."""
    try:
        storage.path_of(name, ".")
    except ValueError:
        return False
    return True


@dataclass
class FileReport:
    missing: list[Document] = field(default_factory=list)  # rows whose file is not on disk
    damaged: list[Document] = field(default_factory=list)  # rows whose file's sha256 differs (with checksums)
    orphans: list[Path] = field(default_factory=list)  # files with no row, and abandoned temporary files
    deleted: list[Path] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.missing or self.damaged)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_files(upload_dir: Path, *, checksums: bool = False, delete_orphans: bool = False,
                now: float | None = None) -> FileReport:
    """Compare the upload folder with the documents table; delete old orphans when asked.

    The folder is listed before the table is read, and a row whose file was not listed is looked
    for again, so an upload that finishes during the check is neither missing nor orphaned.
    """
    now = time.time() if now is None else now
    on_disk = {}
    if upload_dir.is_dir():
        on_disk = {path.name: path for path in upload_dir.iterdir()
                   if path.is_file() and (is_stored_name(path.name) or path.name.startswith(_TEMPORARY_PREFIX))}
    report = FileReport()
    documents = db.session.scalars(select(Document).order_by(Document.id)).all()
    recorded = {document.stored_name for document in documents}
    for document in documents:
        path = upload_dir / document.stored_name
        if document.stored_name not in on_disk and not path.is_file():
            report.missing.append(document)
        elif checksums and _sha256(path) != document.sha256:
            report.damaged.append(document)
    for name, path in sorted(on_disk.items()):
        if name in recorded:
            continue
        report.orphans.append(path)
        if delete_orphans and now - path.stat().st_mtime >= ORPHAN_MIN_AGE_SECONDS:
            path.unlink(missing_ok=True)
            report.deleted.append(path)
    return report


@click.command("check-files")
@with_appcontext
@click.option("--delete-orphans", is_flag=True,
              help="Delete files with no document row once they are an hour old.")
@click.option("--checksums", is_flag=True, help="Also read every file and compare its SHA-256 with its row.")
def check_files_command(delete_orphans: bool, checksums: bool) -> None:
    """List document rows whose file is missing and stored files with no row; exit 1 if a file is missing."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    report = check_files(upload_dir, checksums=checksums, delete_orphans=delete_orphans)
    for document in report.missing:
        click.echo(f"Missing file: document {document.id} ({document.original_name!r}, organisation "
                   f"{document.organisation_id}) should be at {upload_dir / document.stored_name}")
    for document in report.damaged:
        click.echo(f"Damaged file: document {document.id} ({document.original_name!r}) does not match its "
                   f"SHA-256 at {upload_dir / document.stored_name}")
    deleted = set(report.deleted)
    for path in report.orphans:
        click.echo(f"{'Deleted orphan' if path in deleted else 'Orphan'}: {path}")
    kept = len(report.orphans) - len(report.deleted)
    if delete_orphans and kept:
        click.echo(f"Kept {kept} orphan{'' if kept == 1 else 's'} less than an hour old: an upload may still "
                   "be in progress.")
    checked = "checked" + (" with checksums" if checksums else "")
    click.echo(f"Documents {checked}: {len(report.missing)} missing, {len(report.damaged)} damaged, "
               f"{len(report.orphans)} orphaned file{'' if len(report.orphans) == 1 else 's'}.")
    if report.has_problems:
        raise click.exceptions.Exit(1)
