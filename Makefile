# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.installed-runtime
DEV := $(VENV)/.installed-dev

.PHONY: install run chat test lint typecheck bench clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV): $(RUNTIME)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(DEV)  ## create .venv and install the project with dev extras

run: $(RUNTIME)  ## the bot on the embedded default: web chat on http://127.0.0.1:8080, SQLite
	$(PY) -m bot run

chat: $(RUNTIME)  ## talk to the bot in this terminal
	$(PY) -m bot chat

lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(DEV)
	$(VENV)/bin/mypy

test: lint typecheck  ## ruff, mypy and the whole test suite
	$(VENV)/bin/pytest

bench: $(DEV)
	$(PY) benchmarks/match.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
