# Two commands do all set-up on a fresh clone: `make run` and `make test`.
# The virtualenv is created on first use from the exact pins in constraints.txt.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
WAREHOUSE ?= data/warehouse/budget.duckdb
REPORT    ?= $(dir $(WAREHOUSE))report
SUDO      := $(if $(filter 0,$(shell id -u)),,sudo)
export GX_ANALYTICS_ENABLED = false
export DO_NOT_TRACK = 1

.PHONY: run test bench bench-large dev clean setup docs

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $(STAMP)

## OS packages (Debian) the report needs: Chromium and a CJK font for its browser test, pdftoppm for page
## images. Skipped when present.
setup:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && fc-list :lang=zh | grep -q . \
	  || { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium fonts-noto-cjk poppler-utils; }

## Ingest every document in data/raw/ into $(WAREHOUSE), run the quality suites, print a summary and
## write the report ($(REPORT)/index.html).
run: $(STAMP)
	$(BIN)/budget-warehouse ingest data/raw --warehouse $(WAREHOUSE)

## The whole test suite, one worker per core; a test file stays on one worker, so its module-scoped
## warehouses are built once.
test: $(STAMP) setup
	$(BIN)/python -m pytest -n auto --dist loadfile

## dbt's documentation of the warehouse (one static page, $(REPORT)/dbt-docs/index.html), linked from the report.
docs: $(STAMP)
	$(BIN)/python -m budget_warehouse.report.dbt_docs $(WAREHOUSE) $(REPORT)/dbt-docs
	$(BIN)/budget-warehouse report --warehouse $(WAREHOUSE) --out $(REPORT)

## Benchmarks: extraction speed, end-to-end ingest of a generated corpus (figures go in the README).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## The same at 10,000 documents (long: run it on a quiet machine).
bench-large: $(STAMP)
	$(BIN)/python benchmarks/run.py --documents 10000

## The Dagster UI on http://127.0.0.1:$(DEV_PORT) (code location pipelines/definitions.py): prints which
## sensors and schedules run, stops everything on the first SIGTERM or Ctrl-C (pipelines/dev.py).
DEV_PORT ?= 3000
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
dev: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	DAGSTER_HOME=$(DAGSTER_HOME) exec $(BIN)/python -m pipelines.dev -p $(DEV_PORT)  # code location from [tool.dagster] in pyproject.toml

clean:
	rm -rf data/warehouse/* data/staging dbt_project/target dbt_project/logs
