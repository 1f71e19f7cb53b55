# The two commands a newcomer needs: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: serve test install build check check-entries lint clean relevance lock audit bench bench-quick bench-50k

# Dependencies come from the hash-pinned lock file; the package itself is installed editable.
$(BIN)/kb: pyproject.toml requirements-test.lock
	@# a .venv left without pip by a failed first run (no python3-venv yet) is made again
	$(BIN)/python -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/kb

build: install
	$(BIN)/kb build

serve: build
	$(BIN)/kb serve --host $(HOST) --port $(PORT)

check: install
	$(BIN)/kb check

# The content check of a pull request: fails on errors and on any published address that
# would stop resolving (compared with BASE, default origin/main, else HEAD); prints warnings.
BASE ?= origin/main
check-entries: install
	@base=$$(git rev-parse --verify --quiet "$(BASE)^{commit}" >/dev/null && echo "$(BASE)" \
		|| echo HEAD); echo "kb check --against $$base"; $(BIN)/kb check --against "$$base"

# The suite runs on every core (pytest-xdist); `pytest tests/test_x.py` alone runs serially.
test: install
	$(BIN)/python -m pytest -n auto

# Benchmarks (not tests): synthetic corpus, kb against SQLite FTS5; see bench/README.md.
bench: install
	$(BIN)/python -m bench.run --n 10000

bench-quick: install
	$(BIN)/python -m bench.run --n 1000

bench-50k: install
	$(BIN)/python -m bench.run --n 50000

relevance: install
	$(BIN)/python -m tests.relevance.evaluate

# Regenerate the lock files after changing dependencies in pyproject.toml.
LOCK := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	$(LOCK) --extra server -o requirements.lock pyproject.toml
	$(LOCK) --extra test --extra server -o requirements-test.lock pyproject.toml

# Known vulnerabilities in the pinned dependencies: exit 1 if any is found. A package the
# vulnerability database could not be asked about is named, with a warning after the summary,
# so "No known vulnerabilities found" never stands alone when something went unchecked.
audit: install
	$(BIN)/python -m pip install --quiet pip-audit
	@out=$$($(BIN)/pip-audit --require-hashes --disable-pip --progress-spinner off \
		-r requirements-test.lock 2>&1); status=$$?; echo "$$out"; \
	skipped=$$(echo "$$out" | grep -c "could not be audited"); if [ "$$skipped" -gt 0 ]; then \
		echo "warning: $$skipped packages were not audited: the vulnerability database could" \
		"not be asked about them"; fi; exit $$status

lint: install
	$(BIN)/ruff check kb tests

clean:
	rm -rf $(VENV) .kb-index .pytest_cache
