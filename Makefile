# PartnerGraph developer commands. `make run` serves the API; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_FLAGS := --quiet --disable-pip-version-check --no-input
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck schema bench docs-images lock clean graphiql-assets

$(STAMP): requirements-dev.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("PartnerGraph needs Python 3.11+") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install $(PIP_FLAGS) --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install $(PIP_FLAGS) --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Serve the API on the embedded SQLite database (migrated, seed programs loaded).
run: $(STAMP)
	$(BIN)/partnergraph db upgrade
	$(BIN)/partnergraph programs load programs/*.toml
	$(BIN)/partnergraph templates sync
	$(BIN)/partnergraph serve --host $(HOST) --port $(PORT)

## Run the whole test suite (SQLite always; PostgreSQL too when configured, and always under CI),
## with line coverage; CI sets COV_FAIL_UNDER to the floor it holds the suite to.
COV_FAIL_UNDER ?= 0
test: $(STAMP)
	$(BIN)/python -m pytest --cov --cov-report=term --cov-fail-under=$(COV_FAIL_UNDER)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## Re-export schema.graphql from the code.
schema: $(STAMP)
	$(BIN)/partnergraph schema export schema.graphql

## Render 1,000 agreement acceptances against a bare docxtpl render, time a partner's ledger,
## and import a generated history of 10,000 partners and 100,000 referrals (not tests; the
## import runs on PostgreSQL when PARTNERGRAPH_BENCH_DATABASE_URL names a server).
## Issue 14's runs: the dashboard against PostGraphile 5 (PostgreSQL, Node.js and npm needed),
## and referral lists at 1,000 against 1,000,000 rows.
BENCH_SECONDS ?= 10
bench: $(STAMP)
	$(BIN)/python -m benchmarks.render --count 1000
	$(BIN)/python -m benchmarks.accept --count 200
	$(BIN)/python -m benchmarks.ledger --agreements 60
	$(BIN)/python -m benchmarks.import_bench --partners 10000 --referrals 100000
	$(BIN)/python -m benchmarks.versus --seconds $(BENCH_SECONDS) --connections 1 8 32
	$(BIN)/python -m benchmarks.cpu --requests 50 --repeat 5 --connections 1 8
	$(BIN)/python -m benchmarks.lists --small 1000 --large 1000000

## Re-pin requirements*.lock after a change of dependencies (keeps every other pin as it is).
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml requirements-build.in --generate-hashes \
	--no-annotate --no-header --python-version 3.11
lock: $(STAMP)
	$(BIN)/python -m pip install $(PIP_FLAGS) uv==0.13.9
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra dev -o requirements-dev.lock

## Page 1 of each document kind as a small PNG for docs/documents.md (needs LibreOffice, pdftoppm).
docs-images: $(STAMP)
	$(BIN)/python -m benchmarks.docs_images docs/images

## Refresh the vendored GraphiQL assets (api/static/graphiql/) from npm (needs npm).
graphiql-assets:
	scripts/vendor-graphiql.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
