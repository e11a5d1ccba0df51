"""Text rendering of a document truth, in the structure and wording of the sample.

``render(truth, layout)`` prints every number from ``truth.expected_facts()``
(or from a ``facts`` override, which is how faults change one printed number),
so what is printed is exactly what the facts say. The ``Layout`` only changes
the presentation: the same truth in any layout carries the same content.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from itertools import zip_longest

from budget_warehouse.corpus.converters import as_layout, as_markdown
from budget_warehouse.corpus.model import (
    RECURRING_VALUE_COLUMNS,
    SPECIAL_VALUE_COLUMNS,
    ZERO,
    DocumentTruth,
    Project,
)
from budget_warehouse.corpus.text import TextBank, cn_number

STANDARD_ORDER = (
    "summary",
    "revenue_by_unit",
    "expenditure_by_unit",
    "fiscal_summary",
    "general_budget_by_subject",
    "gov_fund_by_subject",
    "economic_class",
    "basic_economic_class",
    "three_public",
    "special_funds",
)
YUAN_CANDIDATES = STANDARD_ORDER[:-1]

TITLES = {
    "summary": ("收支预算总表", "部门收支总表"),
    "revenue_by_unit": ("收入预算总表", "部门收入总表"),
    "expenditure_by_unit": ("支出预算总表", "部门支出总表"),
    "fiscal_summary": ("财政拨款收支预算总表", "财政拨款收支总表"),
    "general_budget_by_subject": ("一般公共预算拨款支出预算表", "一般公共预算支出表"),
    "gov_fund_by_subject": ("政府性基金拨款支出预算表", "政府性基金预算支出表"),
    "economic_class": ("一般公共预算支出经济分类情况表", "一般公共预算支出经济分类表"),
    "basic_economic_class": ("一般公共预算基本支出经济分类情况表", "一般公共预算基本支出经济分类表"),
    "three_public": ("一般公共预算“三公”经费支出预算表", "一般公共预算“三公”经费支出表"),
    "special_funds": ("部门专项资金管理清单目录", "部门专项资金管理清单"),
}

SOURCE_LABELS = {
    "general_budget": ("一般公共预算拨款", "一般公共预算拨款"),
    "gov_fund": ("基金预算财政拨款", "政府性基金预算拨款"),
    "fiscal_special_account": ("财政专户资金", "财政专户管理资金"),
    "business_income": ("直接事业收入", "事业收入"),
    "operating_income": ("经营收入", "经营收入"),
    "superior_subsidy": ("上级补助收入", "上级补助收入"),
    "other_income": ("其他收入", "其他收入"),
    "carryover": ("上年结转", "上年结转结余"),
}
# Prose names of the sources (section 一 of 第三部分).
SOURCE_PROSE = {
    "general_budget": "一般公共预算拨款",
    "gov_fund": "政府性基金预算拨款",
    "fiscal_special_account": "财政专户拨款",
    "business_income": "事业收入",
    "operating_income": "经营收入",
    "superior_subsidy": "上级补助收入",
    "other_income": "其他收入",
    "carryover": "上年结转结余",
}
KIND_LABELS = {
    "basic": ("基本支出", "基本支出"),
    "personnel": ("人员基本支出", "人员支出"),
    "welfare": ("个人福利性补助支出", "个人福利性补助支出"),
    "public": ("公用支出", "公用经费"),
    "institution_subsidy": ("对事业单位经常性补助", "对事业单位经常性补助"),
    "project": ("项目支出", "项目支出"),
    "recurring_special": ("经常性专项业务费", "经常性专项业务费"),
    "dept_special_funds": ("部门专项资金", "部门专项资金"),
    "enterprise_subsidy": ("企业政策性补助", "企业政策性补助"),
    "transfer": ("转移性支出", "转移性支出"),
    "other_special_funds": ("其他专项资金", "其他专项资金"),
    "earmarked": ("专项专款", "专项专款"),
    "construction_purchase": ("建设和购置支出", "建设和购置支出"),
    "debt_service": ("债务利息及还本支出", "债务利息及还本支出"),
    "remit_superior": ("上缴上级支出", "上缴上级支出"),
    "other_project": ("其他项目支出", "其他项目支出"),
}
THREE_PUBLIC_LABELS = {
    "total": "合计",
    "overseas": "1、因公出国（境）费用",
    "reception": "2、公务接待费",
    "vehicle": "3、公务用车购置及运行费",
    "vehicle_operation": "其中：（1）公务用车运行费",
    "vehicle_purchase": "（2）公务用车购置费",
}
CONVERTERS = {"markdown": as_markdown, "layout": as_layout}  # tab rows as other converters print them
CLASSIFICATION = ("市委市政府已确定的专项", "已确定分年度预算安排的专项", "其他专项")


@dataclass(frozen=True)
class Layout:
    """Presentation choices; each independent of the others and of the content."""

    # standard tables and roster: tsv | html | both (HTML, then the same rows as tabs) | markdown
    # (pipe tables) | layout (space-aligned columns, as pdftotext -layout)
    cells: str = "tsv"
    perf_cells: str = "tsv"  # 绩效目标表: the same choices
    html_one_line: bool = False  # a whole HTML table on one line (as converters print it)
    page_breaks: bool = False  # tables cut by a page break (blank line) every ``page_rows`` rows
    page_numbers: bool = False  # … with a stray page number line in the break
    page_rows: int = 30
    thousands: str = "none"  # none | all | mixed (some tables with separators, some without)
    two_row_headers: bool = True  # group header row (资金来源, 其中：, 收 入/支 出) above the column labels
    column_numbers: bool = True  # the "** ** 1 2 3" row under the header
    headings: str = "md"  # md | md_mixed | bold | html_bold | none
    table_order: tuple[str, ...] = STANDARD_ORDER
    yuan_tables: frozenset[str] = frozenset()  # tables printed in 元 ("单位：元", amounts ×10000)
    title_style: int = 0  # 0 "一、收支预算总表" 1 "表一 收支预算总表" 2 "表1 2023年部门收支总表" 3 "<dept>2023年部门收支总表"
    label_style: int = 0  # 0 or 1: wording of column and line labels
    prose_numbers: str = "strip"  # strip ("20 万元") | fixed ("20.00 万元") in the prose
    prose_space: bool = True  # "12.34 万元" vs "12.34万元"
    prose_breaks: bool = False  # long paragraphs cut by page breaks
    seed: int = 0  # drives the layout's own random choices (heading levels, page numbers)

    @classmethod
    def random(cls, rng: random.Random) -> Layout:
        order = list(STANDARD_ORDER)
        if rng.random() < 0.3:
            rng.shuffle(order)
        yuan: frozenset[str] = frozenset()
        if rng.random() < 0.2:
            yuan = frozenset(rng.sample(YUAN_CANDIDATES, rng.randint(1, 3)))
        page_breaks = rng.random() < 0.5
        return cls(
            cells=rng.choices(["tsv", "html", "both"], [60, 25, 15])[0],
            perf_cells=rng.choices(["tsv", "html", "both"], [50, 30, 20])[0],
            html_one_line=rng.random() < 0.5,
            page_breaks=page_breaks,
            page_numbers=page_breaks and rng.random() < 0.5,
            page_rows=rng.randint(12, 40),
            thousands=rng.choice(["none", "all", "mixed"]),
            two_row_headers=rng.random() < 0.7,
            column_numbers=rng.random() < 0.6,
            headings=rng.choice(["md", "md_mixed", "bold", "html_bold", "none"]),
            table_order=tuple(order),
            yuan_tables=yuan,
            title_style=rng.randint(0, 3),
            label_style=rng.randint(0, 1),
            prose_numbers=rng.choices(["strip", "fixed"], [70, 30])[0],
            prose_space=rng.random() < 0.6,
            prose_breaks=rng.random() < 0.4,
            seed=rng.randint(0, 2**31),
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["table_order"] = list(self.table_order)
        d["yuan_tables"] = sorted(self.yuan_tables)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Layout:
        return cls(**{**d, "table_order": tuple(d["table_order"]), "yuan_tables": frozenset(d["yuan_tables"])})

    def with_(self, **changes) -> Layout:
        return replace(self, **changes)


# ---------------------------------------------------------------- number formats


def _stable(*parts) -> int:
    return int(hashlib.md5("|".join(map(str, parts)).encode()).hexdigest()[:8], 16)


def uses_thousands(layout: Layout, table_kind: str) -> bool:
    if layout.thousands == "all":
        return True
    if layout.thousands == "none":
        return False
    return _stable(layout.seed, table_kind) % 2 == 0


def format_table_amount(layout: Layout, table_kind: str, amount: Decimal) -> str:
    if table_kind in layout.yuan_tables:
        amount = amount * 10000
    return f"{amount:,.2f}" if uses_thousands(layout, table_kind) else f"{amount:.2f}"


def format_plain(value: Decimal) -> str:
    """Two decimals without trailing zeros: 20.00 -> 20, 10.90 -> 10.9 (as the sample's prose prints)."""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


def format_prose_number(layout: Layout, value: Decimal) -> str:
    return f"{value:.2f}" if layout.prose_numbers == "fixed" else format_plain(value)


FACT_TABLE_KIND = {
    "fct_revenue": "revenue_by_unit",
    "fct_expenditure": "expenditure_by_unit",
    "fct_three_public": "three_public",
    "special_funds": "special_funds",
}


def fact_table_kind(fact_name: str, key: tuple) -> str | None:
    """The standard table a fact is printed in (None: prose, project list, 绩效目标表)."""
    if fact_name in ("fct_budget_summary", "fct_subject_budget", "fct_economic_budget"):
        return key[0]
    return FACT_TABLE_KIND.get(fact_name)


def printed(layout: Layout, fact_name: str, key: tuple, value: Decimal, unit: str = "万元") -> str:
    """The text a fact value is printed as in ``layout``."""
    table_kind = fact_table_kind(fact_name, key)
    if table_kind is not None:
        return format_table_amount(layout, table_kind, value)
    if unit in ("个", "辆", "台（套）"):
        return str(int(value))
    if fact_name == "perf_funding":
        return format_plain(value)
    return format_prose_number(layout, value)


# ---------------------------------------------------------------- table cells


@dataclass
class HC:
    """A table cell with its spans."""

    text: str
    colspan: int = 1
    rowspan: int = 1


def _grid(rows: list[list[HC]]) -> list[list[str]]:
    """Place spanned cells on a grid: text at the top-left position, blanks elsewhere."""
    occupied: set[tuple[int, int]] = set()
    placed: list[dict[int, str]] = []
    width = 0
    for r, row in enumerate(rows):
        line: dict[int, str] = {}
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            line[c] = cell.text
            if cell.rowspan > 1 or cell.colspan > 1:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            occupied.add((r + dr, c + dc))
            c += cell.colspan
        width = max(width, c)
        placed.append(line)
    return [[line.get(c, "") for c in range(width)] for line in placed]


def _html_cell(tag: str, cell: HC) -> str:
    attrs = ""
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    return f"<{tag}{attrs}>{cell.text}</{tag}>"


def _as_cells(row) -> list[HC]:
    return [c if isinstance(c, HC) else HC(c) for c in row]


# ---------------------------------------------------------------- renderer


class _Renderer:
    def __init__(self, truth: DocumentTruth, layout: Layout, facts: dict[str, dict]):
        self.t = truth
        self.L = layout
        self.f = facts
        self.lines: list[str] = []
        self.hrng = random.Random(f"layout:{layout.seed}:{truth.seed}")
        self.page = 8
        self.sp = " " if layout.prose_space else ""
        self.text = TextBank(truth)
        self.claim_index = {c.key: c for c in truth.claims}
        self.formats: dict[str, tuple[bool, str]] = {}

    # ------------------------------------------------------------ primitives

    def out(self, *lines: str) -> None:
        self.lines.extend(lines)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def heading(self, text: str, level: int) -> None:
        style = self.L.headings
        if style == "md":
            line = "#" * level + " " + text
        elif style == "md_mixed":
            line = "#" * self.hrng.randint(1, 4) + " " + text
        elif style == "bold":
            line = f"**{text}**"
        elif style == "html_bold":
            line = f"<b>{text}</b>"
        else:
            line = text
        self.blank()
        self.out(line, "")

    def page_break(self) -> None:
        self.blank()
        if self.L.page_numbers:
            self.out(str(self.page), "")
        self.page += 1

    def para(self, text: str, breakable: bool = False) -> None:
        """A paragraph; with prose_breaks a long one may be cut by a page break (never inside a number)."""
        text = text.lstrip()
        self.blank()
        if breakable and self.L.prose_breaks and len(text) > 60 and self.hrng.random() < 0.2:
            positions = [i for i in range(20, len(text) - 20) if not text[i - 1].isdigit() and not text[i].isdigit()]
            if positions:
                cut = self.hrng.choice(positions)
                self.out(text[:cut])
                self.page_break()
                self.out(text[cut:], "")
                return
        self.out(text, "")

    def n(self, value: Decimal) -> str:
        return f"{self.sp}{format_prose_number(self.L, value)}{self.sp}"

    def claim(self, kind: str, measure: str | None = None, code: str | None = None) -> str:
        """The printed number of a prose claim, with spacing."""
        value = self.f["claims"].get((kind, measure, code), ZERO)
        claim = self.claim_index.get((kind, measure, code))
        if claim is not None and claim.unit in ("个", "辆", "台（套）"):
            return f"{self.sp}{int(value)}{self.sp}"
        return self.n(value)

    def has_claim(self, kind: str, measure: str | None = None, code: str | None = None) -> bool:
        return (kind, measure, code) in self.f["claims"]

    def yoy(self, measure: str, subject: str = "") -> str:
        """'比上年增加 X 万元' / '与上年相比支出减少 Y%' / '与上年持平' from the yoy claims."""
        amount = self.claim_index.get(("yoy_change_amount", measure, None))
        percent = self.claim_index.get(("yoy_change_percent", measure, None))
        if amount is None and percent is None:
            return "与上年持平"
        direction = (amount or percent).direction
        word = "增加" if direction == "increase" else "减少"
        if amount is not None and percent is not None:
            grow = "增长" if direction == "increase" else "下降"
            return f"比上年{word}{self.claim('yoy_change_amount', measure)}万元，{grow}{self.claim('yoy_change_percent', measure).rstrip()}%"
        if amount is not None:
            return f"比上年{word}{self.claim('yoy_change_amount', measure)}万元"
        return f"与上年相比{subject}{word}{self.claim('yoy_change_percent', measure).rstrip()}%"

    def direction(self, measure: str) -> str | None:
        claim = self.claim_index.get(("yoy_change_amount", measure, None)) or self.claim_index.get(("yoy_change_percent", measure, None))
        return claim.direction if claim else None

    def amt(self, table_kind: str, fact_name: str, key: tuple) -> str:
        value = self.f[fact_name].get(key)
        if value is None:
            return ""
        fmt = self.formats.get(table_kind)
        if fmt is None:
            fmt = self.formats[table_kind] = (
                table_kind in self.L.yuan_tables,
                "{:,.2f}" if uses_thousands(self.L, table_kind) else "{:.2f}",
            )
        return fmt[1].format(value * 10000 if fmt[0] else value)

    # ------------------------------------------------------------ tables

    def emit_table(self, header: list[list[HC]], body: list[list], mode: str, breakable: bool = True, th: bool = True) -> None:
        plain = all(isinstance(c, str) for r in body for c in r)
        self.blank()
        start = len(self.lines)
        if mode in ("html", "both"):
            self.emit_html(header, [_as_cells(r) for r in body], breakable and mode == "html", th)
            if mode == "both":
                self.blank()
        if mode in ("tsv", "both", *CONVERTERS):
            if plain:
                head, rows = _grid(header), body
            else:
                grid = _grid(header + [_as_cells(r) for r in body])
                head, rows = grid[: len(header)], grid[len(header):]
            self.out(*("\t".join(r) for r in head))
            first = self.L.page_rows - self.hrng.randint(0, self.L.page_rows // 2)
            for i, r in enumerate(rows):
                if breakable and self.L.page_breaks and i and (i - first) % self.L.page_rows == 0 and i >= first:
                    self.page_break()
                self.out("\t".join(r))
        if mode in CONVERTERS:
            self.lines[start:] = CONVERTERS[mode](self.lines[start:])
        self.blank()

    def emit_html(self, header: list[list[HC]], body: list[list[HC]], breakable: bool, th: bool) -> None:
        tag = "th" if th else "td"
        chunks = [body]
        if breakable and self.L.page_breaks and len(body) > self.L.page_rows:
            chunks = [body[i:i + self.L.page_rows] for i in range(0, len(body), self.L.page_rows)]
        for n, chunk in enumerate(chunks):
            if n:
                self.page_break()
            rows = []
            if n == 0:
                rows += ["<tr>" + "".join(_html_cell(tag, c) for c in r) + "</tr>" for r in header]
            rows += ["<tr>" + "".join(_html_cell("td", c) for c in r) + "</tr>" for r in chunk]
            if self.L.html_one_line:
                self.out('<table border="1">' + "".join(rows) + "</table>")
            else:
                self.out('<table border="1">', *rows, "</table>")

    def unit_line(self, kind: str) -> None:
        self.out("单位：元" if kind in self.L.yuan_tables else "单位：万元")

    def label(self, labels: dict, key: str) -> str:
        return labels[key][self.L.label_style]

    def numbers_row(self, codes: int, values: int) -> list[str]:
        return ["**"] * codes + [str(i) for i in range(1, values + 1)]

    def table_title(self, kind: str, index: int) -> str:
        style = self.L.title_style
        name = TITLES[kind][0 if style < 2 else 1]
        if style == 0:
            return f"{cn_number(index)}、{name}"
        if style == 1:
            return f"表{cn_number(index)} {name}"
        if style == 2:
            return f"表{index} {self.t.year}年{name}"
        return f"{self.t.region}{self.t.department}{self.t.year}年{name}"

    def standard_table(self, kind: str, index: int) -> None:
        self.heading(self.table_title(kind, index), 3)
        self.unit_line(kind)
        header, body = getattr(self, f"t_{kind}")()
        self.emit_table(header, body, self.L.cells)

    def _summary_table(self, kind: str) -> tuple[list[list[HC]], list[list]]:
        fiscal = kind == "fiscal_summary"
        items = self.t.summary_items(fiscal)

        def lines(side: str) -> list[tuple[str, str]]:
            out, n1, n2 = [], 0, 0
            for key, level, _, _ in items[side]:
                if level == 0:
                    continue
                if level == 1:
                    n1, n2 = n1 + 1, 0
                    text = self.label(SOURCE_LABELS, key) if side == "revenue" else self.label(KIND_LABELS, key)
                    text = f"{cn_number(n1)}、{text}"
                else:
                    n2 += 1
                    text = f"{n2}、{self.label(KIND_LABELS, key)}"
                out.append((text, self.amt(kind, "fct_budget_summary", (kind, side, key))))
            return out

        header = [[HC("收入项目类别"), HC("预算数"), HC("支出项目类别"), HC("预算数")]]
        if self.L.two_row_headers:
            header.insert(0, [HC("收 入", 2), HC("支 出", 2)])
        else:
            header = [[HC("收入项目"), HC("预算数"), HC("支出项目"), HC("预算数")]]
        body = []
        for rev, exp in zip_longest(lines("revenue"), lines("expenditure"), fillvalue=("", "")):
            body.append([rev[0], rev[1], exp[0], exp[1]])
        body.append([
            "收入总计", self.amt(kind, "fct_budget_summary", (kind, "revenue", "total")),
            "支出总计", self.amt(kind, "fct_budget_summary", (kind, "expenditure", "total")),
        ])
        return header, body

    def t_summary(self):
        return self._summary_table("summary")

    def t_fiscal_summary(self):
        return self._summary_table("fiscal_summary")

    def t_revenue_by_unit(self):
        sources = self.t.template.revenue_items
        labels = [self.label(SOURCE_LABELS, s) for s in sources]
        if self.L.two_row_headers:
            header = [
                [HC("单位编码", rowspan=2), HC("单位名称", rowspan=2), HC("资金来源", colspan=1 + len(sources))],
                [HC("总计")] + [HC(x) for x in labels],
            ]
        else:
            header = [[HC("单位编码"), HC("单位名称"), HC("总计")] + [HC(x) for x in labels]]
        body = []
        if self.L.column_numbers:
            body.append(self.numbers_row(2, 1 + len(sources)))
        for unit in [None] + self.t.units:
            code = unit.code if unit else None
            cells = [self.amt("revenue_by_unit", "fct_revenue", (code, m)) for m in ["total"] + sources]
            body.append([code or "", unit.name if unit else "合计"] + cells)
        return header, body

    def t_expenditure_by_unit(self):
        tpl = self.t.template
        sources = tpl.revenue_items
        kinds = (["basic"] if tpl.t3_basic_column else []) + ["personnel", "welfare", "public", "institution_subsidy", "project"]
        measures = [("kind", "total")] + [("kind", k) for k in kinds] + [("source", "total")] + [("source", s) for s in sources]
        kind_labels = ["总计"] + [self.label(KIND_LABELS, k) for k in kinds]
        source_labels = [self.label(SOURCE_LABELS, s) for s in sources]
        fixed = ["单位编码", "单位名称", "科目编码", "科目名称"]
        if self.L.two_row_headers:
            header = [
                [HC(x, rowspan=2) for x in fixed + kind_labels] + [HC("资金来源", colspan=1 + len(sources))],
                [HC("总计")] + [HC(x) for x in source_labels],
            ]
        else:
            header = [[HC(x) for x in fixed + kind_labels + ["资金来源合计"] + source_labels]]
        body = []
        if self.L.column_numbers:
            body.append(self.numbers_row(4, len(measures)))
        body.append(["", "合计", "", ""] + [self.amt("expenditure_by_unit", "fct_expenditure", (None, None) + m) for m in measures])
        for row in self.t.sorted_rows():
            unit = self.t.unit(row.unit_code)
            key = (row.unit_code, row.subject_code)
            body.append(
                [row.unit_code, unit.name, row.subject_code, self.t.subject_names[row.subject_code]]
                + [self.amt("expenditure_by_unit", "fct_expenditure", key + m) for m in measures]
            )
        return header, body

    def _subject_table(self, kind: str):
        if self.L.two_row_headers:
            header = [
                [HC("科目编码", rowspan=2), HC("科目名称", rowspan=2), HC("合计", rowspan=2), HC("其中：", colspan=2)],
                [HC("基本支出"), HC("项目支出")],
            ]
        else:
            header = [[HC("科目编码"), HC("科目名称"), HC("合计"), HC("基本支出"), HC("项目支出")]]
        body = []
        if self.L.column_numbers:
            body.append(self.numbers_row(2, 3))
        codes = sorted({k[1] for k in self.f["fct_subject_budget"] if k[0] == kind and k[1] is not None})
        if not codes and (kind, None, "total") not in self.f["fct_subject_budget"]:
            body.append(["无", "", "", "", ""])
            return header, body
        body.append(["", "合计"] + [self.amt(kind, "fct_subject_budget", (kind, None, m)) for m in ("total", "basic", "project")])
        for code in codes:
            body.append([code, self.t.subject_names[code]] + [self.amt(kind, "fct_subject_budget", (kind, code, m)) for m in ("total", "basic", "project")])
        return header, body

    def t_general_budget_by_subject(self):
        return self._subject_table("general_budget_by_subject")

    def t_gov_fund_by_subject(self):
        return self._subject_table("gov_fund_by_subject")

    def _econ_table(self, kind: str):
        split = kind == "economic_class" and self.t.template.econ7_split
        measures = ("total", "basic", "project") if split else ("total",)
        if split and self.L.two_row_headers:
            header = [[HC("科目编码", rowspan=2), HC("科目名称", rowspan=2), HC("预算数", colspan=3)],
                      [HC("合计"), HC("基本支出"), HC("项目支出")]]
        elif split:
            header = [[HC("科目编码"), HC("科目名称"), HC("合计"), HC("基本支出"), HC("项目支出")]]
        else:
            header = [[HC("科目编码"), HC("科目名称"), HC("预算数")]]
        body = [["", "合计"] + [self.amt(kind, "fct_economic_budget", (kind, None, m)) for m in measures]]
        codes = sorted({k[1] for k in self.f["fct_economic_budget"] if k[0] == kind and k[1] is not None})
        for code in codes:
            body.append([code, self.t.econ_names[code]] + [self.amt(kind, "fct_economic_budget", (kind, code, m)) for m in measures])
        return header, body

    def t_economic_class(self):
        return self._econ_table("economic_class")

    def t_basic_economic_class(self):
        return self._econ_table("basic_economic_class")

    def t_three_public(self):
        prior = self.t.template.three_public_prior
        header = [[HC("项目")] + ([HC("上年预算数")] if prior else []) + [HC("本年预算数")]]
        body = []
        for key, label in THREE_PUBLIC_LABELS.items():
            cells = [self.amt("three_public", "fct_three_public", (key, "prior_year"))] if prior else []
            body.append([label] + cells + [self.amt("three_public", "fct_three_public", (key, "amount"))])
        return header, body

    def t_special_funds(self):
        labels = ["部门编码", "部门名称", "专项资金项目", "立项依据", "执行年限", "实施期总体绩效目标"]
        if self.L.two_row_headers:
            header = [[HC(x, rowspan=2) for x in labels] + [HC("预算安排", colspan=3), HC("资金分配办法及支出标准", rowspan=2)],
                      [HC("小计"), HC("一般公共预算"), HC("政府性基金预算")]]
        else:
            header = [[HC(x) for x in labels + ["小计", "一般公共预算", "政府性基金预算", "资金分配办法及支出标准"]]]
        projects = self.t.special_fund_projects()
        if not projects:
            return header, [["", "无"] + [""] * 8]
        body = []
        for p in projects:
            unit = self.t.unit(p.unit_code)
            years = "1年" if p.implementation == p.funding else "3年"
            cells = [self.amt("special_funds", "special_funds", (p.unit_code, p.name, m)) for m in ("total", "general_budget", "gov_fund")]
            body.append([p.unit_code, unit.name, p.name, "部门申报，政府审定", years, p.goal] + cells + ["按项目实施进度拨付"])
        return header, body

    # ------------------------------------------------------------ 绩效目标表

    def perf_table(self, p: Project) -> None:
        special = p.perf_kind == "special"
        unit = self.t.unit(p.unit_code)
        texts = self.text.project_texts(p)

        def fund(period: str, source: str) -> str:
            value = self.f["perf_funding"].get((p.perf_id, period, source))
            return "" if value is None else format_plain(value)

        labels = (("资金总额：", "total"), ("一般公共预算拨款：", "general_budget"), ("基金预算拨款：", "gov_fund"), ("其他：", "other"))
        columns = SPECIAL_VALUE_COLUMNS if special else RECURRING_VALUE_COLUMNS
        width = 9 if special else 7
        rest = width - 2
        rows: list[list[HC]] = [[HC("部门专项绩效目标表" if special else "经常性专项业务费绩效目标表", width)]]
        if special:
            rows.append([HC(f"填报单位：（盖章）{unit.name}", width)])
            rows.append([HC("项目名称", 2), HC(p.perf_name, rest)])
            marks = " ".join(f"{c} {'☑' if i == p.classification else '□'}" for i, c in enumerate(CLASSIFICATION))
            rows.append([HC("项目分类", 2), HC(marks, rest)])
            keep = f"延续 {'☑' if p.continuing else '□'} 新增 {'□' if p.continuing else '☑'}"
            rows.append([HC("存续类型", 2), HC(keep, 2), HC("项目负责人"), HC(p.owner), HC("联系电话", 2), HC(p.phone)])
            rows.append([HC("项目起止时间", 2), HC(p.period, rest)])
            rows.append([HC("项目概况", 2), HC(texts["desc"], rest)])
            rows.append([HC("项目确定情况", 2, 2), HC("项目确定的依据", 2), HC(texts["basis"], 5)])
            rows.append([HC("项目申报的可行性", 2), HC(texts["feasibility"], 5)])
            rows.append([HC("项目资金申请（万元）", 2, 5), HC("实施期", 3), HC("当年度", 4)])
            for label, source in labels:
                rows.append([HC(label, 2), HC(fund("implementation", source)), HC(label, 2), HC(fund("current_year", source), 2)])
        else:
            rows.append([HC("填报单位：（盖章）", 2), HC(unit.name, rest)])
            rows.append([HC("项目名称", 2), HC(p.perf_name, rest)])
            first = True
            for label, source in labels:
                lead = [HC("业务费资金申请（万元）", 2, 4)] if first else []
                rows.append(lead + [HC(label, 2), HC(fund("current_year", source), 3)])
                first = False
        rows.append([HC("总体目标", 2), HC(p.goal, rest)])
        n = len(p.indicators)
        if special:
            rows.append([HC("绩效目标", 1, n + 2), HC("评价指标", 3, 2), HC("绩效内容", 1, 2), HC("实施期目标"), HC("当年度目标", 3)])
            rows.append([HC("绩效目标值"), HC("绩效标准"), HC("半年目标值"), HC("全年目标值")])
        else:
            rows.append([HC("绩效目标", 1, n + 2), HC("评价指标", 3, 2), HC("绩效内容", 1, 2), HC("当年度目标", 2)])
            rows.append([HC("绩效标准"), HC("全年目标值")])
        for i, ind in enumerate(p.indicators):
            row = []
            if i == 0 or p.indicators[i - 1].level1 != ind.level1:
                span = 1
                while i + span < n and p.indicators[i + span].level1 == ind.level1:
                    span += 1
                row.append(HC(ind.level1, 1, span))
            if i == 0 or (p.indicators[i - 1].level2, p.indicators[i - 1].level1) != (ind.level2, ind.level1):
                span = 1
                while i + span < n and (p.indicators[i + span].level2, p.indicators[i + span].level1) == (ind.level2, ind.level1):
                    span += 1
                row.append(HC(ind.level2, 1, span))
            row += [HC(ind.level3), HC(ind.content)] + [HC(self.f["indicators"].get((p.perf_id, i, c), "")) for c in columns]
            rows.append(row)
        rows.append([HC("单位已有的（或拟订的）保证项目实施的制度、措施", 2), HC(texts["measures"], rest)])
        self.emit_table([], rows, self.L.perf_cells, breakable=True, th=False)

    # ------------------------------------------------------------ parts

    def render(self) -> str:
        t, sp = self.t, self.sp
        self.out("", "")
        self.out(f"**{t.year}{sp}年度**", "", f"**{t.region}{t.dept_short}部门预算**", "")
        self.toc()
        self.part1()
        self.part2()
        self.part3()
        self.part4()
        return "\n".join(self.lines).rstrip("\n") + "\n"

    def toc(self) -> None:
        self.heading("目 录", 2)
        page = 3
        entries = [("第一部分 部门概况", 1), ("一、部门主要职责", 2), ("二、部门预算单位构成", 2), ("三、部门主要工作任务", 2),
                   (f"第二部分 {self.t.year}年度部门预算表", 1)]
        entries += [(self.table_title(k, i + 1), 2) for i, k in enumerate(self.L.table_order)]
        entries += [(f"第三部分 {self.t.year}年度部门预算情况说明", 1)] + [(s, 2) for s in self.part3_sections()]
        entries += [("第四部分 名词解释", 1)]
        for text, level in entries:
            page += self.hrng.randint(0, 2)
            self.out(f"{text}\t{page}" if level == 2 else f"<b>{text}</b>\t<b>{page}</b>")

    def part3_sections(self) -> list[str]:
        return ["一、预算收支总体情况", "二、一般公共预算拨款支出情况", "三、政府性基金预算拨款支出情况", "四、财政拨款预算基本支出情况",
                "五、一般公共预算“三公”经费支出情况", "六、预算绩效目标情况", "七、其他重要事项说明"]

    def part1(self) -> None:
        t, sp, text = self.t, self.sp, self.text
        self.heading("第一部分 部门概况", 1)
        self.heading("一、部门主要职责", 2)
        self.para(f"{t.dept_short}部门的主要职责是：")
        for i, duty in enumerate(text.duties(), start=1):
            self.para(f"（{cn_number(i)}）{duty}", breakable=True)
        self.heading("二、部门预算单位构成", 2)
        self.para(
            f"从预算单位构成看，{t.dept_short}部门包括{sp}1{sp}个机关行政处（科）室及{self.claim('unit_count', 'subordinate_units')}个下属单位，"
            f"其中：列入{sp}{t.year}{sp}年部门预算编制范围的单位详细情况见下表："
        )
        header = [[HC("单位名称"), HC("经费性质"), HC("人员编制数"), HC("在职人数")]]
        body = [[u.name, u.nature, str(u.staffing_quota), str(u.staff_count)] for u in t.units]
        self.emit_table(header, body, self.L.cells, breakable=False)
        self.heading("三、部门主要工作任务", 2)
        self.para(text.task_intro())
        sections = max(3, 10 - len(t.projects) // 2)
        for i, (title, paragraphs) in enumerate(text.tasks(sections), start=1):
            self.heading(f"{cn_number(i)}、{title}", 2 if i % 2 else 4)
            for paragraph in paragraphs:
                self.para(paragraph, breakable=True)

    def part2(self) -> None:
        self.heading(f"第二部分 {self.t.year}{self.sp}年度部门预算表", 1)
        for i, kind in enumerate(self.L.table_order, start=1):
            self.standard_table(kind, i)

    def part3(self) -> None:
        t, sp, c, text = self.t, self.sp, self.claim, self.text
        y = f"{sp}{t.year}{sp}"
        self.heading(f"第三部分 {t.year}{sp}年度部门预算情况说明", 1)
        s = self.part3_sections()
        # 一
        self.heading(s[0], 3)
        sources = "，".join(f"{SOURCE_PROSE[src]}{c('revenue_source', src)}万元" for src in t.template.revenue_items)
        kinds = [("personnel", "人员支出"), ("welfare", "个人福利性补助支出"), ("public", "公用支出"),
                 ("institution_subsidy", "对事业单位经常性补助"), ("project", "项目支出")]
        spend = "，".join(f"{label}{c('expenditure_kind', k)}万元" for k, label in kinds if self.has_claim("expenditure_kind", k))
        self.para(
            f"按照综合预算的原则，{t.dept_short}部门所有收入和支出均纳入部门预算管理。{y}年，{t.dept_short}部门收入预算为"
            f"{c('total_revenue', 'total')}万元，{self.yoy('total_revenue')}，主要原因是{text.reason(self.direction('total_revenue'))}。其中：{sources}。"
            f"相应安排支出预算{c('total_expenditure', 'total')}万元，{self.yoy('total_expenditure')}，其中：{spend}。"
        )
        # 二
        self.heading(s[1], 3)
        self.para(
            f"{y}年度一般公共预算拨款支出{c('general_budget_expenditure', 'total')}万元，{self.yoy('general_budget_expenditure')}，"
            f"主要原因是{text.reason(self.direction('general_budget_expenditure'))}。主要支出项目（按项级科目分类统计）包括："
        )
        self.subject_paragraphs("general_budget")
        # 三
        self.heading(s[2], 3)
        if self.has_claim("gov_fund_expenditure", "total"):
            self.para(f"{y}年度政府性基金预算拨款支出{c('gov_fund_expenditure', 'total')}万元。主要支出项目包括：")
            self.subject_paragraphs("gov_fund")
        else:
            self.para(f"本单位{y}年度没有使用政府性基金预算拨款安排的支出。")
        # 四
        self.heading(s[3], 3)
        self.para(f"{y}年度财政拨款基本支出{c('fiscal_basic_expenditure', 'basic')}万元，其中：")
        self.para(
            f"（一）人员经费{c('personnel_funds', 'personnel')}万元，主要包括：基本工资、津贴补贴、奖金、伙食补助费、绩效工资、机关事业单位基本养老保险缴费、"
            "职业年金缴费、其他社会保障缴费、其他工资福利支出、离休费、退休费、抚恤金、生活补助、医疗费、奖励金、住房公积金、其他对个人和家庭的补助支出。"
        )
        self.para(
            f"（二）公用经费{c('public_funds', 'public')}万元，主要包括：办公费、印刷费、咨询费、手续费、水费、电费、邮电费、物业管理费、差旅费、"
            "因公出国（境）费用、维修（护）费、租赁费、会议费、培训费、公务接待费、专用材料费、劳务费、委托业务费、工会经费、福利费、"
            "公务用车运行维护费、其他交通费用、其他商品和服务支出、办公设备购置、信息网络及软件购置更新。"
        )
        # 五
        self.heading(s[4], 2)
        self.para(f"{y}年一般公共预算“三公”经费预算{c('three_public_total', 'total')}万元，{self.yoy('three_public_total')}。")
        self.heading("（一）因公出国（境）经费", 3)
        tp = t.three_public

        def purpose(item: str, amount: Decimal) -> str:
            words = text.three_public_purpose(item)
            return f"主要用于{words}。" if amount else ""

        self.para(f"{y}年预算安排{c('three_public', 'overseas')}万元。{purpose('overseas', tp['overseas'])}"
                  f"{self.yoy('overseas', '支出')}，主要原因是{text.reason(self.direction('overseas'))}。")
        self.heading("（二）公务接待费", 3)
        self.para(f"{y}年预算安排{c('three_public', 'reception')}万元。{purpose('reception', tp['reception'])}"
                  f"{self.yoy('reception', '支出')}，主要原因是{text.reason(self.direction('reception'))}。")
        self.heading("（三）公务用车购置及运行费", 3)
        vehicle = tp["vehicle_operation"] + tp["vehicle_purchase"]
        self.para(f"{y}年预算安排{c('three_public', 'vehicle')}万元，其中：公车运行费{c('three_public', 'vehicle_operation')}万元，"
                  f"公车购置费{c('three_public', 'vehicle_purchase')}万元。{purpose('vehicle', vehicle)}{self.yoy('vehicle', '支出')}。")
        # 六
        self.heading(s[5], 2)
        self.heading("（一）绩效目标设置情况", 3)
        self.para(f"{y}年{t.dept_short}部门共设置{c('project_count', 'projects')}个项目绩效目标（注：包括经常性专项业务费绩效目标和专项资金绩效目标），分别是")
        self.blank()
        for p in t.projects:
            self.out(f"- {p.seq}、{p.name}{self.n(self.f['fct_project'][(p.seq,)])}万元；")
        fiscal = all(s in ("general_budget", "gov_fund") for s in t.project_funding_sources())
        self.para(f"共涉及{'财政拨款' if fiscal else '项目'}资金{c('project_total', 'project')}万元。")
        self.heading("（二）绩效目标表及说明", 2)
        recurring = [p for p in t.projects if p.perf_kind == "recurring"]
        special = [p for p in t.projects if p.perf_kind == "special"]
        group = 1
        if recurring:
            self.heading(f"{group}. 经常性专项业务费绩效目标表", 2)
            group += 1
            for p in recurring:
                self.perf_table(p)
        if special:
            self.heading(f"{group}、部门专项资金绩效目标表", 2)
            group += 1
            for i, p in enumerate(special, start=1):
                self.heading(f"({i}) {p.name}", 3)
                self.perf_table(p)
        self.heading(f"{group}. 有关情况说明", 3)
        self.para("无")
        # 七
        self.heading(s[6], 2)
        self.heading("（一）机关运行经费", 3)
        self.para(
            f"{y}年{t.dept_short}部门（含实行公务员管理的事业单位）一般公共预算拨款安排的机关运行经费支出{c('operating_funds', 'total')}万元，"
            f"{self.yoy('operating_funds').replace('上年', f'{sp}{t.year - 1}{sp}年')}，主要原因是{text.reason(self.direction('operating_funds'))}。"
        )
        self.heading("（二）政府采购情况", 3)
        self.para(f"{y}年{t.dept_short}部门政府采购预算总额{c('procurement_total', 'total')}万元，"
                  f"其中：政府购买服务项目采购预算额{c('procurement_services', 'services')}万元。")
        self.heading("（三）国有资产占用使用情况", 3)
        self.para(
            f"截止{sp}{t.year - 1}{sp}年底，{t.dept_short}部门本级及所属的预算单位共有车辆{c('asset_count', 'vehicles')}辆，"
            f"其中：单位价值{sp}50{sp}万元以上通用设备{c('asset_count', 'equipment_50')}台（套），"
            f"单位价值{sp}100{sp}万元以上专用设备{c('asset_count', 'equipment_100')}台（套）。"
        )

    def subject_paragraphs(self, measure: str) -> None:
        codes = [c.subject_code for c in self.t.claims if c.kind == "subject_amount" and c.measure == measure]
        for i, code in enumerate(codes, start=1):
            name = self.t.subject_names[code]
            if name in ("行政运行", "一般行政管理事务", "事业运行") and code[:5] in self.t.section_names:
                name += self.text.paren(self.t.section_names[code[:5]])
            self.para(
                f"（{cn_number(i)}）{name}{self.text.paren(code)}{self.claim('subject_amount', measure, code)}万元。"
                f"主要用于{self.text.purpose(code)}。"
            )

    def part4(self) -> None:
        self.heading("第四部分 名词解释", 2)
        for i, entry in enumerate(self.text.glossary(), start=1):
            self.para(f"{cn_number(i)}、{entry}", breakable=True)


def render(truth: DocumentTruth, layout: Layout | None = None, facts: dict | None = None) -> str:
    """The document text of ``truth`` in ``layout``; numbers come from ``facts`` (default: the truth's)."""
    layout = layout or Layout()
    facts = facts if facts is not None else truth.expected_facts()
    return _Renderer(truth, layout, facts).render()
