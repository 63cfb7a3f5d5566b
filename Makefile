# Two commands for a fresh machine: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3
# One test worker per core; each has its own database (see tests/conftest.py).
PYTEST_ARGS ?= -n auto --dist loadfile
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := APP_ENV=development REQUIRE_TWO_FACTOR=false FLASK_APP=sv_grants

.PHONY: run serve test lint assets browser clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.app: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.app

## run: install, migrate the SQLite database in instance/, seed the demo and serve on 127.0.0.1:5000
run: $(VENV)/.app
	$(DEMO_ENV) $(BIN)/flask db upgrade
	$(DEMO_ENV) $(BIN)/flask seed-demo
	$(DEMO_ENV) $(BIN)/flask run --host 127.0.0.1 --port 5000

## serve: production mode under gunicorn on 127.0.0.1:8000 (needs SECRET_KEY and the README's other settings)
serve: $(VENV)/.app
	APP_ENV=$${APP_ENV:-production} $(BIN)/flask --app sv_grants db upgrade
	APP_ENV=$${APP_ENV:-production} $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

## browser: Debian's Chromium for the browser tests (Playwright drives it; nothing is downloaded)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

## test: install what the tests need and run the whole suite, browser tests included
test: $(VENV)/.test browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test
	$(BIN)/ruff check .

## assets: rebuild the vendored GOV.UK Frontend CSS/JS from the pinned npm package (needs Node.js)
assets:
	scripts/build-assets.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## bench: time the key pages, the funding return PDF, approvals and the funding set (see bench/README.md)
bench: $(VENV)/.test
	$(BIN)/python -m bench $(BENCH_ARGS)
