"""Settings: defaults, then environment variables, then an optional ``instance/config.py``.

Every setting is listed in the README's configuration table. ``check()`` refuses to start an app
whose settings would be unsafe in production, so a mistake fails loudly at start-up rather than
quietly in front of users.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("production", "development", "test")


class ConfigError(RuntimeError):
    """The settings are missing or unsafe; the message says which and how to fix it."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str) -> int:
    return int(value.strip())


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


# name -> (default, parser). The environment variable has the same name.
SETTINGS: dict[str, tuple[Any, Any]] = {
    "APP_ENV": ("production", str),
    "SECRET_KEY": (None, str),
    "DATABASE_URL": (None, str),
    "REQUIRE_TWO_FACTOR": (True, _bool),
    "SERVICE_NAME": ("SV Grants", str),
    "COMMISSIONER_NAME": ("Durham Police, Crime and Victims' Commissioner", str),
    "CONTACT_EMAIL": ("grants@example.org", str),
    "BASE_URL": ("http://127.0.0.1:5000", str),
    "MAIL_BACKEND": ("outbox", str),
    "MAIL_FROM": ("SV Grants <no-reply@example.org>", str),
    "MAIL_OUTBOX_DIR": (None, str),
    "SMTP_HOST": ("localhost", str),
    "SMTP_PORT": (587, _int),
    "SMTP_USERNAME": (None, str),
    "SMTP_PASSWORD": (None, str),
    "SMTP_STARTTLS": (True, _bool),
    "SESSION_IDLE_MINUTES": (30, _int),
    "SESSION_MAX_HOURS": (12, _int),
    "SIGN_IN_ATTEMPT_LIMIT": (10, _int),
    "SIGN_IN_WINDOW_SECONDS": (300, _int),
    "PASSWORD_RESET_MINUTES": (60, _int),
    "INVITATION_DAYS": (7, _int),
    # Offers not accepted within this many days are flagged to the grants officer.
    "OFFER_ACCEPTANCE_DAYS": (30, _int),
    "PASSWORD_HASH_MEMORY_KIB": (65536, _int),
    "PROXY_FIX_X_FOR": (0, _int),
    "MAX_CONTENT_LENGTH": (20 * 1024 * 1024, _int),
    "LOG_LEVEL": ("INFO", str),
    # json (one object a line, for a log collector) or text; unset means json in production only.
    "LOG_FORMAT": (None, str),
    # Host names the app answers to, comma-separated; any other Host header gets 400. Unset: any.
    "TRUSTED_HOSTS": (None, _list),
    # Redis for rate-limit counters shared by every worker and host; unset: counted in the database.
    "REDIS_URL": (None, str),
    "RATE_LIMIT_PREFIX": ("sv_grants:rate:", str),
    # Uploads live outside static/; point several hosts at one shared directory.
    "UPLOAD_DIR": (None, str),
    "MAX_UPLOAD_BYTES": (10 * 1024 * 1024, _int),
    # clamd as "host:port" or a Unix socket path; empty means files are kept as "not scanned".
    "CLAMD_ADDRESS": ("", str),
    # The 360Giving publisher prefix that starts every grant identifier in the open data. A real
    # publisher must use the prefix 360Giving registers for it; this default is a placeholder.
    "THREESIXTY_PREFIX": ("360G-svgrants", str),
    # Retention (UK GDPR storage limitation), applied by `flask purge-expired` and quoted by the
    # privacy notice, so the promise and the practice come from the same two numbers.
    "RETENTION_UNSUCCESSFUL_YEARS": (2, _int),
    "RETENTION_CLOSED_GRANT_YEARS": (7, _int),
}


def load(app_instance_path: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Layer the settings and derive the ones that depend on others."""
    config: dict[str, Any] = {name: default for name, (default, _) in SETTINGS.items()}
    for name, (_, parse) in SETTINGS.items():
        raw = os.environ.get(name)
        if raw is not None and raw != "":
            config[name] = parse(raw)

    instance_file = Path(app_instance_path) / "config.py"
    if instance_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), namespace)  # noqa: S102 - operator-owned settings file
        config.update({k: v for k, v in namespace.items() if k.isupper()})

    config.update(overrides or {})

    if not config["DATABASE_URL"]:
        config["DATABASE_URL"] = "sqlite:///" + str(Path(app_instance_path) / "sv_grants.db")
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["DATABASE_URL"])
    if not config["MAIL_OUTBOX_DIR"]:
        config["MAIL_OUTBOX_DIR"] = str(Path(app_instance_path) / "outbox")

    if not config["UPLOAD_DIR"]:
        config["UPLOAD_DIR"] = str(Path(app_instance_path) / "uploads")

    production = config["APP_ENV"] == "production"
    if not config["LOG_FORMAT"]:
        config["LOG_FORMAT"] = "json" if production else "text"
    if isinstance(config["TRUSTED_HOSTS"], str):  # instance/config.py may give the same string
        config["TRUSTED_HOSTS"] = _list(config["TRUSTED_HOSTS"])
    config["TRUSTED_HOSTS"] = config["TRUSTED_HOSTS"] or None  # Flask's own setting: None allows any
    config.setdefault("SESSION_COOKIE_SECURE", production)
    config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    config.setdefault("SESSION_COOKIE_NAME", "sv_grants_session")
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    config.setdefault("WTF_CSRF_SSL_STRICT", production)
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    return config


def normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and use psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def check(config: dict[str, Any], debug: bool) -> None:
    """Refuse settings that would be unsafe outside a developer's own machine."""
    env = config["APP_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}; it is {env!r}.")
    if config["LOG_FORMAT"] not in ("json", "text"):
        raise ConfigError(f"LOG_FORMAT must be json or text; it is {config['LOG_FORMAT']!r}.")
    for name in ("RETENTION_UNSUCCESSFUL_YEARS", "RETENTION_CLOSED_GRANT_YEARS"):
        if not isinstance(config[name], int) or config[name] < 1:
            raise ConfigError(f"{name} must be a whole number of years, 1 or more; it is {config[name]!r}.")
    if env != "production":
        if not config["SECRET_KEY"]:
            config["SECRET_KEY"] = "insecure-key-for-" + env  # development and tests only
        return
    if not config["SECRET_KEY"] or len(config["SECRET_KEY"]) < 32:
        raise ConfigError(
            "SECRET_KEY is not set (or is shorter than 32 characters). SV Grants will not start "
            "in production without it. Set it to a long random value, for example the output of "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`, or set "
            "APP_ENV=development on a developer's machine."
        )
    if not config["REQUIRE_TWO_FACTOR"]:
        raise ConfigError(
            "REQUIRE_TWO_FACTOR is off. Staff must use two-factor sign-in in production; "
            "switching it off is only allowed with APP_ENV=development."
        )
    if debug:
        raise ConfigError("Debug mode cannot be used in production: unset FLASK_DEBUG.")
