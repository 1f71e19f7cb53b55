# The two commands a newcomer needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: serve test install build check lint clean relevance

$(BIN)/kb: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/kb

build: install
	$(BIN)/kb build

serve: build
	$(BIN)/kb serve --host $(HOST) --port $(PORT)

check: install
	$(BIN)/kb check

test: install
	$(BIN)/python -m pytest

relevance: install
	$(BIN)/python -m tests.relevance.evaluate

lint: install
	$(BIN)/ruff check kb tests

clean:
	rm -rf $(VENV) .kb-index .pytest_cache
