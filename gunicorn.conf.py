"""gunicorn settings for `make serve` and production: `gunicorn --config gunicorn.conf.py wsgi:app`.

Each value can be changed from the environment without editing this file.
"""

import os

# Behind a reverse proxy on the same host; set BIND=0.0.0.0:8000 only where a firewall stands in front.
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Workers share nothing but the database, Redis and UPLOAD_DIR, so any number is safe.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# PDFs and spreadsheets take a few seconds to build; a worker silent for longer is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM a worker finishes the requests it has (uploads included) before it exits.
graceful_timeout = 30
# The app logs every request itself, with its request id and no query string, so gunicorn's access
# log would only duplicate it and could leak tokens in query strings.
accesslog = None
errorlog = "-"
# Fresh workers after this many requests (jittered so they do not all restart at once) keep any
# slow leak in a library from growing.
max_requests = 2000
max_requests_jitter = 200
# gunicorn's control socket sits at one fixed path per user, so two servers on one host (tests run
# side by side, or a second site) would fight over it; nothing here uses it.
control_socket_disable = True
