"""The WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from sv_grants import create_app
from sv_grants.runtime import settle_heap

app = create_app()
settle_heap()
