"""Compare extractor records with a generated document's truth (budget_warehouse.corpus).

`extracted_facts` puts the records under the same natural keys as
`DocumentTruth.expected_facts()`, so a test can diff the two dict by dict.
"""

from __future__ import annotations

from decimal import Decimal

# Claim (kind, measure) of the extractor -> (kind, measure) of the generator's truth.
CLAIM_NAMES = {
    ("total_revenue", "total"): ("total_revenue", "total"),
    ("total_expenditure", "total"): ("total_expenditure", "total"),
    ("general_budget_total", "total"): ("general_budget_expenditure", "total"),
    ("basic_total", "basic"): ("fiscal_basic_expenditure", "basic"),
    ("basic_part", "personnel"): ("personnel_funds", "personnel"),
    ("basic_part", "public"): ("public_funds", "public"),
    ("project_total", "total"): ("project_total", "total"),
}

NUMERIC = ("fct_budget_summary", "fct_revenue", "fct_expenditure", "fct_subject_budget", "fct_economic_budget",
           "fct_three_public", "fct_project", "perf_funding", "special_funds")


def extracted_facts(doc) -> dict[str, dict]:
    out: dict[str, dict] = {name: {} for name in NUMERIC}
    for c in doc.cells:
        if c.amount is None:
            continue
        k = c.table_kind
        if k in ("summary", "fiscal_summary"):
            out["fct_budget_summary"][(k, c.side, c.item_key)] = c.amount
        elif k == "revenue_by_unit":
            out["fct_revenue"][(c.unit_code, c.measure)] = c.amount
        elif k == "expenditure_by_unit":
            out["fct_expenditure"][(c.unit_code, c.subject_code, c.measure_group, c.measure)] = c.amount
        elif k in ("general_budget_by_subject", "gov_fund_by_subject"):
            out["fct_subject_budget"][(k, c.subject_code, c.measure)] = c.amount
        elif k in ("economic_class", "basic_economic_class"):
            out["fct_economic_budget"][(k, c.econ_code, c.measure)] = c.amount
        elif k == "three_public":
            out["fct_three_public"][(c.item_key, c.measure)] = c.amount
        elif k == "special_funds":
            out["special_funds"][(c.unit_code, c.item_label, c.measure)] = c.amount
    for p in doc.projects:
        out["fct_project"][(p.seq,)] = p.amount
    for perf in doc.perf_tables:
        for f in perf.funding:
            if f.amount is not None:
                out["perf_funding"][(perf.perf_id, f.period, f.source)] = f.amount
    return out


def diff(expected: dict, got: dict) -> dict[str, tuple]:
    """Per fact table: (missing keys, unexpected keys, keys whose amounts differ)."""
    problems = {}
    for name in NUMERIC:
        want = {k: Decimal(v) for k, v in expected.get(name, {}).items()}
        have = got[name]
        missing = sorted(set(want) - set(have), key=repr)
        extra = sorted(set(have) - set(want), key=repr)
        wrong = sorted(((k, want[k], have[k]) for k in set(want) & set(have) if want[k] != have[k]), key=repr)
        if missing or extra or wrong:
            problems[name] = (missing, extra, wrong)
    return problems
