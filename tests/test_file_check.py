"""``flask check-files``: document rows without files fail the check; files without rows are orphans,
deleted on request only once they are old enough that no upload can still be committing them."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from sv_grants.extensions import db
from sv_grants.organisations.models import Document

from .helpers import complete_organisation


def stored_names(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Document.stored_name).order_by(Document.id)))


def age(path: Path, seconds: int) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def check(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["check-files", *args])


def test_uploads_with_their_rows_pass_the_check(app: Flask, make_user: Any) -> None:
    complete_organisation(app, make_user().id)

    result = check(app, "--checksums")

    assert result.exit_code == 0, result.output
    assert "Documents checked with checksums: 0 missing, 0 damaged, 0 orphaned files." in result.output


def test_a_document_whose_file_is_missing_fails_the_check_so_cron_can_alert(app: Flask, make_user: Any) -> None:
    complete_organisation(app, make_user().id)
    gone = stored_names(app)[1]
    (Path(app.config["UPLOAD_DIR"]) / gone).unlink()

    result = check(app)

    assert result.exit_code == 1
    assert f"should be at {Path(app.config['UPLOAD_DIR']) / gone}" in result.output
    assert "1 missing" in result.output


def test_a_file_changed_on_disk_is_damaged_when_checksums_are_asked_for(app: Flask, make_user: Any) -> None:
    complete_organisation(app, make_user().id)
    (Path(app.config["UPLOAD_DIR"]) / stored_names(app)[0]).write_bytes(b"%PDF-1.4 not the same file")

    assert check(app).exit_code == 0  # without --checksums only presence is checked
    result = check(app, "--checksums")

    assert result.exit_code == 1
    assert "1 damaged" in result.output


def test_files_without_rows_are_listed_but_not_deleted_without_the_flag(app: Flask, make_user: Any) -> None:
    complete_organisation(app, make_user().id)
    folder = Path(app.config["UPLOAD_DIR"])
    orphan, abandoned = folder / ("ab" * 16), folder / ".incoming-x1y2z3"
    orphan.write_bytes(b"written by a worker killed before it committed")
    abandoned.write_bytes(b"half a file")
    age(orphan, 2 * 60 * 60)
    age(abandoned, 2 * 60 * 60)

    result = check(app)

    assert result.exit_code == 0  # orphans waste space but break nothing
    assert f"Orphan: {orphan}" in result.output and f"Orphan: {abandoned}" in result.output
    assert orphan.exists() and abandoned.exists()


def test_delete_orphans_removes_old_orphans_and_keeps_recent_ones_and_every_recorded_file(
        app: Flask, make_user: Any) -> None:
    complete_organisation(app, make_user().id)
    folder = Path(app.config["UPLOAD_DIR"])
    old, in_flight, stray = folder / ("ab" * 16), folder / ("cd" * 16), folder / "notes.txt"
    for path in (old, in_flight, stray):
        path.write_bytes(b"no row refers to this")
    age(old, 61 * 60)
    age(stray, 2 * 60 * 60)
    for name in stored_names(app):
        age(folder / name, 2 * 60 * 60)  # recorded files are never orphans, however old

    result = check(app, "--delete-orphans")

    assert result.exit_code == 0, result.output
    assert f"Deleted orphan: {old}" in result.output
    assert "Kept 1 orphan less than an hour old" in result.output
    assert not old.exists()
    assert in_flight.exists()
    assert stray.exists()  # not a name the service makes, so not ours to delete
    assert all((folder / name).exists() for name in stored_names(app))
    assert check(app, "--checksums").exit_code == 0


def test_an_empty_service_with_no_upload_folder_passes(app: Flask) -> None:
    assert not Path(app.config["UPLOAD_DIR"]).exists()

    result = check(app, "--delete-orphans")

    assert result.exit_code == 0, result.output
    assert "0 missing" in result.output
