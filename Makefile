# The same commands README and CI use. `make demo` and `make test` each set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed

.PHONY: demo test test-fast lint typecheck bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# CPU build of torch first, pinned, so nothing resolves the multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/voc analyze data/sample/nps_export.csv --out voc-report

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

test-fast: $(STAMP)
	$(BIN)/pytest -q

# The portal's browser tests drive Debian's Chromium (Playwright never downloads a browser).
chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

test: lint typecheck test-fast chromium
	$(BIN)/pytest -q -m slow
	# Fault tests: kill -9, PostgreSQL restarted, Redis down, disk full (they leave PostgreSQL running).
	$(BIN)/pytest -q -m faults
	$(BIN)/pytest -q -m browser

bench: $(STAMP)
	$(BIN)/python bench/langid.py

clean:
	rm -rf $(VENV) voc-report .pytest_cache .mypy_cache .ruff_cache
