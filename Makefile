# Çarşı developer tasks. Everything runs from the repository root through `.venv/` (made by uv from uv.lock).
#
#   make run      fresh clone -> environment, migrations, demo data, API on HOST:PORT (127.0.0.1:8000)
#   make test     the whole suite in parallel (pytest-xdist); PostgreSQL/Redis are found by tests/services.py
#   make lint     ruff (lint + format check), mypy, import-linter
#   make worker / migrate / demo / serve / bench / format / clean
#
# Configuration comes from the environment and `.env` (see README); nothing here sets DATABASE_URL & co.

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION ?= 0.13.9
TOOLS      := $(CURDIR)/.tools
VENV       := $(CURDIR)/.venv
BIN        := $(VENV)/bin
CARSI      := $(BIN)/carsi
# xdist workers: one per CPU, at most 8 (each worker gets its own Redis database out of 15 and its own
# PostgreSQL database and pool). On the 2-CPU dev box: -n 0 ~92 s, -n 2 ~54 s, -n auto (= 2) ~55 s.
PYTEST_WORKERS ?= auto --maxprocesses=8
PYTEST_ARGS ?=

# uv: the one on PATH, else one installed under .tools/ (pip --target, or Astral's installer as a last resort).
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)

.PHONY: help install run serve migrate demo worker test lint format bench clean

help:
	@sed -n 's/^#   make /make /p' $(MAKEFILE_LIST)

$(TOOLS)/bin/uv:
	@echo "uv not found on PATH: installing uv $(UV_VERSION) into .tools/"
	@mkdir -p $(TOOLS)/bin
	@if python3 -m pip --version >/dev/null 2>&1; then \
	    python3 -m pip install --quiet --disable-pip-version-check --target $(TOOLS)/uv-pkg "uv==$(UV_VERSION)" \
	    && ln -sf ../uv-pkg/bin/uv $(TOOLS)/bin/uv; \
	else \
	    curl -LsSf https://astral.sh/uv/$(UV_VERSION)/install.sh \
	    | env UV_INSTALL_DIR=$(TOOLS)/bin UV_NO_MODIFY_PATH=1 sh; \
	fi
	@$(TOOLS)/bin/uv --version

# The environment, re-synced whenever the lock or the project metadata change.
$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced

run: install
	$(CARSI) migrate
	$(CARSI) demo load
	$(CARSI) serve

serve: install
	$(CARSI) serve

migrate: install
	$(CARSI) migrate

demo: install
	$(CARSI) demo load

worker: install
	$(CARSI) worker

test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Every checker runs even when an earlier one fails; the target fails if any did.
lint: install
	@status=0; \
	for check in "ruff check ." "ruff format --check ." "mypy" "lint-imports"; do \
	    echo "--- $$check"; \
	    $(BIN)/$$check || status=1; \
	done; \
	exit $$status

# Rewrite what ruff can fix by itself (imports, upgrades, formatting).
format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Ratios against a bare Starlette route timed in the same run (bench/http.py), then the catalog served by uvicorn
# under wrk against two baselines on PostgreSQL and Redis (bench/catalog.py: needs wrk, BENCH_DATABASE_URL and
# BENCH_REDIS_URL or their defaults; writes bench/results/latest.md), then search on PostgreSQL (bench/search.py:
# bench/results/search.md), then the checkout path next to pgbench replaying its SQL (bench/checkout.py:
# bench/results/checkout.md). Each runs even when another fails.
bench: install
	@status=0; \
	$(BIN)/python -m bench.http || status=1; \
	$(BIN)/python -m bench.catalog || status=1; \
	$(BIN)/python -m bench.search || status=1; \
	$(BIN)/python -m bench.checkout || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .import_linter_cache .hypothesis
