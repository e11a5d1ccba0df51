"""Fault injection: change one printed number and say which identities it breaks.

``inject(truth, rng, kind)`` picks one printed amount of the kind asked for
(a table-3 detail cell, a 合计, a prose amount, an economic 款, a 三公 item, a
project amount …), changes it by a random difference, renders the document
with that one number changed, and returns the text with the expected
findings: every accounting identity of DOMAIN.md that the change breaks, as
computed by ``check`` (an oracle over the printed facts).
"""

from __future__ import annotations

import copy
import random
from decimal import Decimal
from typing import NamedTuple

from budget_warehouse.corpus.model import (
    BASIC_KINDS,
    KINDS,
    THREE_PUBLIC_ITEMS,
    YOY_MEASURES,
    ZERO,
    DocumentTruth,
    dsum,
)
from budget_warehouse.corpus.render import Layout, fact_table_kind, printed, render

FAULT_KINDS = (
    "t3_detail",  # a unit × subject cell of 支出预算总表
    "t3_total",  # a cell of the 合计 row of 支出预算总表
    "prose_amount",  # an amount the prose restates
    "econ_item",  # an economic 款 line (tables 7/8)
    "three_public_item",  # a 三公 item
    "project_amount",  # an amount of the prose project list
    "t2_cell",  # a unit cell of 收入预算总表
    "t5_cell",  # a subject cell of 一般公共预算拨款支出预算表
    "summary_item",  # a line of 收支预算总表 / 财政拨款收支预算总表
    "perf_funding",  # 资金总额 of a 绩效目标表 (当年度)
)

# Families of the identities (the "kind" of a finding).
FAMILIES = (
    "row_total",  # a row's total column vs its parts
    "column_total",  # a 合计 row vs the sum of the detail rows
    "balance",  # 收入总计 vs 支出总计
    "parent_child",  # a parent line vs its children (economic 类/款, 三公, summary lines)
    "cross_table",  # the same amount in two tables
    "three_public_econ",  # a 三公 item vs its economic 款
    "prose_table",  # an amount the prose states vs the table value
    "project_total",  # the project list vs the stated total and the tables
    "project_perf",  # a project amount vs its 绩效目标表
)


class FaultResult(NamedTuple):
    text: str
    findings: list[dict]
    layout: Layout
    change: dict  # fact, key, before, after, printed_before, printed_after, occurrences


# ---------------------------------------------------------------- the oracle


