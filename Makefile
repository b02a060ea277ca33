# Each target sets up what it needs itself, so a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit vsix test-vscode clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	@echo "== Examples that are right: no error or warning expected =="
	$(VENV)/bin/kerasense check examples/right
	@echo
	@echo "== Examples with classic mistakes: each finding comes with a fix =="
	-$(VENV)/bin/kerasense check examples/mistakes

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	$(PY) -m pytest tests

test: lint typecheck unit test-vscode

VSIX := client-vscode/kerasense-$(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' client-vscode/package.json).vsix
VSIX_INPUTS := $(shell find client-vscode/src client-vscode/scripts server/kerasense rules \
	-type f -not -name '*.pyc') client-vscode/package.json client-vscode/.vscodeignore pyproject.toml

client-vscode/node_modules/.installed: client-vscode/package-lock.json
	cd client-vscode && npm ci --no-audit --no-fund
	touch $@

vsix: $(VSIX)

$(VSIX): $(STAMP) client-vscode/node_modules/.installed $(VSIX_INPUTS)
	cd client-vscode && PYTHON=$(abspath $(PY)) npm run --silent package

test-vscode:
	tests/vscode/run.sh

clean:
	rm -rf $(VENV) build *.egg-info
