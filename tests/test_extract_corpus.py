"""Generated documents of other departments, regions and years, in every layout, against their truth."""

from __future__ import annotations

import pytest

from budget_warehouse.corpus.generate import generate_many
from budget_warehouse.corpus.render import Layout, render
from budget_warehouse.extract.document import extract
from truth import diff, extracted_facts

TRUTHS = generate_many(60, seed=2026)


@pytest.mark.parametrize("index", range(len(TRUTHS)))
def test_generated_document_matches_its_truth(index):
    import random

    truth = TRUTHS[index]
    layout = Layout.random(random.Random(index))
    doc = extract(render(truth, layout), source_name=f"gen{index}.txt")
    expected = truth.expected_facts()
    assert diff(expected, extracted_facts(doc)) == {}
    meta = expected["document"]
    assert (doc.meta.region, doc.meta.year, doc.meta.phase) == (meta["region"], meta["year"], meta["phase"])
    roster = {u.unit_code: (u.unit_name, u.staffing_quota, u.staff_count) for u in doc.roster}
    assert roster == {code: (r["unit_name"], r["staffing_quota"], r["staff_count"]) for code, r in expected["roster"].items()}
    projects = {(p.seq,): (p.name, p.perf_id) for p in doc.projects}
    assert projects == {k: (v["name"], v["perf_id"]) for k, v in expected["dim_project"].items()}
    subject_claims = {c.subject_code: c.value for c in doc.claims if c.kind == "subject_amount"}
    want = {code: v for (kind, _, code), v in expected["claims"].items() if kind == "subject_amount"}
    assert subject_claims == want
    assert doc.coverage()["unexplained"] == 0


def test_document_ids_are_distinct_across_departments_and_years():
    ids = {extract(render(t), source_name="x").meta.document_id for t in TRUTHS[:20]}
    assert len(ids) == 20