def check(truth: DocumentTruth, facts: dict[str, dict]) -> list[dict]:
    """Every identity of the document evaluated on ``facts``; returns the broken ones.

    Each violation: {kind (family), rule, table_kind, key, lhs, rhs}. Structure
    (which rows, lines and columns exist) comes from the truth, values from the facts.
    """
    out: list[dict] = []

    def g(name: str, key: tuple) -> Decimal:
        return facts[name].get(key, ZERO)

    def eq(family: str, rule: str, table_kind: str | None, key, lhs: Decimal, rhs: Decimal) -> None:
        if lhs != rhs:
            out.append({"kind": family, "rule": rule, "table_kind": table_kind, "key": key, "lhs": lhs, "rhs": rhs})

    tpl = truth.template
    sources = tpl.revenue_items
    rows = truth.sorted_rows()
    E = "fct_expenditure"

    # Table 3: rows (and the 合计 row) and columns
    t3_measures = [("kind", "total")] + [("kind", k) for k in KINDS] + [("source", "total")] + [("source", s) for s in sources]
    if tpl.t3_basic_column:
        t3_measures.append(("kind", "basic"))
    for unit, subject in [(r.unit_code, r.subject_code) for r in rows] + [(None, None)]:
        key = (unit, subject)
        eq("row_total", "t3_kind_parts", "expenditure_by_unit", key + ("kind",),
           g(E, key + ("kind", "total")), dsum(g(E, key + ("kind", k)) for k in KINDS))
        eq("row_total", "t3_source_parts", "expenditure_by_unit", key + ("source",),
           g(E, key + ("source", "total")), dsum(g(E, key + ("source", s)) for s in sources))
        eq("row_total", "t3_kind_vs_source_total", "expenditure_by_unit", key,
           g(E, key + ("kind", "total")), g(E, key + ("source", "total")))
        if tpl.t3_basic_column:
            eq("row_total", "t3_basic_parts", "expenditure_by_unit", key + ("kind", "basic"),
               g(E, key + ("kind", "basic")), dsum(g(E, key + ("kind", k)) for k in BASIC_KINDS))
    for measure in t3_measures:
        eq("column_total", "t3_total_row", "expenditure_by_unit", (None, None) + measure,
           g(E, (None, None) + measure), dsum(g(E, (r.unit_code, r.subject_code) + measure) for r in rows))

    # Table 2: rows, columns, and vs table 3
    R = "fct_revenue"
    for unit in [u.code for u in truth.units] + [None]:
        eq("row_total", "t2_source_parts", "revenue_by_unit", (unit,), g(R, (unit, "total")), dsum(g(R, (unit, s)) for s in sources))
    for measure in ["total"] + sources:
        eq("column_total", "t2_total_row", "revenue_by_unit", (None, measure),
           g(R, (None, measure)), dsum(g(R, (u.code, measure)) for u in truth.units))
        for u in truth.units:
            eq("cross_table", "t2_vs_t3_unit", "revenue_by_unit", (u.code, measure), g(R, (u.code, measure)),
               dsum(g(E, (r.unit_code, r.subject_code, "source", measure)) for r in rows if r.unit_code == u.code))

    # Tables 1 and 4
    S = "fct_budget_summary"
    for table_kind, fiscal in (("summary", False), ("fiscal_summary", True)):
        items = truth.summary_items(fiscal)
        for side, lines in items.items():
            level1 = [k for k, level, _, _ in lines if level == 1]
            eq("column_total", "summary_total", table_kind, (side, "total"),
               g(S, (table_kind, side, "total")), dsum(g(S, (table_kind, side, k)) for k in level1))
            for parent in sorted({p for _, _, p, _ in lines if p}):
                children = [k for k, _, p, _ in lines if p == parent]
                eq("parent_child", "summary_parent", table_kind, (side, parent),
                   g(S, (table_kind, side, parent)), dsum(g(S, (table_kind, side, k)) for k in children))
        eq("balance", "revenue_vs_expenditure", table_kind, ("total",),
           g(S, (table_kind, "revenue", "total")), g(S, (table_kind, "expenditure", "total")))
    for s in sources:
        eq("cross_table", "t1_vs_t2_source", "summary", ("revenue", s), g(S, ("summary", "revenue", s)), g(R, (None, s)))
    eq("cross_table", "t1_vs_t2_total", "summary", ("revenue", "total"), g(S, ("summary", "revenue", "total")), g(R, (None, "total")))
    eq("cross_table", "t1_vs_t3_total", "summary", ("expenditure", "total"),
       g(S, ("summary", "expenditure", "total")), g(E, (None, None, "kind", "total")))
    for kind in BASIC_KINDS:
        eq("cross_table", "t1_vs_t3_kind", "summary", ("expenditure", kind),
           g(S, ("summary", "expenditure", kind)), g(E, (None, None, "kind", kind)))
    project_lines = [k for k, level, _, _ in truth.summary_items(False)["expenditure"] if level == 1 and k != "basic"]
    eq("cross_table", "t1_vs_t3_project", "summary", ("expenditure", "project"),
       dsum(g(S, ("summary", "expenditure", k)) for k in project_lines), g(E, (None, None, "kind", "project")))
    B = "fct_subject_budget"
    for s in ("general_budget", "gov_fund"):
        eq("cross_table", "t4_vs_t1_source", "fiscal_summary", ("revenue", s),
           g(S, ("fiscal_summary", "revenue", s)), g(S, ("summary", "revenue", s)))
    for measure in ("total", "basic", "project"):
        side_key = ("expenditure", measure)
        eq("cross_table", "t4_vs_t5_t6", "fiscal_summary", side_key, g(S, ("fiscal_summary",) + side_key),
           g(B, ("general_budget_by_subject", None, measure)) + g(B, ("gov_fund_by_subject", None, measure)))

    # Tables 5 and 6
    for table_kind, source in (("general_budget_by_subject", "general_budget"), ("gov_fund_by_subject", "gov_fund")):
        codes = sorted({r.subject_code for r in rows if r.source_amount(source)} | {k[1] for k in facts[B] if k[0] == table_kind and k[1]})
        for code in codes + [None]:
            eq("row_total", "subject_basic_plus_project", table_kind, (code,),
               g(B, (table_kind, code, "total")), g(B, (table_kind, code, "basic")) + g(B, (table_kind, code, "project")))
        for measure in ("total", "basic", "project"):
            eq("column_total", "subject_total_row", table_kind, (None, measure),
               g(B, (table_kind, None, measure)), dsum(g(B, (table_kind, c, measure)) for c in codes))
        for code in codes:
            eq("cross_table", "subject_vs_t3", table_kind, (code,), g(B, (table_kind, code, "total")),
               dsum(g(E, (r.unit_code, r.subject_code, "source", source)) for r in rows if r.subject_code == code))

    # Tables 7 and 8
    EC = "fct_economic_budget"
    for table_kind in ("economic_class", "basic_economic_class"):
        split = table_kind == "economic_class" and tpl.econ7_split
        measures = ("total", "basic", "project") if split else ("total",)
        codes = sorted({k[1] for k in facts[EC] if k[0] == table_kind and k[1]})
        classes = sorted({c[:3] for c in codes})
        has_kuan = table_kind == "basic_economic_class" or tpl.econ7_kuan
        for measure in measures:
            eq("column_total", "econ_total_row", table_kind, (None, measure),
               g(EC, (table_kind, None, measure)), dsum(g(EC, (table_kind, c, measure)) for c in classes))
            if has_kuan:
                for klass in classes:
                    eq("parent_child", "econ_class_vs_kuan", table_kind, (klass, measure), g(EC, (table_kind, klass, measure)),
                       dsum(g(EC, (table_kind, c, measure)) for c in codes if len(c) == 5 and c[:3] == klass))
        if split:
            for code in codes + [None]:
                eq("row_total", "econ_basic_plus_project", table_kind, (code,), g(EC, (table_kind, code, "total")),
                   g(EC, (table_kind, code, "basic")) + g(EC, (table_kind, code, "project")))
    eq("cross_table", "t5_vs_t7_total", "general_budget_by_subject", (None, "total"),
       g(B, ("general_budget_by_subject", None, "total")), g(EC, ("economic_class", None, "total")))
    eq("cross_table", "t8_vs_basic", "basic_economic_class", (None, "total"),
       g(EC, ("basic_economic_class", None, "total")), g(B, ("general_budget_by_subject", None, "basic")))

    # Table 9
    T = "fct_three_public"
    measures = ("amount", "prior_year") if tpl.three_public_prior else ("amount",)
    for measure in measures:
        eq("parent_child", "three_public_total", "three_public", ("total", measure), g(T, ("total", measure)),
           g(T, ("overseas", measure)) + g(T, ("reception", measure)) + g(T, ("vehicle", measure)))
        eq("parent_child", "three_public_vehicle", "three_public", ("vehicle", measure), g(T, ("vehicle", measure)),
           g(T, ("vehicle_operation", measure)) + g(T, ("vehicle_purchase", measure)))
    for item, econ in (("overseas", "30212"), ("reception", "30217"), ("vehicle_operation", "30231")):
        eq("three_public_econ", "three_public_vs_econ", "three_public", (item, econ),
           g(T, (item, "amount")), g(EC, ("basic_economic_class", econ, "total")))
    if tpl.econ7_kuan:
        eq("three_public_econ", "three_public_vs_econ", "three_public", ("vehicle_purchase", "31013"),
           g(T, ("vehicle_purchase", "amount")), g(EC, ("economic_class", "31013", "total")))

    # Prose
    for claim in truth.claims:
        value = facts["claims"].get(claim.key, ZERO)
        if claim.refs:
            eq("prose_table", "claim_vs_table", None, claim.key, value, dsum(g(name, tuple(key)) for name, key in claim.refs))
        elif claim.kind == "project_count":
            eq("prose_table", "claim_vs_table", None, claim.key, value, Decimal(len(facts["fct_project"])))
        elif claim.kind == "unit_count":
            eq("prose_table", "claim_vs_table", None, claim.key, value, Decimal(len(facts["roster"]) - 1))

    # Projects
    listed = dsum(facts["fct_project"].values())
    eq("project_total", "list_vs_stated_total", None, ("project_total",), listed, facts["claims"].get(("project_total", "project", None), ZERO))
    eq("project_total", "list_vs_tables", None, ("project",), listed, g(E, (None, None, "kind", "project")))
    P = "perf_funding"
    for p in truth.projects:
        eq("project_perf", "project_vs_perf_funding", None, (p.seq, p.perf_id), g("fct_project", (p.seq,)), g(P, (p.perf_id, "current_year", "total")))
        for period in ("implementation", "current_year") if p.perf_kind == "special" else ("current_year",):
            eq("row_total", "perf_funding_parts", None, (p.perf_id, period), g(P, (p.perf_id, period, "total")),
               dsum(g(P, (p.perf_id, period, s)) for s in ("general_budget", "gov_fund", "other")))
    for p in truth.special_fund_projects():
        eq("row_total", "special_funds_parts", "special_funds", (p.unit_code, p.name),
           g("special_funds", (p.unit_code, p.name, "total")),
           g("special_funds", (p.unit_code, p.name, "general_budget")) + g("special_funds", (p.unit_code, p.name, "gov_fund")))
        eq("cross_table", "special_funds_vs_project", "special_funds", (p.unit_code, p.name),
           g("special_funds", (p.unit_code, p.name, "total")), g("fct_project", (p.seq,)))
    return out


