from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays the same examples every run, so main cannot turn red by luck; set
# HYPOTHESIS_PROFILE=explore for new random inputs each run when changing a parser.
settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_7ecefe3468064f3a.txt"

# Parallel workers (pytest-xdist) build warehouses at the same time: a dbt target folder each.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault(
        "BUDGET_DBT_TARGET_DIR", str(ROOT / "dbt_project" / "target" / f"in_process_{os.environ['PYTEST_XDIST_WORKER']}")
    )
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_doc(sample_text):
    from budget_warehouse.extract.document import extract

    return extract(sample_text, source_name=SAMPLE.name)
