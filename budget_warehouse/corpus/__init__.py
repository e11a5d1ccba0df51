"""Synthetic budget documents with known truth, for testing the extractor and the checks.

    truth = generate(seed)                       # DocumentTruth
    text = render(truth, Layout.random(rng))     # the document text
    facts = truth.expected_facts()               # what the warehouse should hold
    result = inject(truth, rng, "t3_detail")     # one printed number changed + expected findings
    series = generate_series(5, 4, seed)         # 5 departments × 4 consecutive years, each year's
                                                 # 比上年 statements consistent with the year before
    fault = inject_yoy(series[0][2], series[0][1], rng)  # one statement that disagrees with last year
    text_fault = inject_text(truth, rng, "direction_word")  # a reviewer's text mistake (text_faults.py)
"""

from budget_warehouse.corpus.faults import FAULT_KINDS, FaultResult, check, inject, inject_yoy
from budget_warehouse.corpus.generate import generate, generate_many, generate_series, next_year
from budget_warehouse.corpus.model import YOY_MEASURES, DocumentTruth
from budget_warehouse.corpus.render import Layout, render
from budget_warehouse.corpus.text_faults import TEXT_FAULT_KINDS, inject_text

__all__ = [
    "FAULT_KINDS",
    "TEXT_FAULT_KINDS",
    "YOY_MEASURES",
    "DocumentTruth",
    "FaultResult",
    "Layout",
    "check",
    "generate",
    "generate_many",
    "generate_series",
    "inject",
    "inject_text",
    "inject_yoy",
    "next_year",
    "render",
]