# ---------------------------------------------------------------- injection


def candidates(truth: DocumentTruth, facts: dict[str, dict], kind: str) -> list[tuple[str, tuple]]:
    """The (fact table, key) pairs a fault of ``kind`` may change."""
    if kind == "t3_detail":
        return [("fct_expenditure", k) for k in facts["fct_expenditure"] if k[0] is not None and k[3] != "total"]
    if kind == "t3_total":
        return [("fct_expenditure", k) for k in facts["fct_expenditure"] if k[0] is None]
    if kind == "prose_amount":
        return [("claims", c.key) for c in truth.claims if c.refs and c.unit == "万元"]
    if kind == "econ_item":
        return [("fct_economic_budget", k) for k in facts["fct_economic_budget"] if k[1] and len(k[1]) == 5]
    if kind == "three_public_item":
        return [("fct_three_public", (item, "amount")) for item in THREE_PUBLIC_ITEMS]
    if kind == "project_amount":
        return [("fct_project", k) for k in facts["fct_project"]]
    if kind == "t2_cell":
        return [("fct_revenue", k) for k in facts["fct_revenue"] if k[0] is not None]
    if kind == "t5_cell":
        return [("fct_subject_budget", k) for k in facts["fct_subject_budget"] if k[0] == "general_budget_by_subject" and k[1]]
    if kind == "summary_item":
        return [("fct_budget_summary", k) for k in facts["fct_budget_summary"]]
    if kind == "perf_funding":
        return [("perf_funding", k) for k in facts["perf_funding"] if k[1] == "current_year" and k[2] == "total"]
    raise ValueError(f"unknown fault kind {kind!r}; choose from {FAULT_KINDS}")


