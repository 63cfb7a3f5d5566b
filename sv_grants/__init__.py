"""SV Grants: commissioning grants against serious violence for a Police and Crime Commissioner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as settings


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings.load(app.instance_path, config))
    settings.check(app.config, app.debug)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from . import rate_limits, request_log

    request_log.init_app(app)  # first, so its clock starts before any other hook runs
    rate_limits.init_app(app)

    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1
        )

    from . import urls
    from .extensions import csrf, db, login_manager, migrate

    urls.init_app(app)  # before any blueprint's routes are built

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"),
                     render_as_batch=True)  # SQLite alters tables by copying them
    csrf.init_app(app)
    login_manager.init_app(app)

    from .database import configure_sqlite

    with app.app_context():
        configure_sqlite(db.engine)

    from . import (
        models,  # noqa: F401 - every table is known before the first query
        templating,
    )
    from .auth import sessions
    from .auth.permissions import install_default_deny

    templating.init_app(app)
    sessions.init_app(app)
    install_default_deny(app)

    from .applications import document_routes, eligibility_routes, officer_routes, section_routes
    from .applications.routes import bp as applications_bp
    from .assessment import applicant_routes, panel_routes
    from .assessment import hooks as assessment_hooks
    from .assessment import officer_routes as assessment_officer_routes
    from .assessment.routes import bp as assessment_bp
    from .auth.admin_routes import bp as admin_bp
    from .auth.routes import bp as auth_bp
    from .data_protection.routes import bp as data_protection_bp
    from .funds.routes import bp as funds_bp
    from .grants import applicant_routes as grant_applicant_routes
    from .grants import finance_routes
    from .grants import hooks as grants_hooks
    from .grants import officer_routes as grant_officer_routes
    from .monitoring import hooks as monitoring_hooks
    from .monitoring import officer_routes as monitoring_officer_routes
    from .monitoring import routes as monitoring_routes
    from .organisations import bank_routes
    from .organisations.document_routes import bp as organisation_documents_bp
    from .organisations.routes import bp as organisations_bp
    from .pages.routes import bp as pages_bp
    from .reports import admin_routes as report_admin_routes
    from .reports import routes as report_routes
    from .reports import transparency_routes

    for blueprint in (pages_bp, auth_bp, admin_bp, organisations_bp, organisation_documents_bp, applications_bp,
                      eligibility_routes.bp, section_routes.bp, document_routes.bp, officer_routes.bp, funds_bp,
                      assessment_bp, assessment_officer_routes.bp, panel_routes.bp, applicant_routes.bp,
                      bank_routes.bp, grant_officer_routes.bp, grant_applicant_routes.bp, finance_routes.bp,
                      monitoring_routes.bp, monitoring_officer_routes.bp, transparency_routes.bp,
                      report_routes.bp, report_admin_routes.bp, data_protection_bp):
        app.register_blueprint(blueprint)
    assessment_hooks.init_app(app)
    grants_hooks.init_app(app)
    monitoring_hooks.init_app(app)

    from . import cli, errors, security

    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
