"""One log line per request, and a request id that ties a user's report to the logs.

The line holds only what is safe to keep: method, path without its query string, status,
duration, request id and the signed-in user's id. Never emails, names, form data, query strings
or tokens (reset and invitation links carry theirs in the path's query, which is left out).

In production the logs are JSON, one object a line, for a log collector; in development and
tests they are plain text.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

log = logging.getLogger("sv_grants.requests")

# A proxy's id is reused only when it is short and plain, so it cannot forge log lines or carry
# personal data into them.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
HANDLER_NAME = "sv_grants"


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Stamp every record made during a request with its id, whichever module logs it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def configure_logging(app: Flask) -> None:
    """Send the app's logs to stderr (gunicorn's workers inherit it) in the configured format.

    Replaces the handler an earlier app in the same process installed, so building apps in tests
    does not stack handlers."""
    logger = logging.getLogger("sv_grants")
    logger.setLevel(app.config["LOG_LEVEL"])
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
        logger.removeHandler(old)
    if app.testing:
        logger.propagate = True  # pytest's caplog listens on the root logger
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if app.config["LOG_FORMAT"] == "json" else logging.Formatter(TEXT_FORMAT))
    logger.addHandler(handler)
    logger.propagate = False  # one copy of each line, not a second through the root logger


def init_app(app: Flask) -> None:
    configure_logging(app)

    @app.before_request
    def start_request() -> None:
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if VALID_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        # Flask-Login keeps the user it loaded here; reading it costs no query, and a request
        # that never looked at the user is logged without one.
        user = g.get("_login_user")
        fields = {
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": getattr(user, "id", None),
        }
        log.info("%s %s %s", request.method, request.path, response.status_code,
                 extra={"fields": fields, "request_id": request_id})
        return response
