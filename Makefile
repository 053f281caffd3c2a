# The README's commands. Every target creates/refreshes the virtual environment itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint check bench clean compiled

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# rsapp's own modules compiled ahead, as pip does for an installed package: an editable install
# leaves that to the first import, which never writes it where PYTHONDONTWRITEBYTECODE is set
# (Docker images, CI), so every start would compile all of rsapp again. Up-to-date files are skipped.
compiled: $(STAMP)
	@$(BIN)/python -m compileall -q rsapp

run: compiled
	$(BIN)/rsapp

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check rsapp tests bench
	$(BIN)/ruff format --check rsapp tests bench

# What CI enforces before the tests: lint and format, the import contracts (the headless core imports
# no Textual, screens do not import the models) and mypy. The modules mypy checks, and its settings,
# are in pyproject.toml ([tool.mypy] files), the one list to widen as the core becomes clean.
check: lint
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

bench: compiled
	@status=0; for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || status=1; done; exit $$status

clean:
	rm -rf $(VENV) .pytest_cache build dist