def _delta(rng: random.Random, before: Decimal) -> Decimal:
    cents = rng.choice([1, 10, 100, 1000, rng.randint(2, 99), rng.randint(100, 99999)])
    delta = Decimal(cents).scaleb(-2)
    if rng.random() < 0.5 and before - delta > 0:
        delta = -delta
    return delta


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def inject(truth: DocumentTruth, rng: random.Random, kind: str, layout: Layout | None = None) -> FaultResult:
    """Render ``truth`` with one printed number of ``kind`` changed; return the text and the expected findings.

    Each finding: {"kind": family, "rule", "table_kind", "key", "printed_before",
    "printed_after", "difference" (lhs - rhs of the broken identity, in 万元;
    its magnitude is the change), "change" (after - before, 万元), "lhs", "rhs",
    "fact", "fact_key"}. Values are JSON-ready (Decimals as strings).
    """
    layout = layout or Layout.random(rng)
    facts = truth.expected_facts()
    pool = candidates(truth, facts, kind)
    if not pool:
        raise ValueError(f"no candidate for fault {kind!r} in {truth.document_id}")
    name, key = rng.choice(pool)
    before = facts[name].get(key, ZERO)
    delta = _delta(rng, before)
    after = before + delta
    faulty = copy.copy(facts)
    faulty[name] = dict(facts[name])
    faulty[name][key] = after
    clean_text = render(truth, layout, facts)
    text = render(truth, layout, faulty)
    claim = next((c for c in truth.claims if c.key == key), None) if name == "claims" else None
    unit = claim.unit if claim else "万元"
    printed_before = printed(layout, name, key, before, unit)
    printed_after = printed(layout, name, key, after, unit)
    occurrences = sum(a != b for a, b in zip(clean_text.split("\n"), text.split("\n")))
    baseline = {(v["rule"], repr(v["key"])) for v in check(truth, facts)}
    findings = []
    for v in check(truth, faulty):
        if (v["rule"], repr(v["key"])) in baseline:
            continue
        findings.append({
            "kind": v["kind"],
            "rule": v["rule"],
            "table_kind": v["table_kind"],
            "key": _jsonable(v["key"]),
            "printed_before": printed_before,
            "printed_after": printed_after,
            "difference": str(v["lhs"] - v["rhs"]),
            "change": str(delta),
            "lhs": str(v["lhs"]),
            "rhs": str(v["rhs"]),
            "fact": name,
            "fact_key": _jsonable(key),
        })
    change = {
        "fault": kind,
        "fact": name,
        "key": _jsonable(key),
        "table_kind": fact_table_kind(name, key),
        "before": str(before),
        "after": str(after),
        "printed_before": printed_before,
        "printed_after": printed_after,
        "occurrences": occurrences,
    }
    return FaultResult(text, findings, layout, change)


