"""The truth of one synthetic budget document (部门预算公开).

A ``DocumentTruth`` holds what the document states, independently of how it is
printed: the units, every unit × functional-subject line of the expenditure
table split jointly by expenditure kind and funding source, the projects with
their performance tables, the economic classification, the 三公 items, the
previous-year figures and the prose claims. Every table of the document is
derived from it (``expected_facts``), so all the accounting identities hold by
construction. Amounts are ``Decimal`` with two decimals, in 万元.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

BASIC_KINDS = ("personnel", "welfare", "public", "institution_subsidy")
KINDS = BASIC_KINDS + ("project",)
# Order of the basic-expenditure lines in the summary tables (as in the sample).
SUMMARY_BASIC_ORDER = ("personnel", "public", "welfare", "institution_subsidy")
THREE_PUBLIC_ITEMS = ("overseas", "reception", "vehicle_operation", "vehicle_purchase")
FISCAL_SOURCES = ("general_budget", "gov_fund")
PERF_SOURCES = ("general_budget", "gov_fund")  # the rest is printed as 其他
# Project categories (the split of 项目支出 in the summary table, SUMMARY_PROJECT_ITEMS keys).
PROJECT_PARENTS = {
    "recurring_special": None,
    "enterprise_subsidy": "dept_special_funds",
    "transfer": "dept_special_funds",
    "other_special_funds": "dept_special_funds",
    "construction_purchase": "earmarked",
    "debt_service": "earmarked",
    "remit_superior": "earmarked",
    "other_project": "earmarked",
}
SPLIT_PROJECT_ITEMS = (
    ("recurring_special", ()),
    ("dept_special_funds", ("enterprise_subsidy", "transfer", "other_special_funds")),
    ("earmarked", ("construction_purchase", "debt_service", "remit_superior", "other_project")),
)
SPECIAL_FUND_CATEGORIES = ("enterprise_subsidy", "transfer", "other_special_funds")
# Value columns of the 绩效目标表 indicator rows.
SPECIAL_VALUE_COLUMNS = ("实施期目标值", "绩效标准", "半年目标值", "全年目标值")
RECURRING_VALUE_COLUMNS = ("绩效标准", "全年目标值")

FACT_NAMES = (
    "fct_budget_summary",
    "fct_revenue",
    "fct_expenditure",
    "fct_subject_budget",
    "fct_economic_budget",
    "fct_three_public",
    "fct_project",
    "perf_funding",
    "special_funds",
    "indicators",
    "claims",
    "roster",
    "dim_project",
    "document",
)
# The prose's year-on-year statements: Claim.measure of the yoy_change_amount / yoy_change_percent
# claims -> the amount each compares across years, named as the extractor names the claim that
# states it (kind:measure, the key chk_year_over_year compares).
YOY_MEASURES = {
    "total_revenue": "total_revenue:total",
    "total_expenditure": "total_expenditure:total",
    "general_budget_expenditure": "general_budget_total:total",
    "three_public_total": "three_public:total",
    "overseas": "three_public:overseas",
    "reception": "three_public:reception",
    "vehicle": "three_public:vehicle",
    "operating_funds": "operating_funds:total",
}
# Facts whose values are amounts (Decimal 万元) printed once each.
AMOUNT_FACTS = (
    "fct_budget_summary",
    "fct_revenue",
    "fct_expenditure",
    "fct_subject_budget",
    "fct_economic_budget",
    "fct_three_public",
    "fct_project",
    "perf_funding",
    "special_funds",
    "claims",
)


def dec(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def dsum(values) -> Decimal:
    return sum(values, ZERO)


# ---------------------------------------------------------------- dataclasses


@dataclass
class Unit:
    code: str
    name: str
    short_name: str
    nature: str  # 经费性质 as printed: 行政, 全额拨款, 差额拨款, 自收自支, 参照公务员法管理
    staffing_quota: int  # 人员编制数
    staff_count: int  # 在职人数
    admin: bool  # 行政 or 参公: its public expenditure counts as 机关运行经费
    operation_subject: str


@dataclass
class ExpenditureRow:
    """One unit × 7-digit functional subject line of the expenditure table (table 3)."""

    unit_code: str
    subject_code: str
    parts: dict[str, dict[str, Decimal]]  # kind -> funding source -> amount (non-zero only)

    def kind_amount(self, kind: str) -> Decimal:
        return dsum(self.parts.get(kind, {}).values())

    def source_amount(self, source: str, kinds=KINDS) -> Decimal:
        return dsum(self.parts.get(k, {}).get(source, ZERO) for k in kinds)

    def by_kind(self) -> dict[str, Decimal]:
        return {kind: dsum(by_source.values()) for kind, by_source in self.parts.items()}

    def by_source(self, kinds=KINDS) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for kind, by_source in self.parts.items():
            if kind in kinds:
                for source, amount in by_source.items():
                    out[source] = out.get(source, ZERO) + amount
        return out

    def sources(self) -> set[str]:
        return {s for by_source in self.parts.values() for s in by_source}

    @property
    def total(self) -> Decimal:
        return dsum(a for by_source in self.parts.values() for a in by_source.values())


@dataclass
class IndicatorRow:
    level1: str  # 投入 / 产出 / 效益
    level2: str  # 时效目标 …
    level3: str  # 目标1 …
    content: str  # 指标内容
    values: dict[str, str]  # value column -> printed text


@dataclass
class Project:
    seq: int
    perf_id: str
    name: str  # as listed in the prose
    perf_name: str  # 项目名称 printed in its 绩效目标表
    unit_code: str
    subject_code: str
    category: str  # key of PROJECT_PARENTS
    perf_kind: str  # recurring | special
    funding: dict[str, Decimal]  # current year, funding source -> amount (non-zero)
    implementation: dict[str, Decimal]  # 实施期, funding source -> amount
    econ: dict[str, Decimal]  # general-budget part by economic 款
    owner: str
    phone: str
    period: str
    continuing: bool
    classification: int  # 项目分类 0..2
    goal: str
    indicators: list[IndicatorRow]

    @property
    def amount(self) -> Decimal:
        return dsum(self.funding.values())

    def perf_funding(self, period: str) -> dict[str, Decimal]:
        """Printed funding of its 绩效目标表: total, general_budget, gov_fund, other (non-zero)."""
        funding = self.funding if period == "current_year" else self.implementation
        out = {"total": dsum(funding.values())}
        for source in PERF_SOURCES:
            if funding.get(source):
                out[source] = funding[source]
        other = dsum(a for s, a in funding.items() if s not in PERF_SOURCES)
        if other:
            out["other"] = other
        return out


@dataclass
class Claim:
    """An amount, count or percentage stated in the prose."""

    claim_id: str
    kind: str
    measure: str | None
    subject_code: str | None
    value: Decimal  # as stated, in ``unit``
    unit: str  # 万元 | % | 个 | 辆 | 台（套）
    direction: str | None = None  # increase | decrease (year-on-year claims)
    refs: list[tuple[str, tuple]] = field(default_factory=list)  # facts the value restates (sum)

    @property
    def key(self) -> tuple:
        return (self.kind, self.measure, self.subject_code)


@dataclass
class Template:
    """Which optional lines and columns this document's template prints (content, not layout)."""

    revenue_items: list[str]  # funding sources listed in table 1 (and the columns of tables 2, 3)
    summary_project_split: bool  # table 1 splits 项目支出 into 经常性专项业务费 / 部门专项资金 / 专项专款
    t3_basic_column: bool  # table 3 prints a 基本支出 column
    econ7_kuan: bool  # table 7 prints 款 lines under each 类
    econ7_split: bool  # table 7 prints 基本支出 / 项目支出 columns
    three_public_prior: bool  # table 9 prints 上年预算数
    special_funds_listed: bool  # table 10 lists the department special funds (else 无, unless table 1 names them)


