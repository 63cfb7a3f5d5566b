"""``flask`` commands: demo data, the first administrator, and the jobs cron runs."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .backup import backup_command
from .database import refresh_statistics
from .extensions import db
from .file_check import check_files_command
from .reports import export_command, returns_command


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(purge_expired_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(export_command.export_group)
    app.cli.add_command(returns_command.returns_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(check_files_command)


@click.command("seed-demo")
@with_appcontext
@click.option("--scale", type=click.Choice(["demo", "national"]), default="demo", show_default=True,
              help="national: the demo, then a national-sized data set for benchmarks (run it once, on an "
                   "empty database).")
def seed_demo_command(scale: str) -> None:
    """Load the demo fund, round, criteria and a user of every role (safe to run twice)."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("seed-demo adds accounts with published passwords; "
                                   "it only runs with APP_ENV=development or test.")
    from .demo import DEMO_PASSWORD, seed_demo

    with current_app.test_request_context("/"):  # the demo's bank-details change sends its e-mails
        users = seed_demo()
        db.session.commit()
    if scale == "national":
        _seed_national()
    refresh_statistics()
    db.session.commit()
    click.echo("Demo data is ready. Sign in at " + current_app.config["BASE_URL"] + "/sign-in with:")
    width = max(len(u.email) for u in users)
    for user in users:
        roles = ", ".join(role.label for role in user.roles)
        click.echo(f"  {user.email.ljust(width)}  {roles}")
    click.echo(f"Every demo account's password is: {DEMO_PASSWORD}")
    if current_app.config["REQUIRE_TWO_FACTOR"]:
        click.echo("Staff accounts will be asked to set up two-factor sign-in with an authenticator app.")


def _seed_national() -> None:
    from time import perf_counter

    from .demo_national import seed_national

    started = perf_counter()
    counts = seed_national()
    db.session.commit()
    if not counts:
        click.echo("The national data is there already: nothing was added.")
        return
    width = max(len(table) for table in counts)
    click.echo("National data added:")
    for table, rows in counts.items():
        click.echo(f"  {table.ljust(width)}  {rows:>9,}")
    click.echo(f"In {perf_counter() - started:.1f} seconds.")


@click.command("create-admin")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
def create_admin_command(email: str, name: str) -> None:
    """Create the first administrator and print their single-use link to set a password."""
    from datetime import timedelta

    from .auth.models import Role, TokenPurpose, User, UserRole
    from .auth.services import find_user_by_email, issue_token, normalise_email

    if find_user_by_email(email) is not None:
        raise click.ClickException(f"{email} already has an account.")
    user = User(email=normalise_email(email), name=name, password_hash=None)
    user.role_grants.append(UserRole(role=Role.ADMIN))
    db.session.add(user)
    db.session.flush()
    raw = issue_token(user, TokenPurpose.STAFF_INVITATION,
                      timedelta(days=current_app.config["INVITATION_DAYS"]))
    from .audit.services import record

    record("user.invited", actor=None, subject=user, roles=["admin"], via="command line")
    db.session.commit()
    click.echo(f"Administrator created. Set the password within "
               f"{current_app.config['INVITATION_DAYS']} days at:")
    click.echo(current_app.config["BASE_URL"].rstrip("/") + f"/invitation/{raw}")


@click.command("purge-expired")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List what would be deleted or anonymised, and change nothing.")
def purge_expired_command(dry_run: bool) -> None:
    """Delete security records past their retention period and apply the retention policy to
    applications and grants (run it daily, from cron)."""
    from .auth.services import purge_expired_security_records
    from .data_protection import retention
    from .dates import clock

    # A dry run does the deletes inside the transaction and rolls them back, so the counts come
    # from the very rule the real run applies rather than from a copy of it.
    deleted = purge_expired_security_records()
    policy = retention.Policy.from_config(current_app.config)
    plan = retention.find_expired(policy, clock.now())
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing has been changed.")
        click.echo("Would delete " + ", ".join(f"{count} {kind}" for kind, count in deleted.items()) + ".")
    else:
        retention.apply(plan, current_app.config["UPLOAD_DIR"])
        db.session.commit()
        refresh_statistics()  # daily, as the data grows; about half a second on national-scale data
        db.session.commit()
        click.echo("Deleted " + ", ".join(f"{count} {kind}" for kind, count in deleted.items()) + ".")
    click.echo(f"Retention policy: {policy.describe()}.")
    for line in plan.lines(dry_run):
        click.echo(line)


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """E-mail organisations with unsubmitted drafts 7 days and 1 day before the deadline, and with
    monitoring returns 7 days before and 1 day after they are due (run it from cron, hourly or
    daily: each reminder is sent once)."""
    from .applications.reminders import send_reminders
    from .dates import clock
    from .monitoring.reminders import send_return_reminders

    with current_app.test_request_context("/"):  # links in the e-mails are built with url_for
        sent = send_reminders(clock.now())
        returns = send_return_reminders(clock.today_in_london())
    click.echo(f"Sent {sent} deadline reminder{'' if sent == 1 else 's'}.")
    if returns:  # said only when there were some, so the line about drafts reads as before
        click.echo(f"Sent {returns} return reminder{'' if returns == 1 else 's'}.")
