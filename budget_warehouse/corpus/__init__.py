"""Synthetic budget documents with known truth, for testing the extractor and the checks.

    truth = generate(seed)                       # DocumentTruth
    text = render(truth, Layout.random(rng))     # the document text
    facts = truth.expected_facts()               # what the warehouse should hold
    result = inject(truth, rng, "t3_detail")     # one printed number changed + expected findings
"""

from budget_warehouse.corpus.faults import FAULT_KINDS, FaultResult, check, inject
from budget_warehouse.corpus.generate import generate, generate_many
from budget_warehouse.corpus.model import DocumentTruth
from budget_warehouse.corpus.render import Layout, render

__all__ = [
    "FAULT_KINDS",
    "DocumentTruth",
    "FaultResult",
    "Layout",
    "check",
    "generate",
    "generate_many",
    "inject",
    "render",
]