# ---------------------------------------------------------------- year-on-year faults

YOY_RULES = {"yoy_change_amount": "yy_change_amount", "yoy_change_percent": "yy_change_pct"}
MICRO = Decimal("0.000001")


def yoy_candidates(truth: DocumentTruth, measure: str | None = None) -> list:
    """The year-on-year statements of ``truth`` (optionally of one YOY_MEASURES measure)."""
    return [c for c in truth.claims if c.kind in YOY_RULES and (measure is None or c.measure == measure)]


def inject_yoy(
    truth: DocumentTruth,
    previous: DocumentTruth,
    rng: random.Random,
    layout: Layout | None = None,
    *,
    measure: str | None = None,
    kind: str | None = None,
) -> FaultResult:
    """Render ``truth`` with one year-on-year statement that disagrees with ``previous``.

    ``previous`` is the same department's document of the year before (as
    ``generate_series`` / ``next_year`` make them, so that every other
    statement agrees). One stated change ("比上年增加 X 万元" or "…减少 Y%",
    optionally of the given ``measure`` and claim ``kind``) is printed off by
    a whole number of 万元 or percentage points (2 to 40, never turning a
    decrease past 100%), so it fails with any rounding tolerance. No identity
    within the document changes (a year-on-year statement restates no table).

    The one finding: {"kind": "year_over_year", "rule" (yy_change_amount |
    yy_change_pct), "measure" (the truth's), "measure_key" (the extractor's
    kind:measure of the amount compared), "direction", "printed_before",
    "printed_after", "stated" (the printed change, signed by its direction),
    "expected" (this year − last year, in % of last year for yy_change_pct,
    6 decimals), "difference" (stated − expected), "this_year",
    "this_value", "prior_year", "prior_value", "prior_document_id"};
    values JSON-ready.
    """
    if previous.year != truth.year - 1 or (previous.region, previous.department, previous.phase) != (
        truth.region, truth.department, truth.phase
    ):
        raise ValueError(f"{previous.document_id} is not the year before {truth.document_id}")
    pool = [c for c in yoy_candidates(truth, measure) if kind is None or c.kind == kind]
    if not pool:
        raise ValueError(f"no year-on-year statement{f' of {measure!r}' if measure else ''} in {truth.document_id}")
    layout = layout or Layout.random(rng)
    claim = rng.choice(pool)
    before = claim.value
    delta = Decimal(rng.randint(2, 40))
    upward_ok = not (claim.unit == "%" and claim.direction == "decrease" and before + delta >= 100)
    after = before + delta if upward_ok and (rng.random() < 0.5 or before - delta <= 0) else before - delta
    if after <= 0:
        after = before + delta
    facts = truth.expected_facts()
    faulty = copy.copy(facts)
    faulty["claims"] = dict(facts["claims"])
    faulty["claims"][claim.key] = after
    text = render(truth, layout, faulty)
    clean_text = render(truth, layout, facts)
    occurrences = sum(a != b for a, b in zip(clean_text.split("\n"), text.split("\n")))
    this_value, prior_value = truth.yoy_values()[claim.measure], previous.yoy_values()[claim.measure]
    sign = -1 if claim.direction == "decrease" else 1
    if claim.kind == "yoy_change_amount":
        expected = this_value - prior_value
    else:
        expected = ((this_value - prior_value) * 100 / prior_value).quantize(MICRO)
    stated = sign * after
    printed_before = printed(layout, "claims", claim.key, before, claim.unit)
    printed_after = printed(layout, "claims", claim.key, after, claim.unit)
    finding = {
        "kind": "year_over_year",
        "rule": YOY_RULES[claim.kind],
        "measure": claim.measure,
        "measure_key": YOY_MEASURES[claim.measure],
        "direction": claim.direction,
        "printed_before": printed_before,
        "printed_after": printed_after,
        "stated": str(stated),
        "expected": str(expected),
        "difference": str(stated - expected),
        "this_year": truth.year,
        "this_value": str(this_value),
        "prior_year": previous.year,
        "prior_value": str(prior_value),
        "prior_document_id": previous.document_id,
    }
    change = {
        "fault": "yoy_claim",
        "fact": "claims",
        "key": _jsonable(claim.key),
        "table_kind": None,
        "before": str(before),
        "after": str(after),
        "printed_before": printed_before,
        "printed_after": printed_after,
        "occurrences": occurrences,
    }
    return FaultResult(text, [finding], layout, change)
