# Thin wrappers: every target sets itself up first, so `make demo` and
# `make test` work in a fresh clone. PYTHON picks the interpreter for the venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help setup system-deps demo test test-all lint format typecheck bench notebooks clean

help:
	@echo "make demo   - set up, then train a small network and write its pictures"
	@echo "make test   - set up, lint, type-check and run the fast tests (not 'slow'; ~1 min)"
	@echo "make test-all - the same with every test: scale, notebooks, the full demo (~3 min)"
	@echo "make bench  - set up, then time autograd_mini against micrograd"
	@echo "make format - apply ruff format and fixes"
	@echo "make notebooks - set up, then re-execute every lesson and save it with outputs"

# System packages: Graphviz's `dot` renders the graphs; Chromium drives the
# player test. Installed with apt-get when missing and we are root; otherwise
# a one-line hint (the Python side still works without them).
system-deps:
	@PYTHON="$(PYTHON)" bash scripts/system_deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,notebooks]"
	@touch $(STAMP)

setup: system-deps $(STAMP)

demo: setup
	$(BIN)/autograd-mini demo

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

# The package strictly (pyproject.toml); tests and benchmarks with tests/mypy.ini.
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --config-file tests/mypy.ini tests benchmarks

test: setup lint typecheck
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: setup lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --- benchmarks: autograd_mini vs micrograd, writes benchmarks/RESULTS.md.
# `make bench BENCH_ARGS=--quick` is a smoke run that writes nothing.
BENCH_ARGS ?=

bench: setup
	$(BIN)/python benchmarks/compare.py $(BENCH_ARGS)

# --- notebooks ---------------------------------------------------------------
# Re-executes notebooks/NN_*.ipynb top to bottom in fresh kernels and saves them with
# their outputs (the committed form); prints each notebook's execution time.
notebooks: setup
	$(BIN)/python scripts/run_notebooks.py
# --- end notebooks -----------------------------------------------------------

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis autograd-mini-demo
