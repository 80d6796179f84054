# The two commands of the README: `make serve` and `make test`. Everything they need is set up
# here, so they work on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TOOLS := .tools
UV := $(TOOLS)/bin/uv
# uv cannot download a Python on these machines: use the pyenv-installed 3.13 where there is one.
PYENV_313 := $(shell command -v pyenv >/dev/null 2>&1 && pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.[0-9]+)?$$' | tail -n1)
ifneq ($(PYENV_313),)
export PYENV_VERSION := $(PYENV_313)
endif
export UV_PYTHON ?= 3.13
export UV_PYTHON_DOWNLOADS := never
# The PostgreSQL run of the tests; pytest-django creates and drops test_<name> itself.
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/osloregion
# The tests run in one process per core (pytest-xdist, at most 4), each module in one
# process, so that a module's costly fixtures (a crawl, a live server) are built once.
PYTEST_PARALLEL ?= --numprocesses=auto --maxprocesses=4 --dist=loadscope
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help serve test lint test-sqlite test-postgresql export lighthouse

help:
	@echo "make serve  – installer, migrer, last strategien og server den på http://$(HOST):$(PORT)/"
	@echo "make test   – pre-commit (ruff, django-upgrade), makemigrations --check og testene på SQLite (med nettlesertestene) og PostgreSQL"

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked
	touch $@

# The browser tests need Debian's Chromium, Java (Nu Html Checker) and npm. A fresh machine of
# ours runs as root with apt: install what is missing; anywhere else, say what to install.
# Installs the Debian packages listed in $$missing (as root, with apt-get) or says which to
# install; $(1) says what they are for, $(2) what needs them.
define install_missing
if [ -n "$$missing" ]; then \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installerer$$missing $(1)"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "FEIL: $(2) trenger$$missing (apt-get install$$missing)."; exit 1; \
	fi; \
fi
endef

.PHONY: browser-tools
browser-tools:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	$(call install_missing,for nettlesertestene,nettlesertestene)

# WeasyPrint (the PDFs) and CairoSVG (the strategy map as PNG) need Pango, HarfBuzz and
# Cairo from Debian, and the fonts the PDFs embed. Installed like the browser tools.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libcairo2 fonts-liberation fonts-dejavu-core
.PHONY: pdf-tools
pdf-tools:
	@missing=""; \
	for package in $(PDF_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	$(call install_missing,for PDF og strategikart,PDF-ene og strategikartet)


# Search splits Norwegian compounds with Debian's hunspell-no (strategy/search/language.py); the path
# can be set with HUNSPELL_NB_DICTIONARY (without .dic/.aff). Same pattern as browser-tools.
HUNSPELL_NB_DICTIONARY ?= /usr/share/hunspell/nb_NO
.PHONY: search-tools
search-tools:
	@if [ ! -f "$(HUNSPELL_NB_DICTIONARY).dic" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installerer hunspell-no (norsk ordbok for sammensatte ord i søket)"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell-no >/dev/null; \
		else \
			echo "FEIL: søket trenger den norske ordboken $(HUNSPELL_NB_DICTIONARY).dic (apt-get install hunspell-no)."; exit 1; \
		fi; \
	fi

# axe-core, the Nu Html Checker and Lighthouse for the browser tests (package-lock.json).
node_modules/.installed: package.json package-lock.json | browser-tools
	npm ci --no-audit --no-fund
	touch $@

serve: .venv/.synced pdf-tools search-tools
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py load_strategy
	@echo "Portalen kjører på http://$(HOST):$(PORT)/ (Ctrl+C stopper)"
	$(UV) run python manage.py runserver $(HOST):$(PORT)

# django-upgrade, ruff and ruff format (.pre-commit-config.yaml): they fix what they can and fail
# when they changed a file.
lint: .venv/.synced
	$(UV) run pre-commit run --all-files --show-diff-on-failure
	$(UV) run python manage.py makemigrations --check --dry-run

# The browser tests (Chromium, axe-core, Nu Html Checker) run here; the PostgreSQL run leaves
# them out (deselected, not skipped): they test the pages, not the database.
test-sqlite: .venv/.synced pdf-tools search-tools browser-tools node_modules/.installed
	env -u DATABASE_URL $(UV) run pytest $(PYTEST_PARALLEL)

# Under CI=true an unreachable PostgreSQL is a failure, never a silent skip.
test-postgresql: .venv/.synced pdf-tools search-tools
	@if $(UV) run python -c "import psycopg, sys; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=3).close()" "$(POSTGRES_TEST_URL)" 2>/dev/null; then \
		DATABASE_URL="$(POSTGRES_TEST_URL)" REQUIRE_POSTGRESQL=1 $(UV) run pytest -m "not browser" $(PYTEST_PARALLEL); \
	elif [ "$$CI" = "true" ]; then \
		echo "FEIL: PostgreSQL svarer ikke på $(POSTGRES_TEST_URL), og CI=true krever den."; exit 1; \
	else \
		echo "MERK: PostgreSQL svarer ikke på $(POSTGRES_TEST_URL); testene kjørte bare på SQLite."; \
	fi

test: lint test-sqlite test-postgresql

export: .venv/.synced
	$(UV) run python manage.py export_strategy

# Lighthouse (mobile) on the five pages of issue 15, against gunicorn in production mode:
# prints the four scores and the bytes of a first visit, and fails below 100 or over 50 KB.
lighthouse: .venv/.synced pdf-tools browser-tools node_modules/.installed
	$(UV) run python scripts/lighthouse.py
