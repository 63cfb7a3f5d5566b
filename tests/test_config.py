"""Settings: safe by default, loud when unsafe."""

import pytest

from sv_grants import create_app
from sv_grants.config import ConfigError, load, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"APP_ENV": "production", "DATABASE_URL": "sqlite://"})


def test_production_is_the_default_environment(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": "sqlite://"})


def test_production_refuses_to_start_with_two_factor_switched_off():
    with pytest.raises(ConfigError, match="REQUIRE_TWO_FACTOR"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "k" * 40, "REQUIRE_TWO_FACTOR": False,
                    "DATABASE_URL": "sqlite://"})


def test_production_refuses_debug_mode(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="Debug mode"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://"})


def test_development_may_switch_two_factor_off_and_needs_no_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"APP_ENV": "development", "REQUIRE_TWO_FACTOR": False, "DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"]
    assert app.config["REQUIRE_TWO_FACTOR"] is False


def test_settings_come_from_the_environment_then_the_instance_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SERVICE_NAME", "From the environment")
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "15")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "config.py").write_text('COMMISSIONER_NAME = "From the instance file"\n')
    config = load(str(tmp_path), None)
    assert config["SERVICE_NAME"] == "From the environment"
    assert config["SESSION_IDLE_MINUTES"] == 15
    assert config["COMMISSIONER_NAME"] == "From the instance file"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sv_grants.db'}"


def test_postgres_urls_use_psycopg_3():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_session_cookie_is_secure_in_production_only():
    production = create_app({"APP_ENV": "production", "SECRET_KEY": "k" * 40, "DATABASE_URL": "sqlite://"})
    development = create_app({"APP_ENV": "development", "DATABASE_URL": "sqlite://"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert development.config["SESSION_COOKIE_SECURE"] is False
    for app in (production, development):
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
