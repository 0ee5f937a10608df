# fogbank — the two commands users need are `make e2e` and `make test`; both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fogbank-installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1

.PHONY: install system-packages test doctest unit integration e2e e2e-aws-rehearsal lint format bench clean

# Re-installs only when pyproject.toml changed since the last install (the stamp file). The Node.js runtime's
# AWS SDK (for the local cloud's nodejs functions) is installed once into fogbank's cache; later runs only check it.
# So are the Lambda Python runtime's packages for each other minor whose interpreter is found (runtime_wheels.py):
# no pip for a minor the pinned versions do not support (3.9) nor after a failure recorded within the hour.
install: $(STAMP) system-packages
	@$(BIN)/python -m fogbank.cloud.lambda_.node_runtime >/dev/null
	@$(BIN)/python -m fogbank.cloud.lambda_.runtime_wheels

# The local cloud's ElastiCache runs Debian's redis-server (Redis 7 with TLS); installed once, then only checked.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-packages:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends redis-server; }

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[cdk,dev]'
	@touch $(STAMP)

# The browser tests (tests/integration/browser) need Debian's chromium; without it they skip, and this says so.
CHROMIUM ?= /usr/bin/chromium
test: install
	@test -x $(CHROMIUM) || echo "!!! NO CHROMIUM: the browser tests of the report and the console are SKIPPED. Get it with: $(SUDO) apt-get install -y chromium  (.ci/run installs it) !!!"
	$(BIN)/python -m pytest tests/unit tests/integration -n 2 --dist loadgroup -q
	$(MAKE) --no-print-directory doctest

# Docstring examples run as doctests (about 20 s). An example that cannot run here (a running cloud, a deployed
# stack, a worker process, GitHub, real AWS) is marked +SKIP under "Example (skipped as a doctest: <why>):";
# tests/unit/test_docstring_examples.py fails on any other +SKIP. Not collected: modules that only import inside
# a Lambda worker (their imports exist only in the worker's runtime directory).
DOCTEST_NOT_IMPORTABLE := src/fogbank/cloud/lambda_/worker_boot.py src/fogbank/cloud/lambda_/zygote_main.py
doctest: install
	$(BIN)/python -m pytest --doctest-modules src/fogbank -q -p no:xdist $(addprefix --ignore=,$(DOCTEST_NOT_IMPORTABLE))

unit: install
	$(BIN)/python -m pytest tests/unit -q

integration: install
	$(BIN)/python -m pytest tests/integration -q

# The example features on the local cloud, then the release path of the project's own layer (publish both
# architectures to two regions, verify each with a canary) rehearsed on a local cloud.
e2e: install
	$(BIN)/fogbank e2e
	$(BIN)/python -m pytest tests/release -q

# The aws target rehearsed on a local cloud bootstrapped by `npx cdk bootstrap` (docs/running-on-aws.md).
e2e-aws-rehearsal: install
	BIN=$(BIN) .ci/aws-rehearsal

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# Every benchmark records its rows (benchmarks/results.py); the last step prints them as one table. A benchmark
# that fails leaves its rows out (the table says which) and the others still run.
bench: install
	@$(BIN)/python benchmarks/results.py --clear
	-$(BIN)/python -m pytest benchmarks --benchmark-only -q -p no:xdist
	-$(BIN)/python benchmarks/request_floor.py
	-$(BIN)/python benchmarks/lambda_user_path.py
	-$(BIN)/python benchmarks/stack_deploys.py
	-$(BIN)/python benchmarks/layer_cli.py
	-$(BIN)/python benchmarks/e2e_timing.py --suite-only
	@$(BIN)/python benchmarks/results.py

clean:
	rm -rf cdk.out .pytest_cache
