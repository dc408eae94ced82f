# Set-up and everyday commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := SKILLSREG_ENV=development $(BIN)/flask --app skillsreg.app
HOST ?= 127.0.0.1
PORT ?= 5000
CSS := skillsreg/static/css/app.css
CHROMIUM := /usr/bin/chromium
# pytest-xdist processes per test run (tests/conftest.py gives each its own database, queue and
# servers); WORKERS=0 runs the tests in one process, as plain `pytest` does.
WORKERS ?= 2
E2E_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -n $(WORKERS)

.PHONY: run test test-future lint format install install-dev assets migrate demo e2e bench audit load load-outage clean
.PHONY: bench-web

# The queue's consumer (Huey on instance/jobs.db) runs next to the web server; both stop together.
run: install assets
	$(FLASK) db upgrade
	$(FLASK) credentials generate-key --if-missing --output instance/credentials-signing-keys.json
	$(FLASK) demo load
	$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-dev assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@# Bytecode once, for the many processes the tests start (even under PYTHONDONTWRITEBYTECODE).
	$(BIN)/python -m compileall -q skillsreg tests migrations
	env -u TEST_DATABASE_URL $(PYTEST) -m "not e2e"
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(PYTEST) -m "not e2e"; \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (see README)"; \
	fi
	@$(MAKE) --no-print-directory e2e

# The non-browser suite on SQLite with the clock moved YEARS ahead (time-machine moves the wall
# clock of the whole run, see tests/conftest.py), so a test that only passes before some date
# shows up today.
YEARS ?= 10
test-future: install-dev assets
	@echo "== the suite with the clock moved $(YEARS) years ahead"
	env -u TEST_DATABASE_URL TEST_CLOCK_YEARS_AHEAD=$(YEARS) $(PYTEST) -p no:cacheprovider -m "not e2e"

# Browser tests (tests/e2e) in Debian's Chromium against gunicorn, once: on PostgreSQL (a sibling
# of TEST_DATABASE_URL) when it is set, as in CI and production, otherwise on SQLite. The
# non-browser suite is what runs on both databases; `env -u TEST_DATABASE_URL make e2e` runs the
# browser tests on SQLite when TEST_DATABASE_URL is set.
# Without the browser they are skipped with a plain message, except under CI, where it fails.
# Each of E2E_WORKERS xdist workers runs its own server and Chromium and takes one test at a time,
# the longest first (tests/e2e/conftest.py), stealing queued tests from the other when idle.
e2e: install-dev assets
	@if [ ! -x $(CHROMIUM) ]; then \
		case "$$CI" in \
		""|0|false|FALSE|False) \
			echo "Chromium not found at $(CHROMIUM): browser tests skipped (apt-get install chromium)"; \
			exit 0;; \
		*) \
			echo "Chromium not found at $(CHROMIUM): CI must run the browser tests (apt-get install chromium)" >&2; \
			exit 1;; \
		esac; \
	fi; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== browser tests on PostgreSQL (a sibling database of $$TEST_DATABASE_URL)"; \
	else \
		echo "== browser tests on SQLite"; \
	fi; \
	$(BIN)/pytest -q -n $(E2E_WORKERS) --dist worksteal -m e2e tests/e2e

install: $(VENV)/.installed node_modules/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(CSS)

$(CSS): skillsreg/static/scss/app.scss node_modules/.installed
	mkdir -p $(dir $(CSS))
	npx sass --quiet --no-source-map --style=compressed --load-path=node_modules $< $@

migrate: install
	$(FLASK) db upgrade

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev
	for bench in tests/benchmarks/bench_*.py; do \
		case $$bench in */bench_web.py) continue;; esac; \
		$(BIN)/python $$bench || exit 1; \
	done

# wrk (Debian package, installed if missing) against the published framework pages and a Flask
# hello world, both under gunicorn with 2 workers; PostgreSQL database BENCH_DATABASE_URL
# (skillsreg_bench_web, rebuilt each run). Prints req/s, the ratio to hello world and p50/p99.
bench-web: install-dev assets
	@command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
	$(BIN)/python tests/benchmarks/bench_web.py

# Known vulnerabilities in the installed Python packages (pip-audit asks PyPI's JSON API) and in
# the front-end packages (npm audit). Needs the network; never part of `make test`. --strict makes
# a package PyPI could not be asked about a failure, so an offline run cannot pass silently.
audit: install-dev
	@status=0; \
	echo "== pip-audit of the installed Python packages"; \
	$(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off || { status=1; \
		echo "make audit: pip-audit failed: a known vulnerability is listed above, or PyPI's JSON" \
			"API could not be asked about every package (offline?), so nothing was proven safe." >&2; }; \
	echo "== npm audit of the front-end packages"; \
	npm audit --omit=dev || { status=1; \
		echo "make audit: npm audit failed: a vulnerable package is listed above, or the npm" \
			"registry's audit endpoint could not be reached." >&2; }; \
	exit $$status

# Load test (tests/load/run.py): gunicorn with 4 workers on PostgreSQL (database skillsreg_load,
# rebuilt each run), LOAD_USERS members (100) for LOAD_SECONDS (60) under locust. Prints requests
# per second, p50/p95/p99 latency and 5xx count, then checks every acknowledged write is stored.
load: install-dev
	$(BIN)/python -m tests.load.run

# The same while PostgreSQL restarts a third of the way in (LOAD_RESTART_COMMAND, by default
# `pg_ctlcluster 15 main restart`; needs root). Requests meanwhile must get the GOV.UK 503 page.
load-outage: install-dev
	LOAD_OUTAGE=1 $(BIN)/python -m tests.load.run

clean:
	rm -rf $(VENV) node_modules $(CSS) .pytest_cache .ruff_cache .mypy_cache
