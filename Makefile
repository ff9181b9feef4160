# servicedesk — the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Tests talk to real PostgreSQL and Redis (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/servicedesk
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
PYTEST_WORKERS ?= 2

.PHONY: run test faults lint format messages bench bench-data backup restore audit fuzz clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@echo "==> installing Python packages into $(VENV) (first run: a few minutes)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

messages: $(STAMP)
	$(BIN)/python manage.py compilemessages_portable

run: $(STAMP) messages
	@echo "==> creating or updating the database"
	$(BIN)/python manage.py migrate --noinput
	@echo "==> demo data (first run only)"
	$(BIN)/python manage.py seed_demo --if-empty
	@echo "==> starting"
	$(BIN)/python -m servicedesk.devrun

test: $(STAMP) messages
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python scripts/ensure_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -p no:cacheprovider -m "not faults"; \
		status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$status

# Fault and load tests with real processes (killed workers, Redis outages, mass breaches):
# one at a time, since each asserts exact counts across processes. CI runs them after `make test`.
faults: $(STAMP) messages
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python scripts/ensure_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python -m pytest -n 0 -p no:cacheprovider -m faults tests/faults; \
		status=$$?; if [ $$status -eq 5 ]; then echo "no tests collected"; exit 1; fi; exit $$status

# Import contracts (pyproject's [tool.importlinter]): the layers of the README's
# "Architecture", a foundation that imports no app, no cycles inside a package.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# schemathesis over every operation of the live OpenAPI schema (also part of `make test`).
fuzz: $(STAMP)
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python scripts/ensure_services.py
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python -m pytest -m fuzz -p no:cacheprovider tests/api

# The production-sized database the benchmarks share (servicedesk_bench_scale; kept once
# seeded, so this is quick after the first time).
bench-data: $(STAMP)
	$(BIN)/python bench/seed_scale.py

# Every benchmark, one `name: value` line per figure (long: not part of make test).
bench: $(STAMP) bench-data
	$(BIN)/python bench/calendar.py
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/sla_sweep.py
	$(BIN)/python bench/seed_scale.py --clone servicedesk_bench_api
	$(BIN)/python bench/api.py
	$(BIN)/python bench/load.py

# bandit over the product's code: offline, seconds (pip-audit needs a vulnerability
# database online: see the README).
audit: $(STAMP)
	$(BIN)/bandit -q -c pyproject.toml -r .

# Backups of DATABASE_URL (pg_dump custom format) and MEDIA_ROOT's files, see the README.
backup: $(STAMP)
	$(BIN)/python manage.py backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR))

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=<backup directory> (DATABASE_URL: an empty database)"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)

clean:
	rm -rf var/broker var/mail
