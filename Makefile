# DVT: `make run` starts it with the demo project, `make test` runs every check. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT_VENV := .venv-dbt
DBT := $(DBT_VENV)/bin/dbt
CODEGEN_VENV := .venv-codegen
CLIENT := backend/dvt/client
DATA_DIR ?= .dvt
DEMO_OUT := $(DATA_DIR)/demo
DEMO_PROJECT := examples/demo_shop
DEMO_REPO := $(DATA_DIR)/demo-repo
export DO_NOT_TRACK := 1

.PHONY: setup run test lint typecheck contracts schema schema-check pytest bench demo-artifacts demo-repo clean \
	frontend frontend-check gql chromium wheel compose-check \
	client client-check

setup: $(VENV)/.installed $(DBT_VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

# dbt gets its own venv: its pins conflict with the server's, and DVT only runs it as a subprocess.
$(DBT_VENV)/.installed: requirements/dbt.txt
	$(PYTHON) -m venv $(DBT_VENV)
	$(DBT_VENV)/bin/pip install -q -r requirements/dbt.txt
	touch $@

# ariadne-codegen pins graphql-core and ruff below ours: it gets a venv of its own too.
$(CODEGEN_VENV)/.installed: requirements/codegen.txt
	$(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/pip install -q -r requirements/codegen.txt
	touch $@

# Real dbt writes the demo's artifacts: build (manifest, run_results), docs (catalog), freshness (sources).
# Each command gets its own target path, since `dbt docs generate` overwrites run_results.json.
demo-artifacts: setup
	rm -rf $(DEMO_OUT) && mkdir -p $(DEMO_OUT)
	cd $(DEMO_PROJECT) && DVT_DEMO_DUCKDB_PATH=$(CURDIR)/$(DEMO_OUT)/demo_shop.duckdb $(CURDIR)/$(DBT) build \
		--profiles-dir . --target-path $(CURDIR)/$(DEMO_OUT)/build --log-path $(CURDIR)/$(DEMO_OUT)/logs --no-use-colors -q
	cd $(DEMO_PROJECT) && DVT_DEMO_DUCKDB_PATH=$(CURDIR)/$(DEMO_OUT)/demo_shop.duckdb $(CURDIR)/$(DBT) docs generate \
		--profiles-dir . --target-path $(CURDIR)/$(DEMO_OUT)/docs --log-path $(CURDIR)/$(DEMO_OUT)/logs --no-use-colors -q
	cd $(DEMO_PROJECT) && DVT_DEMO_DUCKDB_PATH=$(CURDIR)/$(DEMO_OUT)/demo_shop.duckdb $(CURDIR)/$(DBT) source freshness \
		--profiles-dir . --target-path $(CURDIR)/$(DEMO_OUT)/freshness --log-path $(CURDIR)/$(DEMO_OUT)/logs --no-use-colors -q

# Runs check the project out of git, as they would a team's repository: the demo gets a local one.
demo-repo:
	rm -rf $(DEMO_REPO) && mkdir -p $(DATA_DIR) && cp -r $(DEMO_PROJECT) $(DEMO_REPO)
	rm -rf $(DEMO_REPO)/target $(DEMO_REPO)/logs $(DEMO_REPO)/*.duckdb
	cd $(DEMO_REPO) && git init -q -b main && git add -A \
		&& git -c user.name=DVT -c user.email=demo@dvt.invalid commit -q -m "demo project"

run: setup frontend demo-artifacts demo-repo
	$(BIN)/dvt migrate
	$(BIN)/dvt ingest $(DEMO_OUT)/build/manifest.json $(DEMO_OUT)/build/run_results.json \
		$(DEMO_OUT)/docs/catalog.json $(DEMO_OUT)/freshness/sources.json --project demo-shop --environment dev \
		--repository $(CURDIR)/$(DEMO_REPO) --set path=$(CURDIR)/$(DEMO_OUT)/demo_shop.duckdb \
		--commit $$(git -C $(DEMO_REPO) rev-parse HEAD)
	$(BIN)/dvt serve

lint: setup
	$(BIN)/ruff check backend tests
	$(BIN)/ruff format --check backend tests

typecheck: setup
	$(BIN)/mypy

contracts: setup
	$(BIN)/lint-imports

# The committed schemas must be what the code exports: regenerate with `make schema`.
schema-check: setup
	$(BIN)/dvt export-schema | diff -u schema/schema.graphql - \
		|| (echo "schema/schema.graphql is stale: run 'make schema'" && exit 1)
	rm -rf .cache/contracts && $(BIN)/dvt export-contracts --out .cache/contracts >/dev/null
	diff -ru schema/contracts .cache/contracts \
		|| (echo "schema/contracts is stale: run 'make schema'" && exit 1)

schema: setup
	$(BIN)/dvt export-schema > schema/schema.graphql
	$(BIN)/dvt export-contracts --out schema/contracts

# dvt.client is generated from schema/schema.graphql and $(CLIENT)/queries.graphql (config: pyproject.toml's
# [tool.ariadne-codegen]), then formatted by our ruff. `client-check` generates it into .cache and compares.
define generate_client
	rm -rf $(1) && mkdir -p $(1)
	sed 's|^target_package_path = .*|target_package_path = "$(dir $(1))"|; s|^target_package_name = .*|target_package_name = "$(notdir $(1))"|' \
		pyproject.toml > .cache/client-codegen.toml
	$(CODEGEN_VENV)/bin/ariadne-codegen --config .cache/client-codegen.toml >/dev/null
	$(BIN)/ruff check --fix-only -q $(1)
	$(BIN)/ruff format -q $(1)
endef

client: setup $(CODEGEN_VENV)/.installed
	mkdir -p .cache
	$(call generate_client,.cache/client)
	rm -f $(CLIENT)/*.py && cp .cache/client/*.py $(CLIENT)/

client-check: setup $(CODEGEN_VENV)/.installed
	mkdir -p .cache
	$(call generate_client,.cache/client_check)
	diff -ru -x queries.graphql -x __pycache__ $(CLIENT) .cache/client_check \
		|| (echo "$(CLIENT) is stale: run 'make client'" && exit 1)

pytest: setup
# Two processes (this machine has two cores), each with a database of its own; a file's tests stay in one
# process (--dist loadfile: module fixtures are built once). The slowest tests are in every CI log: keep
# `make test` well under 20 minutes.
	$(BIN)/pytest -q -n 2 --dist loadfile --durations=25

# The SPA (frontend/): npm packages from the lock file, the build that `dvt serve` serves from the same origin.
NPM := cd frontend && npm
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: frontend/node_modules/.installed
	$(NPM) run build --silent

# Types generated from schema/schema.graphql must be the committed ones; then types and unit tests.
frontend-check: frontend/node_modules/.installed
	rm -rf .cache/gql && $(NPM) exec --silent -- env GQL_OUT=../.cache/gql/ graphql-codegen --config codegen.ts --silent
	diff -ru frontend/src/gql .cache/gql || (echo "frontend/src/gql is stale: run 'make gql'" && exit 1)
	$(NPM) exec --silent -- tsc -b
	$(NPM) exec --silent -- eslint .
	$(NPM) exec --silent -- vitest run

gql: frontend/node_modules/.installed
	$(NPM) run codegen --silent

# The browser tests drive Debian's Chromium (playwright-core never downloads a browser).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)

# The compose stack must be one docker-compose accepts (Debian's package; no container engine runs here).
compose-check:
	@command -v docker-compose >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q docker-compose)
	KEYCLOAK_ADMIN_PASSWORD=check DVT_SECRET_KEYS=check DVT_S3_SECRET_ACCESS_KEY=check docker-compose config -q

test: lint typecheck contracts schema-check client-check compose-check frontend-check frontend chromium pytest

# The installable package: migrations and the built SPA inside (tests/integration/test_wheel.py installs and drives
# one). Built from a copy, so the checkout's editable install never serves a stale SPA of its own.
wheel: setup frontend
	rm -rf .cache/wheel-source && mkdir -p .cache/wheel-source
	cp -r pyproject.toml README.md backend .cache/wheel-source/
	find .cache/wheel-source -name __pycache__ -prune -exec rm -rf {} +
	cp -r frontend/dist .cache/wheel-source/backend/dvt/spa
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .cache/wheel-source

# Each writes its own section of docs/benchmarks.md; run one at a time (they share the file and the CPU).
bench: setup
	$(BIN)/python -m tests.benchmarks.run
	$(BIN)/python -m tests.benchmarks.plans
	$(BIN)/python -m tests.benchmarks.security
	$(BIN)/python -m tests.benchmarks.runs
	$(BIN)/python -m tests.benchmarks.git_planning
	$(BIN)/python -m tests.benchmarks.schedules --out docs/benchmarks.md
	$(BIN)/python -m tests.benchmarks.replicas
	$(BIN)/python -m tests.benchmarks.distributed_runs
	$(BIN)/python -m tests.benchmarks.artifact_store
	$(BIN)/python -m tests.benchmarks.remote_cli
	$(MAKE) frontend chromium
	$(BIN)/python -m tests.benchmarks.spa

clean:
	rm -rf $(VENV) $(DBT_VENV) $(DATA_DIR) frontend/node_modules frontend/dist
