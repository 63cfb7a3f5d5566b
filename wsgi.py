"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from sv_grants import create_app

app = create_app()
