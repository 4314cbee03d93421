# civwatch: two commands do all the set-up on a fresh machine.
#   make demo   installs, loads the bundled real UCDP sample, serves the dashboard on 127.0.0.1:8000
#   make test   installs, runs the whole suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= $(CURDIR)/demo.sqlite
HOST ?= 127.0.0.1
PORT ?= 8000
# two workers: every test has its own SQLite file and PostgreSQL database (docs in README)
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/civwatch --db $(DEMO_DB) demo --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) demo.sqlite* .pytest_cache test-artifacts