@dataclass
class DocumentTruth:
    seed: str
    text_seed: int
    region: str
    parent_city: str
    department: str  # 工业和信息化局
    dept_short: str  # 教育
    dept_key: str
    year: int
    phase: str
    units: list[Unit]
    rows: list[ExpenditureRow]
    projects: list[Project]
    econ_basic: dict[str, Decimal]  # basic general-budget expenditure by economic 款
    three_public: dict[str, Decimal]  # THREE_PUBLIC_ITEMS -> amount
    three_public_prior: dict[str, Decimal]
    prior: dict[str, Decimal]  # previous-year figures used by the prose
    operating_funds: Decimal  # 机关运行经费
    procurement_total: Decimal
    procurement_services: Decimal
    assets: dict[str, int]  # vehicles, equipment_50, equipment_100
    subject_names: dict[str, str]
    section_names: dict[str, str]
    class_names: dict[str, str]
    econ_names: dict[str, str]
    template: Template
    claims: list[Claim] = field(default_factory=list)

    # ------------------------------------------------------------ identity

    @property
    def document_id(self) -> str:
        return f"{self.region}-{self.department}-{self.year}-{self.phase}"

    @property
    def title(self) -> str:
        return f"{self.region}{self.dept_short}部门{self.year}年部门预算"

    def unit(self, code: str) -> Unit:
        return next(u for u in self.units if u.code == code)

    @property
    def admin_unit(self) -> Unit:
        return self.units[0]

    # ------------------------------------------------------------ derived tables

    def sorted_rows(self) -> list[ExpenditureRow]:
        order = {u.code: i for i, u in enumerate(self.units)}
        return sorted(self.rows, key=lambda r: (order[r.unit_code], r.subject_code))

    def kind_totals(self, sources=None) -> dict[str, Decimal]:
        out = defaultdict(lambda: ZERO)
        for row in self.rows:
            for kind, by_source in row.parts.items():
                for source, amount in by_source.items():
                    if sources is None or source in sources:
                        out[kind] += amount
        return dict(out)

    def source_totals(self) -> dict[str, Decimal]:
        out = defaultdict(lambda: ZERO)
        for row in self.rows:
            for by_source in row.parts.values():
                for source, amount in by_source.items():
                    out[source] += amount
        return dict(out)

    @property
    def total(self) -> Decimal:
        return dsum(r.total for r in self.rows)

    def subject_budget(self, source: str) -> dict[str, dict[str, Decimal]]:
        """Tables 5/6: subject -> {total, basic, project} of one funding source (non-zero rows)."""
        out: dict[str, dict[str, Decimal]] = {}
        for row in self.rows:
            basic = row.by_source(BASIC_KINDS).get(source, ZERO)
            project = row.parts.get("project", {}).get(source, ZERO)
            if not basic and not project:
                continue
            entry = out.setdefault(row.subject_code, {"basic": ZERO, "project": ZERO})
            entry["basic"] += basic
            entry["project"] += project
        for entry in out.values():
            entry["total"] = entry["basic"] + entry["project"]
        return dict(sorted(out.items()))

    def econ_project(self) -> dict[str, Decimal]:
        out = defaultdict(lambda: ZERO)
        for project in self.projects:
            for code, amount in project.econ.items():
                out[code] += amount
        return dict(out)

    def project_category_totals(self) -> dict[str, Decimal]:
        out = defaultdict(lambda: ZERO)
        for project in self.projects:
            out[project.category] += project.amount
        return dict(out)

    def summary_items(self, fiscal: bool) -> dict[str, list[tuple[str, int, str | None, Decimal]]]:
        """Lines of table 1 (or table 4 if fiscal): side -> [(item_key, level, parent, amount)].

        The total line (item_key "total", level 0) is last on each side.
        """
        sources = FISCAL_SOURCES if fiscal else None
        by_source = self.source_totals()
        kinds = self.kind_totals(sources)
        revenue = []
        for source in FISCAL_SOURCES if fiscal else self.template.revenue_items:
            revenue.append((source, 1, None, by_source.get(source, ZERO)))
        expenditure = [("basic", 1, None, dsum(kinds.get(k, ZERO) for k in BASIC_KINDS))]
        for kind in SUMMARY_BASIC_ORDER:
            expenditure.append((kind, 2, "basic", kinds.get(kind, ZERO)))
        if self.template.summary_project_split and not fiscal:
            categories = self.project_category_totals()
            for parent, children in SPLIT_PROJECT_ITEMS:
                if children:
                    expenditure.append((parent, 1, None, dsum(categories.get(c, ZERO) for c in children)))
                    for child in children:
                        expenditure.append((child, 2, parent, categories.get(child, ZERO)))
                else:
                    expenditure.append((parent, 1, None, categories.get(parent, ZERO)))
        else:
            expenditure.append(("project", 1, None, kinds.get("project", ZERO)))
        revenue_total = dsum(a for _, level, _, a in revenue if level == 1)
        expenditure_total = dsum(a for _, level, _, a in expenditure if level == 1)
        revenue.append(("total", 0, None, revenue_total))
        expenditure.append(("total", 0, None, expenditure_total))
        return {"revenue": revenue, "expenditure": expenditure}

    def econ_lines(self, which: str) -> list[tuple[str, dict[str, Decimal]]]:
        """Tables 7/8: [(econ code, {total, basic, project})], 类 followed by its 款, sorted.

        ``which`` is "basic" (table 8, basic general-budget expenditure) or "all" (table 7).
        """
        basic = self.econ_basic
        project = self.econ_project() if which == "all" else {}
        codes = sorted(set(basic) | set(project))
        by_class: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            by_class[code[:3]].append(code)
        lines = []
        for klass in sorted(by_class):
            kuan = [
                (code, {"basic": basic.get(code, ZERO), "project": project.get(code, ZERO)}) for code in by_class[klass]
            ]
            for _, entry in kuan:
                entry["total"] = entry["basic"] + entry["project"]
            class_entry = {m: dsum(e[m] for _, e in kuan) for m in ("total", "basic", "project")}
            lines.append((klass, class_entry))
            lines.extend(kuan)
        return lines

    def three_public_lines(self, prior: bool = False) -> list[tuple[str, int, str | None, Decimal]]:
        values = self.three_public_prior if prior else self.three_public
        vehicle = values["vehicle_operation"] + values["vehicle_purchase"]
        total = values["overseas"] + values["reception"] + vehicle
        return [
            ("total", 0, None, total),
            ("overseas", 1, None, values["overseas"]),
            ("reception", 1, None, values["reception"]),
            ("vehicle", 1, None, vehicle),
            ("vehicle_operation", 2, "vehicle", values["vehicle_operation"]),
            ("vehicle_purchase", 2, "vehicle", values["vehicle_purchase"]),
        ]

    def special_fund_projects(self) -> list[Project]:
        if not (self.template.special_funds_listed or self.template.summary_project_split):
            return []  # table 10 prints 无 only when table 1 does not name 部门专项资金
        return [
            p
            for p in self.projects
            if p.category in SPECIAL_FUND_CATEGORIES and set(p.funding) <= set(FISCAL_SOURCES)
        ]

    def project_funding_sources(self) -> set[str]:
        return {s for p in self.projects for s in p.funding}

    # ------------------------------------------------------------ year on year

    def yoy_values(self) -> dict[str, Decimal]:
        """This year's value of every measure the prose compares with the year before (YOY_MEASURES)."""
        summary = {(side, key): a for side, items in self.summary_items(False).items() for key, _, _, a in items}
        three = {key: a for key, _, _, a in self.three_public_lines()}
        return {
            "total_revenue": summary[("revenue", "total")],
            "total_expenditure": summary[("expenditure", "total")],
            "general_budget_expenditure": dsum(e["total"] for e in self.subject_budget("general_budget").values()),
            "three_public_total": three["total"],
            "overseas": three["overseas"],
            "reception": three["reception"],
            "vehicle": three["vehicle"],
            "operating_funds": self.operating_funds,
        }

    def prior_values(self) -> dict[str, Decimal]:
        """Last year's value of every YOY_MEASURES measure, as this document's statements assume it."""
        three = {key: a for key, _, _, a in self.three_public_lines(prior=True)}
        return {
            "total_revenue": self.prior["total_revenue"],
            "total_expenditure": self.prior["total_revenue"],  # 收入总计 = 支出总计
            "general_budget_expenditure": self.prior["general_budget_expenditure"],
            "three_public_total": three["total"],
            "overseas": three["overseas"],
            "reception": three["reception"],
            "vehicle": three["vehicle"],
            "operating_funds": self.prior["operating_funds"],
        }

    def prior_basis(self) -> dict[str, Decimal]:
        """``prior`` of the next year's document, so that its statements agree with this one."""
        values = self.yoy_values()
        return {key: values[key] for key in ("total_revenue", "general_budget_expenditure", "operating_funds")}

    def yoy_breaks(self, previous: DocumentTruth) -> dict[str, tuple[Decimal, Decimal]]:
        """Measures whose assumed prior-year value differs from ``previous``'s own value:
        measure -> (assumed here, stated in ``previous``). Empty for a consistent series."""
        assumed, actual = self.prior_values(), previous.yoy_values()
        return {m: (assumed[m], actual[m]) for m in YOY_MEASURES if assumed[m] != actual[m]}

    # ------------------------------------------------------------ facts

    def expected_facts(self) -> dict[str, dict]:
        """The facts the warehouse should hold for this document (without document_id).

        fct_budget_summary[(table_kind, side, item_key)]
        fct_revenue[(unit_code | None, funding_source | "total")]
        fct_expenditure[(unit_code | None, subject_code | None, measure_group, measure)]
        fct_subject_budget[(table_kind, subject_code | None, measure)]
        fct_economic_budget[(table_kind, econ_code | None, measure)]
        fct_three_public[(item_key, "amount" | "prior_year")]
        fct_project[(seq,)]
        perf_funding[(perf_id, period, source)]
        special_funds[(unit_code, fund name, measure)]
        indicators[(perf_id, row_index, value_column)] -> printed text
        claims[(kind, measure, subject_code)] -> value in the claim's unit
        roster[unit_code] -> {unit_name, funding_nature, staffing_quota, staff_count}
        dim_project[(seq,)] -> {name, perf_id, perf_name, unit_code, filled_by, owner, phone, period}
        None stands for the 合计 row. Blank cells are absent.
        """
        facts: dict[str, dict] = {name: {} for name in FACT_NAMES}

        def put(name: str, key: tuple, amount: Decimal, keep_zero: bool = False) -> None:
            if amount or keep_zero:
                facts[name][key] = amount

        facts["document"] = {
            "region": self.region,
            "department": self.department,
            "year": self.year,
            "phase": self.phase,
            "title": self.title,
        }
        for u in self.units:
            facts["roster"][u.code] = {
                "unit_name": u.name,
                "funding_nature": u.nature,
                "staffing_quota": u.staffing_quota,
                "staff_count": u.staff_count,
            }

        # Table 1 and 4
        for table_kind, fiscal in (("summary", False), ("fiscal_summary", True)):
            for side, items in self.summary_items(fiscal).items():
                for key, _, _, amount in items:
                    put("fct_budget_summary", (table_kind, side, key), amount)

        # Table 3 (and the per-unit sums of table 2)
        columns = self.template.revenue_items
        col_total: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
        unit_sources: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
        for row in self.sorted_rows():
            by_kind = row.by_kind()
            by_source = row.by_source()
            total = dsum(by_kind.values())
            cells = {("kind", "total"): total}
            if self.template.t3_basic_column:
                cells[("kind", "basic")] = dsum(by_kind.get(k, ZERO) for k in BASIC_KINDS)
            for kind in KINDS:
                cells[("kind", kind)] = by_kind.get(kind, ZERO)
            cells[("source", "total")] = total
            unit_total = unit_sources[row.unit_code]
            for source in columns:
                amount = by_source.get(source, ZERO)
                cells[("source", source)] = amount
                unit_total[source] += amount
            for (group, measure), amount in cells.items():
                put("fct_expenditure", (row.unit_code, row.subject_code, group, measure), amount)
                col_total[(group, measure)] += amount
        for (group, measure), amount in col_total.items():
            put("fct_expenditure", (None, None, group, measure), amount)

        # Table 2
        grand: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for u in self.units:
            sources = unit_sources.get(u.code, {})
            put("fct_revenue", (u.code, "total"), dsum(sources.values()))
            grand["total"] += dsum(sources.values())
            for source in columns:
                put("fct_revenue", (u.code, source), sources.get(source, ZERO))
                grand[source] += sources.get(source, ZERO)
        for source, amount in grand.items():
            put("fct_revenue", (None, source), amount)

        # Tables 5 and 6
        for table_kind, source in (("general_budget_by_subject", "general_budget"), ("gov_fund_by_subject", "gov_fund")):
            budget = self.subject_budget(source)
            sums = defaultdict(lambda: ZERO)
            for code, entry in budget.items():
                for measure in ("total", "basic", "project"):
                    put("fct_subject_budget", (table_kind, code, measure), entry[measure])
                    sums[measure] += entry[measure]
            for measure, amount in sums.items():
                put("fct_subject_budget", (table_kind, None, measure), amount)

        # Tables 7 and 8
        for table_kind, which in (("economic_class", "all"), ("basic_economic_class", "basic")):
            measures = ("total", "basic", "project") if which == "all" and self.template.econ7_split else ("total",)
            sums = defaultdict(lambda: ZERO)
            for code, entry in self.econ_lines(which):
                if len(code) == 5 and which == "all" and not self.template.econ7_kuan:
                    continue
                for measure in measures:
                    put("fct_economic_budget", (table_kind, code, measure), entry[measure])
                    if len(code) == 3:
                        sums[measure] += entry[measure]
            for measure in measures:
                put("fct_economic_budget", (table_kind, None, measure), sums[measure], keep_zero=True)

        # Table 9 (zero items are printed 0.00, so they are facts)
        for key, _, _, amount in self.three_public_lines():
            facts["fct_three_public"][(key, "amount")] = amount
        if self.template.three_public_prior:
            for key, _, _, amount in self.three_public_lines(prior=True):
                facts["fct_three_public"][(key, "prior_year")] = amount

        # Table 10
        for p in self.special_fund_projects():
            put("special_funds", (p.unit_code, p.name, "total"), p.amount)
            for source in ("general_budget", "gov_fund"):
                put("special_funds", (p.unit_code, p.name, source), p.funding.get(source, ZERO))

        # Projects and performance tables
        for p in self.projects:
            facts["fct_project"][(p.seq,)] = p.amount
            unit = self.unit(p.unit_code)
            facts["dim_project"][(p.seq,)] = {
                "name": p.name,
                "perf_id": p.perf_id,
                "perf_name": p.perf_name,
                "unit_code": p.unit_code,
                "filled_by": unit.name,
                "owner": p.owner if p.perf_kind == "special" else None,
                "phone": p.phone if p.perf_kind == "special" else None,
                "period": p.period if p.perf_kind == "special" else None,
            }
            periods = ("implementation", "current_year") if p.perf_kind == "special" else ("current_year",)
            for period in periods:
                for source, amount in p.perf_funding(period).items():
                    put("perf_funding", (p.perf_id, period, source), amount)
            for i, indicator in enumerate(p.indicators):
                for column, printed in indicator.values.items():
                    if printed:
                        facts["indicators"][(p.perf_id, i, column)] = printed

        for claim in self.claims:
            facts["claims"][claim.key] = claim.value
        return facts

    def claim_refs(self) -> dict[tuple, list[tuple[str, tuple]]]:
        return {c.key: c.refs for c in self.claims}

    # ------------------------------------------------------------ JSON

    def to_dict(self) -> dict:
        return _plain(self)

    def to_json(self) -> str:
        return json.dumps(self, default=json_default, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> DocumentTruth:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, d: dict) -> DocumentTruth:
        def decs(m: dict) -> dict[str, Decimal]:
            return {k: Decimal(v) for k, v in m.items()}

        return cls(
            seed=d["seed"],
            text_seed=d["text_seed"],
            region=d["region"],
            parent_city=d["parent_city"],
            department=d["department"],
            dept_short=d["dept_short"],
            dept_key=d["dept_key"],
            year=d["year"],
            phase=d["phase"],
            units=[Unit(**u) for u in d["units"]],
            rows=[
                ExpenditureRow(r["unit_code"], r["subject_code"], {k: decs(v) for k, v in r["parts"].items()})
                for r in d["rows"]
            ],
            projects=[
                Project(
                    **{
                        **p,
                        "funding": decs(p["funding"]),
                        "implementation": decs(p["implementation"]),
                        "econ": decs(p["econ"]),
                        "indicators": [IndicatorRow(**i) for i in p["indicators"]],
                    }
                )
                for p in d["projects"]
            ],
            econ_basic=decs(d["econ_basic"]),
            three_public=decs(d["three_public"]),
            three_public_prior=decs(d["three_public_prior"]),
            prior=decs(d["prior"]),
            operating_funds=Decimal(d["operating_funds"]),
            procurement_total=Decimal(d["procurement_total"]),
            procurement_services=Decimal(d["procurement_services"]),
            assets=dict(d["assets"]),
            subject_names=dict(d["subject_names"]),
            section_names=dict(d["section_names"]),
            class_names=dict(d["class_names"]),
            econ_names=dict(d["econ_names"]),
            template=Template(**d["template"]),
            claims=[
                Claim(
                    **{
                        **c,
                        "value": Decimal(c["value"]),
                        "refs": [(name, tuple(key)) for name, key in c["refs"]],
                    }
                )
                for c in d["claims"]
            ],
        )


def json_default(obj: Any) -> Any:
    """``json.dumps(default=…)`` hook: dataclasses as dicts, Decimals as strings (tuples are lists already)."""
    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "__dataclass_fields__"):
        return {name: getattr(obj, name) for name in obj.__dataclass_fields__}
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _plain(obj: Any) -> Any:
    """JSON-ready form: dataclasses as dicts, Decimals as strings, tuples as lists."""
    if obj is None or isinstance(obj, (str, int, float)):
        return obj
    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "__dataclass_fields__"):
        return {name: _plain(getattr(obj, name)) for name in obj.__dataclass_fields__}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def facts_to_jsonable(facts: dict[str, dict]) -> dict[str, list]:
    """expected_facts() as JSON: each fact table a list of [key, value] pairs."""
    out: dict[str, Any] = {}
    for name, table in facts.items():
        if name == "document":
            out[name] = table
            continue
        out[name] = [[_plain(list(k) if isinstance(k, tuple) else k), _plain(v)] for k, v in table.items()]
    return out
