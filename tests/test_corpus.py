"""Tests of the synthetic-document generator (budget_warehouse.corpus).

The identities are recomputed here from the truth model and from the printed
facts, independently of the generator's own oracle (faults.check).
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from budget_warehouse.corpus import FAULT_KINDS, Layout, check, generate, generate_many, inject, render
from budget_warehouse.corpus.cli import main
from budget_warehouse.corpus.codes import CLASS_NAMES, ECON_NAMES, SECTION_NAMES, SUBJECT_NAMES
from budget_warehouse.corpus.faults import candidates
from budget_warehouse.corpus.model import AMOUNT_FACTS, DocumentTruth
from budget_warehouse.corpus.render import STANDARD_ORDER, YUAN_CANDIDATES, fact_table_kind
from budget_warehouse.extract.records import TABLE_KINDS
from budget_warehouse.extract.vocabulary import EXPENDITURE_KINDS, FUNDING_SOURCES, SUMMARY_PROJECT_ITEMS, THREE_PUBLIC_ECON

Z = Decimal("0.00")
BASIC = ("personnel", "welfare", "public", "institution_subsidy")
KINDS = BASIC + ("project",)


@pytest.fixture(scope="module")
def truths() -> list[DocumentTruth]:
    return [generate(seed) for seed in range(200)]


def total(values) -> Decimal:
    return sum(values, Z)


# ---------------------------------------------------------------- identities


def identities(t: DocumentTruth) -> None:  # noqa: C901 - one assertion list per identity family
    f = t.expected_facts()
    E, R, S, B, EC, T = (f[n] for n in (
        "fct_expenditure", "fct_revenue", "fct_budget_summary", "fct_subject_budget", "fct_economic_budget", "fct_three_public"))
    sources = t.template.revenue_items
    rows = t.rows
    assert rows and t.units and 1 <= len(t.projects) <= 15

    # the model itself: joint kind x source parts, all positive with two decimals
    for r in rows:
        for by_source in r.parts.values():
            for source, a in by_source.items():
                assert a > 0 and a == a.quantize(Decimal("0.01")) and source in sources

    # table 3: every row's total = parts by kind = parts by source; 合计 = sum of rows
    for r in rows:
        key = (r.unit_code, r.subject_code)
        by_kind = {k: total(r.parts.get(k, {}).values()) for k in KINDS}
        by_source = {s: total(r.parts.get(k, {}).get(s, Z) for k in KINDS) for s in sources}
        assert E[key + ("kind", "total")] == E[key + ("source", "total")] == total(by_kind.values()) == total(by_source.values())
        assert total(E.get(key + ("kind", k), Z) for k in KINDS) == E[key + ("kind", "total")]
        assert total(E.get(key + ("source", s), Z) for s in sources) == E[key + ("source", "total")]
        for k in KINDS:
            assert E.get(key + ("kind", k), Z) == by_kind[k]
            assert (key + ("kind", k) in E) == (by_kind[k] != 0)  # blank cells are not facts
    measures = {(g, m) for (u, s, g, m) in E if u is not None}
    for g, m in measures:
        assert E[(None, None, g, m)] == total(v for (u, s, gg, mm), v in E.items() if u is not None and (gg, mm) == (g, m))

    # table 2: unit totals = parts; 合计 = sum of units; unit totals = table 3 of that unit
    for u in t.units:
        assert R[(u.code, "total")] == total(R.get((u.code, s), Z) for s in sources)
        assert R[(u.code, "total")] == total(r.total for r in rows if r.unit_code == u.code)
        for s in sources:
            assert R.get((u.code, s), Z) == total(E.get((u.code, r.subject_code, "source", s), Z) for r in rows if r.unit_code == u.code)
    for m in ["total"] + sources:
        assert R.get((None, m), Z) == total(R.get((u.code, m), Z) for u in t.units)

    # table 1: 收入总计 = 支出总计 = table 2 合计 = table 3 合计; lines = sums of their parts
    grand = total(r.total for r in rows)
    assert S[("summary", "revenue", "total")] == S[("summary", "expenditure", "total")] == R[(None, "total")] == E[(None, None, "kind", "total")] == grand
    assert total(S.get(("summary", "revenue", s), Z) for s in sources) == grand
    for s in sources:
        assert S.get(("summary", "revenue", s), Z) == R.get((None, s), Z)
    for k in BASIC:
        assert S.get(("summary", "expenditure", k), Z) == E.get((None, None, "kind", k), Z)
    assert S[("summary", "expenditure", "basic")] == total(S.get(("summary", "expenditure", k), Z) for k in BASIC)
    project_lines = ["project"] if not t.template.summary_project_split else ["recurring_special", "dept_special_funds", "earmarked"]
    assert total(S.get(("summary", "expenditure", k), Z) for k in project_lines) == E.get((None, None, "kind", "project"), Z)
    assert S[("summary", "expenditure", "basic")] + total(S.get(("summary", "expenditure", k), Z) for k in project_lines) == grand
    if t.template.summary_project_split:
        for parent, children in (("dept_special_funds", ("enterprise_subsidy", "transfer", "other_special_funds")),
                                 ("earmarked", ("construction_purchase", "debt_service", "remit_superior", "other_project"))):
            assert S.get(("summary", "expenditure", parent), Z) == total(S.get(("summary", "expenditure", c), Z) for c in children)
    else:
        assert not any(k[2] in ("recurring_special", "earmarked") for k in S)

    # table 4 = the fiscal (general budget + government fund) part
    fiscal = ("general_budget", "gov_fund")
    gb = total(a for r in rows for by in r.parts.values() for s, a in by.items() if s == "general_budget")
    gf = total(a for r in rows for by in r.parts.values() for s, a in by.items() if s == "gov_fund")
    assert S[("fiscal_summary", "revenue", "total")] == S[("fiscal_summary", "expenditure", "total")] == gb + gf
    assert S.get(("fiscal_summary", "revenue", "general_budget"), Z) == S.get(("summary", "revenue", "general_budget"), Z) == gb
    assert S.get(("fiscal_summary", "revenue", "gov_fund"), Z) == gf
    for k in BASIC + ("project",):
        expect = total(a for r in rows for s, a in r.parts.get(k, {}).items() if s in fiscal)
        assert S.get(("fiscal_summary", "expenditure", k), Z) == expect
    assert S[("fiscal_summary", "expenditure", "basic")] == total(S.get(("fiscal_summary", "expenditure", k), Z) for k in BASIC)

    # tables 5 and 6: per subject = sum over units of table 3's amounts of that source, split basic/project
    for table_kind, source in (("general_budget_by_subject", "general_budget"), ("gov_fund_by_subject", "gov_fund")):
        subjects = defaultdict(lambda: [Z, Z])
        for r in rows:
            for k, by in r.parts.items():
                if source in by:
                    subjects[r.subject_code][k == "project"] += by[source]
        for code, (basic, project) in subjects.items():
            assert B[(table_kind, code, "total")] == basic + project == total(
                E.get((r.unit_code, code, "source", source), Z) for r in rows if r.subject_code == code)
            assert B.get((table_kind, code, "basic"), Z) == basic and B.get((table_kind, code, "project"), Z) == project
        printed_codes = {k[1] for k in B if k[0] == table_kind and k[1]}
        assert printed_codes == set(subjects)
        for m in ("total", "basic", "project"):
            assert B.get((table_kind, None, m), Z) == total(B.get((table_kind, c, m), Z) for c in printed_codes)
    assert B[("general_budget_by_subject", None, "total")] == gb
    assert B.get(("gov_fund_by_subject", None, "total"), Z) == gf
    assert S[("fiscal_summary", "expenditure", "basic")] == B[("general_budget_by_subject", None, "basic")] + B.get(("gov_fund_by_subject", None, "basic"), Z)

    # tables 7 and 8: 类 = sum of 款; 合计 = 类; table 5 合计 = table 7 合计; table 8 合计 = basic general budget
    assert EC[("economic_class", None, "total")] == B[("general_budget_by_subject", None, "total")]
    assert EC[("basic_economic_class", None, "total")] == B[("general_budget_by_subject", None, "basic")]
    for table_kind in ("economic_class", "basic_economic_class"):
        codes = {k[1] for k in EC if k[0] == table_kind and k[1]}
        classes = {c for c in codes if len(c) == 3}
        assert EC[(table_kind, None, "total")] == total(EC[(table_kind, c, "total")] for c in classes)
        if table_kind == "basic_economic_class" or t.template.econ7_kuan:
            for c in classes:
                assert EC[(table_kind, c, "total")] == total(EC[(table_kind, k, "total")] for k in codes if len(k) == 5 and k[:3] == c)
        else:
            assert all(len(c) == 3 for c in codes)
        if table_kind == "economic_class" and t.template.econ7_split:
            for c in classes | {None}:
                assert EC[(table_kind, c, "total")] == EC.get((table_kind, c, "basic"), Z) + EC.get((table_kind, c, "project"), Z)
    econ_project = defaultdict(lambda: Z)
    for p in t.projects:
        assert total(p.econ.values()) == p.funding.get("general_budget", Z)
        for code, a in p.econ.items():
            econ_project[code[:3]] += a
    for c in {k[1] for k in EC if k[0] == "economic_class" and k[1] and len(k[1]) == 3}:
        assert EC[("economic_class", c, "total")] == EC.get(("basic_economic_class", c, "total"), Z) + econ_project[c]
    # 基本支出 = 人员经费 (301 + 303) + 公用经费 (302, 309, 310 …)
    gb_kind = {k: total(r.parts.get(k, {}).get("general_budget", Z) for r in rows) for k in KINDS}
    assert EC.get(("basic_economic_class", "301", "total"), Z) == gb_kind["personnel"]
    assert EC.get(("basic_economic_class", "303", "total"), Z) == gb_kind["welfare"]
    assert total(EC.get(("basic_economic_class", c, "total"), Z) for c in ("302", "309", "310")) == gb_kind["public"]

    # table 9: 合计 = items; items = economic 款 30212 / 30217 / 30231
    assert T[("total", "amount")] == T[("overseas", "amount")] + T[("reception", "amount")] + T[("vehicle", "amount")]
    assert T[("vehicle", "amount")] == T[("vehicle_operation", "amount")] + T[("vehicle_purchase", "amount")]
    for item, econ in THREE_PUBLIC_ECON.items():
        assert T[(item, "amount")] == EC.get(("basic_economic_class", econ, "total"), Z)
    assert T[("vehicle_purchase", "amount")] == total(p.econ.get("31013", Z) for p in t.projects)
    if t.template.three_public_prior:
        assert T[("total", "prior_year")] == total(T[(k, "prior_year")] for k in ("overseas", "reception", "vehicle"))

    # projects: list = stated total = project expenditure of the tables; project = its 绩效目标表
    claims = f["claims"]
    listed = total(f["fct_project"].values())
    assert listed == claims[("project_total", "project", None)] == E[(None, None, "kind", "project")]
    project_cells = defaultdict(lambda: Z)
    for p in t.projects:
        assert f["fct_project"][(p.seq,)] == p.amount == f["perf_funding"][(p.perf_id, "current_year", "total")]
        assert 3 <= len(p.indicators) <= 10
        for period in ("current_year", "implementation") if p.perf_kind == "special" else ("current_year",):
            fund = f["perf_funding"]
            assert fund[(p.perf_id, period, "total")] == total(fund.get((p.perf_id, period, s), Z) for s in ("general_budget", "gov_fund", "other"))
        for s, a in p.funding.items():
            project_cells[(p.unit_code, p.subject_code, s)] += a
    for r in rows:
        for s, a in r.parts.get("project", {}).items():
            assert project_cells.pop((r.unit_code, r.subject_code, s)) == a
    assert not project_cells

    # table 10: each listed special fund = its project, 小计 = its parts
    SF = f["special_funds"]
    for unit_code, name, measure in SF:
        if measure == "total":
            p = next(p for p in t.projects if p.name == name and p.unit_code == unit_code)
            assert SF[(unit_code, name, "total")] == p.amount == SF.get((unit_code, name, "general_budget"), Z) + SF.get((unit_code, name, "gov_fund"), Z)

    # prose restatements = table values
    def claim(kind, measure=None, code=None):
        return claims[(kind, measure, code)]

    assert claim("total_revenue", "total") == claim("total_expenditure", "total") == grand
    for s in sources:
        assert claim("revenue_source", s) == S.get(("summary", "revenue", s), Z)
    for k in ("personnel", "welfare", "public", "project"):
        assert claim("expenditure_kind", k) == E.get((None, None, "kind", k), Z)
    assert claim("general_budget_expenditure", "total") == gb
    for code in {k[1] for k in B if k[0] == "general_budget_by_subject" and k[1]}:
        assert claim("subject_amount", "general_budget", code) == B[("general_budget_by_subject", code, "total")]
    if gf:
        assert claim("gov_fund_expenditure", "total") == gf
        for code in {k[1] for k in B if k[0] == "gov_fund_by_subject" and k[1]}:
            assert claim("subject_amount", "gov_fund", code) == B[("gov_fund_by_subject", code, "total")]
    else:
        assert ("gov_fund_expenditure", "total", None) not in claims
    fs = lambda k: S.get(("fiscal_summary", "expenditure", k), Z)  # noqa: E731
    assert claim("fiscal_basic_expenditure", "basic") == fs("basic")
    assert claim("personnel_funds", "personnel") == fs("personnel") + fs("welfare")
    assert claim("public_funds", "public") == fs("public") + fs("institution_subsidy")
    assert claim("three_public_total", "total") == T[("total", "amount")]
    for item in ("overseas", "reception", "vehicle", "vehicle_operation", "vehicle_purchase"):
        assert claim("three_public", item) == T[(item, "amount")]
    assert claim("project_count", "projects") == len(t.projects)
    assert claim("unit_count", "subordinate_units") == len(t.units) - 1
    # year-on-year sentences restate current - prior
    current = {"total_revenue": grand, "total_expenditure": grand, "general_budget_expenditure": gb,
               "operating_funds": t.operating_funds}
    prior = {"total_revenue": t.prior["total_revenue"], "total_expenditure": t.prior["total_revenue"],
             "general_budget_expenditure": t.prior["general_budget_expenditure"], "operating_funds": t.prior["operating_funds"]}
    for item in ("overseas", "reception"):
        current[item], prior[item] = t.three_public[item], t.three_public_prior[item]
    current["vehicle"] = t.three_public["vehicle_operation"] + t.three_public["vehicle_purchase"]
    prior["vehicle"] = t.three_public_prior["vehicle_operation"] + t.three_public_prior["vehicle_purchase"]
    for measure in current:
        amount = claims.get(("yoy_change_amount", measure, None))
        percent = claims.get(("yoy_change_percent", measure, None))
        if current[measure] == prior[measure]:
            assert amount is None and percent is None
            continue
        assert amount is not None or percent is not None
        if amount is not None:
            assert amount == abs(current[measure] - prior[measure])
        if percent is not None:
            assert percent == (abs(current[measure] - prior[measure]) / prior[measure] * 100).quantize(Decimal("0.01"))
            if current[measure] < prior[measure]:
                assert percent <= 100
    for c in t.claims:
        if c.direction:
            key = c.measure if c.measure != "three_public_total" else None
            if key in current:
                assert c.direction == ("increase" if current[key] > prior[key] else "decrease")

    # sanity: codes well-formed with known prefixes, headcounts whole, no negative amounts
    for r in rows:
        assert re.fullmatch(r"\d{7}", r.subject_code) and r.subject_code in SUBJECT_NAMES
        assert r.subject_code[:3] in CLASS_NAMES and r.subject_code[:5] in SECTION_NAMES
    for code in {k[1] for k in EC if k[1]}:
        assert re.fullmatch(r"\d{3}|\d{5}", code) and code in ECON_NAMES and code[:3] in ECON_NAMES
    for u in t.units:
        assert isinstance(u.staff_count, int) and 0 < u.staff_count <= u.staffing_quota
        assert re.fullmatch(r"\d{6}|\d{9}", u.code)
    assert len({u.code for u in t.units}) == len(t.units)
    for name in AMOUNT_FACTS:
        assert all(v >= 0 for v in f[name].values())


def test_every_identity_holds_in_200_documents(truths):
    for t in truths:
        identities(t)
        assert check(t, t.expected_facts()) == []


def test_corpus_covers_the_variants(truths):
    gov_fund = [t for t in truths if t.expected_facts()["fct_subject_budget"].get(("gov_fund_by_subject", None, "total"))]
    assert 20 < len(gov_fund) < 180  # some documents with 政府性基金 amounts, some with an empty (无) table
    assert len({t.dept_key for t in truths}) >= 10 and len({t.year for t in truths}) == 8
    assert {len(u.code) for t in truths for u in t.units} == {6, 9}
    assert any(len({len(u.code) for u in t.units}) == 2 for t in truths)
    assert any(t.template.summary_project_split for t in truths) and any(t.template.econ7_kuan for t in truths)
    assert Counter(p.perf_kind for t in truths for p in t.projects).keys() == {"recurring", "special"}
    counts = {len(t.projects) for t in truths}
    assert min(counts) <= 2 and max(counts) >= 12
    assert any(t.three_public["vehicle_purchase"] for t in truths)
    sources = {s for t in truths for r in t.rows for by in r.parts.values() for s in by}
    assert {"general_budget", "gov_fund", "other_income", "business_income"} <= sources
    # every key is one of the shared vocabularies
    vocab = {k for k, _, _ in FUNDING_SOURCES + EXPENDITURE_KINDS + SUMMARY_PROJECT_ITEMS} | {"total"}
    for t in truths[:50]:
        f = t.expected_facts()
        assert {k[2] for k in f["fct_budget_summary"]} <= vocab
        assert {k[0] for k in f["fct_budget_summary"]} | {k[0] for k in f["fct_subject_budget"]} | {k[0] for k in f["fct_economic_budget"]} <= set(TABLE_KINDS)
        assert {k[3] for k in f["fct_expenditure"]} <= vocab
        assert {k[1] for k in f["fct_revenue"]} <= vocab


def test_document_size_and_speed():
    import time

    start = time.perf_counter()
    rng = random.Random(3)
    sizes = [len(render(generate(f"size:{i}"), Layout.random(rng)).encode("utf-8")) for i in range(100)]
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0  # about 5 ms per document (1,000 in a few seconds); slack for a loaded machine
    assert 25_000 < min(sizes) and max(sizes) < 130_000
    assert 30_000 < sum(sizes) / len(sizes) < 120_000


# ---------------------------------------------------------------- rendering


def layouts() -> list[Layout]:
    """The default layout, one variant per option value, and a few random ones."""
    base = Layout()
    out = [base]
    variants = {
        "cells": ["html", "both"],
        "perf_cells": ["html", "both"],
        "html_one_line": [True],
        "page_breaks": [True],
        "thousands": ["all", "mixed"],
        "two_row_headers": [False],
        "column_numbers": [False],
        "headings": ["md_mixed", "bold", "html_bold", "none"],
        "table_order": [tuple(reversed(STANDARD_ORDER))],
        "yuan_tables": [frozenset(YUAN_CANDIDATES)],
        "title_style": [1, 2, 3],
        "label_style": [1],
        "prose_numbers": ["fixed"],
        "prose_space": [False],
        "prose_breaks": [True],
    }
    for option, values in variants.items():
        for value in values:
            layout = base.with_(**{option: value})
            if option == "html_one_line":  # only visible on HTML tables
                layout = layout.with_(cells="html", perf_cells="html")
            out.append(layout)
    out.append(base.with_(page_breaks=True, page_numbers=True, page_rows=5, cells="html", seed=11))
    out.append(base.with_(cells="html", yuan_tables=frozenset(YUAN_CANDIDATES), thousands="all", two_row_headers=False))
    out.append(base.with_(page_breaks=True, page_numbers=True, page_rows=7, perf_cells="tsv", prose_breaks=True, seed=5))
    rng = random.Random(42)
    out += [Layout.random(rng) for _ in range(6)]
    return out


TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?")


def expected_print(layout: Layout, name: str, key: tuple, value: Decimal, unit: str) -> set[str]:
    """Acceptable printed forms of a fact, computed independently of render.py."""
    table_kind = fact_table_kind(name, key)
    if table_kind is not None:
        v = value * 10000 if table_kind in layout.yuan_tables else value
        forms = {f"{v:.2f}", f"{v:,.2f}"} if layout.thousands == "mixed" else {f"{v:,.2f}" if layout.thousands == "all" else f"{v:.2f}"}
        return forms
    if unit != "万元" and unit != "%":
        return {str(int(value))}
    stripped = str(value.quantize(Decimal("0.01")).normalize()) if value else "0"
    if "E" in stripped:
        stripped = str(int(value))
    if name == "perf_funding" or layout.prose_numbers == "strip":
        return {stripped}
    return {f"{value:.2f}"}


def test_every_truth_amount_is_printed_in_every_layout(truths):
    for t in truths[:8]:
        facts = t.expected_facts()
        units = {c.key: c.unit for c in t.claims}
        for layout in layouts():
            text = render(t, layout)
            tokens = set(TOKEN.findall(text))
            for name in AMOUNT_FACTS:
                for key, value in facts[name].items():
                    forms = expected_print(layout, name, key, value, units.get(key, "万元"))
                    assert forms & tokens, (layout, name, key, value, forms)
            for key, printed_text in facts["indicators"].items():
                assert printed_text in text
            for u in t.units:
                assert u.name in text and str(u.staff_count) in tokens
            assert ("单位：元" in text) == bool(layout.yuan_tables)


def parse_amounts(text: str) -> set[Decimal]:
    """Every amount of a text in 万元: table numbers with two decimals (scaled by 单位：元), prose 万元 and %."""
    scale = Decimal(1)
    found: set[Decimal] = set()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for line in text.split("\n"):
        if "单位：元" in line:
            scale = Decimal(10000)
            continue
        is_row = "\t" in line or "<t" in line
        if not is_row and cjk.search(line):
            scale = Decimal(1)
            for number in re.findall(r"(\d+(?:\.\d+)?)\s*(?:万元|%)", line):
                found.add(Decimal(number).quantize(Decimal("0.01")))
            continue
        if is_row:
            for number in re.findall(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2})(?![\d,])", line):
                found.add((Decimal(number.replace(",", "")) / scale).quantize(Decimal("0.01")))
    return found


def test_layouts_differ_in_text_but_not_in_amounts(truths):
    all_layouts = layouts()
    for t in truths[10:16]:
        base_text = render(t, all_layouts[0])
        base = parse_amounts(base_text)
        assert len(base) > 40
        for layout in all_layouts[1:]:
            text = render(t, layout)
            assert text != base_text
            assert parse_amounts(text) == base, layout
            # same content: the same document renders identically twice
            assert render(t, layout) == text


def test_same_truth_same_words_in_every_layout(truths):
    t = truths[3]
    a = render(t, Layout())
    b = render(t, Layout(cells="both", headings="none", prose_space=False))
    strip = lambda s: re.sub(r"[\s#*<>/a-z=\"\d.,\t]", "", s)  # noqa: E731
    assert strip(a.split("第三部分")[-1])[:2000] == strip(b.split("第三部分")[-1])[:2000]


# ---------------------------------------------------------------- seeds and JSON


def test_seeds_are_reproducible():
    assert generate(5).to_json() == generate(5).to_json()
    assert generate("x:1").to_json() != generate("x:2").to_json()
    rng_a, rng_b = random.Random(9), random.Random(9)
    assert render(generate(5), Layout.random(rng_a)) == render(generate(5), Layout.random(rng_b))
    many = generate_many(60, seed=3)
    assert len({t.document_id for t in many}) == 60
    assert [t.to_json() for t in many[:5]] == [t.to_json() for t in generate_many(5, seed=3)]


def test_truth_json_round_trip(truths):
    for t in truths[:30]:
        back = DocumentTruth.from_json(t.to_json())
        assert back == t
        assert back.expected_facts() == t.expected_facts()
        assert render(back, Layout(cells="both")) == render(t, Layout(cells="both"))
    layout = Layout.random(random.Random(1))
    assert Layout.from_dict(json.loads(json.dumps(layout.to_dict()))) == layout


def test_cli_writes_documents_and_truth_jsonl(tmp_path):
    assert main(["generate", "6", str(tmp_path), "--seed", "4", "--faults", "0.5", "--facts"]) == 0
    files = sorted(p for p in tmp_path.glob("*.txt"))
    assert len(files) == 6 and all(re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", p.name) for p in files)
    records = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in records] == [p.name for p in files]
    assert any(r["fault"] for r in records) and any(r["fault"] is None for r in records)
    for r in records:
        truth = DocumentTruth.from_dict(r["truth"])
        text = (tmp_path / r["file"]).read_text(encoding="utf-8")
        clean = render(truth, Layout.from_dict(r["layout"]))
        if r["fault"] is None:
            assert text == clean
        else:
            assert text != clean and r["fault"]["findings"]
            assert r["fault"]["printed_before"] != r["fault"]["printed_after"]
        assert len(r["facts"]["fct_project"]) == len(truth.projects)
    again = tmp_path / "again"
    main(["6", str(again), "--seed", "4", "--faults", "0.5", "--facts"])
    assert (again / "truth.jsonl").read_text(encoding="utf-8") == (tmp_path / "truth.jsonl").read_text(encoding="utf-8")


# ---------------------------------------------------------------- faults

EXPECTED_FAMILIES = {
    "t3_detail": {"row_total", "column_total"},
    "t3_total": {"column_total"},
    "prose_amount": {"prose_table"},
    "econ_item": {"parent_child"},
    "three_public_item": {"parent_child", "prose_table"},
    "project_amount": {"project_total", "project_perf"},
    "t2_cell": {"row_total", "column_total", "cross_table"},
    "t5_cell": {"row_total", "column_total"},
    "perf_funding": {"project_perf"},
}


def number(printed_text: str, scale: Decimal) -> Decimal:
    return Decimal(printed_text.replace(",", "")) / scale


def test_faults_change_exactly_one_printed_number(truths):
    rng = random.Random(7)
    seen = Counter()
    for t in truths[:15]:
        facts = t.expected_facts()
        for kind in FAULT_KINDS:
            if not candidates(t, facts, kind):
                continue
            layout = Layout.random(rng).with_(cells=rng.choice(["tsv", "html"]), perf_cells=rng.choice(["tsv", "html"]))
            result = inject(t, rng, kind, layout)
            clean = render(t, layout)
            a, b = clean.split("\n"), result.text.split("\n")
            assert len(a) == len(b)
            changed = [(x, y) for x, y in zip(a, b) if x != y]
            assert len(changed) == 1 == result.change["occurrences"], (kind, changed)
            before_tokens, after_tokens = Counter(TOKEN.findall(changed[0][0])), Counter(TOKEN.findall(changed[0][1]))
            assert before_tokens - after_tokens == Counter([result.change["printed_before"]])
            assert after_tokens - before_tokens == Counter([result.change["printed_after"]])
            # the difference is right
            table_kind = result.change["table_kind"]
            scale = Decimal(10000) if table_kind in layout.yuan_tables else Decimal(1)
            change = number(result.change["printed_after"], scale) - number(result.change["printed_before"], scale)
            assert change == Decimal(result.change["after"]) - Decimal(result.change["before"]) != 0
            assert result.findings
            families = {f["kind"] for f in result.findings}
            assert EXPECTED_FAMILIES.get(kind, set()) <= families, (kind, families)
            for finding in result.findings:
                assert abs(Decimal(finding["difference"])) == abs(change) == abs(Decimal(finding["change"]))
                assert Decimal(finding["lhs"]) - Decimal(finding["rhs"]) == Decimal(finding["difference"])
                assert {"kind", "table_kind", "key", "printed_before", "printed_after", "difference"} <= finding.keys()
            json.dumps(result.findings)
            seen[kind] += 1
    assert set(seen) == set(FAULT_KINDS)


def test_fault_in_a_table_printed_twice():
    t = generate(12)
    layout = Layout(cells="both")
    result = inject(t, random.Random(1), "t3_detail", layout)
    assert result.change["occurrences"] == 2
    row = next(f for f in result.findings if f["rule"] == "t3_kind_parts")
    assert row["table_kind"] == "expenditure_by_unit" and row["key"][:2] == result.change["key"][:2]


def test_generate_many_fills_the_whole_space_of_distinct_documents(monkeypatch):
    """Once draws meet taken ids, documents take free combinations (more regions): a corpus can hold every
    region × department × year, each once, and asking for one more says so."""
    import importlib

    gen = importlib.import_module("budget_warehouse.corpus.generate")  # the package exports a function of that name

    monkeypatch.setattr(gen, "REGIONS", gen.REGIONS[:2])
    monkeypatch.setattr(gen, "MORE_REGIONS", gen.MORE_REGIONS[:1])
    space = 3 * sum(gen.LAST_YEAR + 1 - (2019 if d["key"] == "emergency" else gen.FIRST_YEAR) for d in gen.DEPARTMENTS)
    truths = generate_many(space, seed=5)
    assert len({t.document_id for t in truths}) == space
    assert {t.region for t in truths} == {r for r, _ in gen.REGIONS[:2] + gen.MORE_REGIONS[:1]}
    with pytest.raises(ValueError, match=f"only {space} distinct documents"):
        generate_many(space + 1, seed=5)
