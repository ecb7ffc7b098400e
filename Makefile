# Berdaya: the two set-up commands are `make demo` and `make test` (see README).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
VENV := .venv/bin
# PostgreSQL for the second test run: BERDAYA_TEST_POSTGRES, else the local server when it answers.
PG_PROBE_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_ARGS ?=

.PHONY: bootstrap demo serve test test-sqlite test-postgres lint messages bench

bootstrap:
	@./scripts/bootstrap.sh

demo: bootstrap
	$(VENV)/berdaya demo

serve: bootstrap
	$(VENV)/berdaya serve

test: bootstrap
	@$(VENV)/ruff check . && echo "ruff: clean"
	@$(VENV)/python scripts/run_tests.py $(PYTEST_ARGS)

lint: bootstrap
	$(VENV)/ruff check . && $(VENV)/ruff format --check src tests || true

messages: bootstrap
	cd src/berdaya && ../../$(VENV)/python ../../manage.py makemessages -l id -l en --no-obsolete && ../../$(VENV)/python ../../manage.py compilemessages

bench: bootstrap
	$(VENV)/python benchmarks/bench_registry.py
