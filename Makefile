# Two commands do everything on a fresh machine with Python 3.11: `make demo`, `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED_DATA := $(abspath ../shared/data)
# Tests and CI read the real datasets beside the checkout when they are there.
export LEARNKIT_DATA ?= $(if $(wildcard $(SHARED_DATA)/SOURCES.md),$(SHARED_DATA),)
export TF_CPP_MIN_LOG_LEVEL ?= 3
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: demo test test-fast typecheck bench build clean venv sandbox-tools

venv: $(STAMP)

# `learnkit grade` runs every kernel in a bubblewrap sandbox (docs/grading.md): install it when we can.
sandbox-tools:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y bubblewrap || { apt-get update && apt-get install -y bubblewrap; }; \
	  else \
	    echo "NOTE: bubblewrap (bwrap) is not installed: learnkit grade will refuse to grade without it."; \
	    echo "      Install it as root: apt-get install -y bubblewrap (dnf/pacman: bubblewrap),"; \
	    echo "      or grade with --no-sandbox (the runs are then marked NOT SANDBOXED)."; \
	  fi; }

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP) sandbox-tools
	$(BIN)/learnkit demo

# The type check, then unit tests, grading tests and every notebook (author tests, solutions, unmodified exercises)
# in one pytest session on 2 workers, notebooks first (the longest items start first, so both workers finish
# together); committed notebooks must be up to date with their sources.
test: $(STAMP) sandbox-tools typecheck
	$(BIN)/learnkit build --check
	$(BIN)/python -m pytest -n 2 --dist loadgroup --learnkit -q notebooks tests

# The type checker over the package (settings in pyproject.toml, [tool.mypy]).
typecheck: $(STAMP)
	$(BIN)/python -m mypy learnkit

test-fast: $(STAMP) sandbox-tools
	$(BIN)/python -m pytest -q -m "not slow" tests

bench: $(STAMP)
	$(BIN)/python benchmarks/check_latency.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache
