"""``flask backup``: a copy taken while the app runs restores to the same money and the same files.

The restore is what an operator would do: point a fresh app at the copied database and the copied
upload folder, then compare the ledgers and recompute every document's checksum from its file.
"""

from __future__ import annotations

import hashlib
import sqlite3
import stat
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from sv_grants.applications.models import Application
from sv_grants.auth.models import User
from sv_grants.extensions import db
from sv_grants.funds.models import Fund
from sv_grants.grants import payments, services
from sv_grants.grants.models import Grant, Instalment
from sv_grants.organisations.documents import upload_document
from sv_grants.organisations.models import Document, DocumentKind, Organisation

from .conftest import USES_POSTGRES
from .grants.factories import funded
from .helpers import complete_organisation, real_pdf

sqlite_only = pytest.mark.skipif(USES_POSTGRES, reason="PostgreSQL is backed up with pg_dump, not this command "
                                                       "(see README, Backups and restore)")


def totals(app: Flask) -> dict[str, Any]:
    """The figures a restore must bring back, and each document's checksum recomputed from its file."""
    folder = Path(app.config["UPLOAD_DIR"])
    with app.app_context():
        documents = db.session.scalars(select(Document).order_by(Document.id)).all()
        for document in documents:
            assert hashlib.sha256((folder / document.stored_name).read_bytes()).hexdigest() == document.sha256
        return {
            "committed": db.session.scalar(select(func.sum(Fund.committed_pence))),
            "awarded": db.session.scalar(select(func.sum(Grant.awarded_pence))),
            "paid": db.session.scalar(select(func.sum(Grant.paid_pence))),
            "grant statuses": list(db.session.scalars(select(Grant.status).order_by(Grant.id))),
            "applications": db.session.scalar(select(func.count(Application.id))),
            "documents": [(d.stored_name, d.sha256) for d in documents],
        }


def pay_first_instalment(app: Flask, f: Any) -> None:
    with app.app_context():
        first = db.session.scalar(select(Instalment).where(Instalment.grant_id == f.grant_id,
                                                           Instalment.sequence == 1))
        payments.approve(db.session.get(User, f.finance.id), first)
        db.session.commit()
        payments.record_paid(db.session.get(User, f.finance2.id), first, date(2025, 4, 10), "BACS-0001")
        db.session.commit()


def backup(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["backup", *args])


@sqlite_only
def test_a_restored_backup_has_the_same_totals_and_documents_as_when_it_was_taken(
        app: Flask, make_app: Any, setting: Any, make_user: Any, tmp_path: Path) -> None:
    f = funded(app, setting, make_user)
    pay_first_instalment(app, f)
    taken = totals(app)
    assert (taken["committed"], taken["paid"], len(taken["documents"])) == (20_000_00, 10_000_00, 3)

    result = backup(app, "--output", str(tmp_path / "backup" / "sv_grants.db"),
                    "--uploads", str(tmp_path / "backup" / "uploads"))
    assert result.exit_code == 0, result.output
    assert "Copied 3 new uploaded files" in result.output

    # Life goes on after the backup: another upload, and the grant withdrawn, releasing the budget.
    with app.test_request_context():
        officer = db.session.get(User, f.officer.id)
        upload_document(db.session.get(User, f.applicant.id), db.session.get(Organisation, f.organisation_id),
                        DocumentKind.INSURANCE, "insurance.pdf", real_pdf("insurance"), None)
        services.withdraw(officer, db.session.get(Grant, f.grant_id), "The project did not go ahead")
        db.session.commit()
    later = totals(app)
    assert (later["committed"], len(later["documents"])) == (10_000_00, 4)

    restored = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'backup' / 'sv_grants.db'}",
                        UPLOAD_DIR=str(tmp_path / "backup" / "uploads"))
    assert totals(restored) == taken
    assert restored.test_cli_runner().invoke(args=["check-files", "--checksums"]).exit_code == 0


@sqlite_only
def test_the_backup_holds_only_committed_data_while_a_writer_is_part_way_through(
        app: Flask, setting: Any, tmp_path: Path) -> None:
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE funds SET committed_pence = 123")
        result = backup(app, "--output", str(tmp_path / "copy.db"))
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("SELECT committed_pence FROM funds").fetchall() == [(0,)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file, no -wal needed
    finally:
        copy.close()
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600


@sqlite_only
def test_a_second_backup_copies_only_the_uploads_the_folder_lacks(
        app: Flask, setting: Any, make_user: Any, tmp_path: Path) -> None:
    complete_organisation(app, make_user().id)
    uploads = str(tmp_path / "uploads-copy")
    assert "Copied 3 new" in backup(app, "--output", str(tmp_path / "one.db"), "--uploads", uploads).output

    result = backup(app, "--output", str(tmp_path / "two.db"), "--uploads", uploads)

    assert result.exit_code == 0, result.output
    assert "Copied 0 new uploaded files" in result.output
    assert sorted(p.name for p in Path(uploads).iterdir()) == sorted(
        p.name for p in Path(app.config["UPLOAD_DIR"]).iterdir())


@sqlite_only
def test_the_backup_will_not_overwrite_the_database_it_copies(app: Flask) -> None:
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    before = Path(database).read_bytes()

    result = backup(app, "--output", database)

    assert result.exit_code == 1
    assert "must not be written over the database" in result.output
    assert Path(database).read_bytes() == before


def test_on_postgresql_the_command_refuses_and_points_to_pg_dump(make_app: Any, tmp_path: Path) -> None:
    postgres = make_app(DATABASE_URL="postgresql://sv_grants@db.internal:5432/sv_grants")

    result = backup(postgres, "--output", str(tmp_path / "copy.db"))

    assert result.exit_code == 2
    assert "Back up PostgreSQL with pg_dump" in result.output
    assert not (tmp_path / "copy.db").exists()
