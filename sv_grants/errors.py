"""GOV.UK-style error pages. The 500 page shows a reference to quote, never a stack trace."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .request_log import current_request_id

log = logging.getLogger(__name__)

PAGES = {
    400: "Sorry, there is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, you cannot do that on this page",
    413: "The file or form you sent is too large",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("errors/error.html", code=400, title=PAGES[400], csrf=True), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
        # The Host header is not in TRUSTED_HOSTS, so no URL can be built and the error page's
        # links would fail. Whoever sent it gets plain text, not a page of this service.
        return PAGES[400], 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        if code not in PAGES:
            return error
        # Keep headers such as Allow (405) and Retry-After (429); the body is ours.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return render_template("errors/error.html", code=code, title=PAGES[code]), code, headers

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> tuple[str, int]:
        reference = secrets.token_hex(4).upper()
        original = getattr(error, "original_exception", None)
        # The request id finds this request's own log line; the reference is what the user quotes.
        log.error("unhandled error, reference %s, request %s", reference, current_request_id(),
                  exc_info=original)
        try:
            from .extensions import db

            db.session.rollback()
        except Exception:
            log.exception("rollback failed, reference %s", reference)
        return render_template(
            "errors/error.html", code=500, title=PAGES[500], reference=reference
        ), 500
