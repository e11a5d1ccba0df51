# Two commands do all set-up on a fresh clone: `make run` and `make test`.
# The virtualenv is created on first use from the exact pins in constraints.txt.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
WAREHOUSE ?= data/warehouse/budget.duckdb
export GX_ANALYTICS_ENABLED = false
export DO_NOT_TRACK = 1

.PHONY: run test bench dev clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $(STAMP)

## Ingest every document in data/raw/ into $(WAREHOUSE), run the quality suites, print a summary.
run: $(STAMP)
	$(BIN)/budget-warehouse ingest data/raw --warehouse $(WAREHOUSE)

## The whole test suite.
test: $(STAMP)
	$(BIN)/python -m pytest

## Benchmarks: extraction speed, end-to-end ingest of a generated corpus (figures go in the README).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

## The Dagster UI on http://127.0.0.1:$(DEV_PORT) (code location pipelines/definitions.py): prints which
## sensors and schedules run, stops everything on the first SIGTERM or Ctrl-C (pipelines/dev.py).
DEV_PORT ?= 3000
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
dev: $(STAMP)
	mkdir -p $(DAGSTER_HOME)
	DAGSTER_HOME=$(DAGSTER_HOME) exec $(BIN)/python -m pipelines.dev -p $(DEV_PORT)  # code location from [tool.dagster] in pyproject.toml

clean:
	rm -rf data/warehouse/* data/staging dbt_project/target dbt_project/logs
