# MACE: two commands on a fresh machine. `make demo` serves a synthetic partnership; `make test` runs every test.
SHELL := /bin/bash
PORT ?= 8000
CHILDREN ?= 3000
PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
BIN := $(VENV)/bin
STATIC := src/mace/static
WEBROOT := src/mace/webroot

.PHONY: demo test lint install assets chromium java faketime validators clean format

install: $(BIN)/mace assets

$(BIN)/mace: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --quiet
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: node_modules/.package-lock.json
	@mkdir -p $(STATIC)/govuk $(STATIC)/moj $(WEBROOT)
	@cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(STATIC)/govuk/
	@cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js $(STATIC)/moj/
	@mkdir -p $(STATIC)/cytoscape && cp node_modules/cytoscape/dist/cytoscape.min.js $(STATIC)/cytoscape/
	@cp -r node_modules/govuk-frontend/dist/govuk/assets $(WEBROOT)/
	@cp -r node_modules/@ministryofjustice/frontend/moj/assets/. $(WEBROOT)/assets/

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it never downloads a browser).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; fi; \
	fi

# Debian's Java 17 for Splink on a local Spark (the `spark` tests: mace linkage dedupe --engine spark).
java:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; fi; \
	fi

# Debian's faketime moves the process clock for CI's shifted-clock reruns (scripts/shifted_clocks.sh).
faketime:
	@if ! command -v faketime >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; fi; \
	fi

# The statutory validators, one virtual environment each (they pin pandas<2 and must never enter .venv):
# src/mace/exports/validate.py runs them as subprocesses. A stamp per environment keeps a second run instant.
VALIDATORS_DIR := .venv-validators
VALIDATORS_REQ := src/mace/exports/validators
VALIDATORS := cin 903 liia

validators: $(foreach v,$(VALIDATORS),$(VALIDATORS_DIR)/$(v)/.installed)

$(VALIDATORS_DIR)/%/.installed: $(VALIDATORS_REQ)/requirements-%.txt
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	@[ -x $(VALIDATORS_DIR)/$*/bin/python ] || $(PYTHON) -m venv $(VALIDATORS_DIR)/$*
	$(UV) pip install --quiet --python $(VALIDATORS_DIR)/$*/bin/python -r $<
	@if [ -f $(VALIDATORS_REQ)/requirements-$*-nodeps.txt ]; then \
	  $(UV) pip install --quiet --no-deps --python $(VALIDATORS_DIR)/$*/bin/python -r $(VALIDATORS_REQ)/requirements-$*-nodeps.txt; \
	fi
	@touch $@

$(VALIDATORS_DIR)/liia/.installed: $(VALIDATORS_REQ)/requirements-liia-nodeps.txt

demo: install validators
	MACE_DEMO_MODE=1 $(BIN)/mace demo --port $(PORT) --children $(CHILDREN)

# Two workers by default (the machines have two cores); `--dist loadscope` keeps each module's tests on one
# worker so module-scoped fixtures (the reflow crawl's seeded partnership) are built once. (Measured in CI:
# `--dist loadgroup` was much slower on PostgreSQL.) PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: install chromium java faketime validators
	$(BIN)/pytest $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadscope) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/djlint src/mace/templates --lint
	$(BIN)/python scripts/lint_views.py
	$(BIN)/python scripts/lint_private_imports.py
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix src tests benchmarks scripts
	$(BIN)/ruff format src tests benchmarks scripts

clean:
	rm -rf var $(STATIC)/govuk $(STATIC)/moj $(WEBROOT)
