"""Typed records the extractor yields for one document.

Every record carries the source line it came from (1-based), so each warehouse
fact can be traced back to the document. Amounts are exact ``Decimal`` values
normalised to 万元; ``printed`` keeps the text as printed and ``decimals`` the
number of decimals printed, which the tolerance rule needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budget_warehouse.extract.templates import standard_kinds

# Canonical keys of the standard tables of every template family (the catalogue
# dbt_project/seeds/table_template.csv), each with a printed name.
TABLE_KINDS = standard_kinds()
UNRECOGNISED = "unrecognised"


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    document_id: str  # stable: region + department + year + phase, not the file name
    content_hash: str  # sha256 of the decoded text: identifies the version
    source_name: str
    region: str | None
    department: str | None
    year: int | None
    phase: str  # 预算 or 决算
    title: str
    encoding: str
    line_count: int
    scope: str = "部门"  # 部门 (a department with its units) | 单位 (one unit's own document)
    template: str | None = None  # the template family of its tables (dbt_project/seeds/table_template.csv)


@dataclass(frozen=True, slots=True)
class Table:
    table_id: str  # t01, t02 … in document order
    kind: str  # a key of TABLE_KINDS or UNRECOGNISED
    title: str
    title_line: int
    first_line: int
    last_line: int
    amount_unit: str  # 万元 or 元 as printed in "单位：…"; amounts are normalised to 万元
    layout: str  # tsv | html
    is_empty: bool  # printed as "无"
    columns: tuple[str, ...]  # composite header labels, e.g. "资金来源/总计"
    row_count: int
    duplicate_lines: tuple[int, int] | None = None  # a second rendering, loaded once
    unreadable: str | None = None  # why the table could not be read (its cells are not loaded), with its lines
    # the printed header could not be read: its columns were matched by position to the template catalogue's
    header_by_position: bool = False
    # no 单位 line printed for this table: amount_unit is the template catalogue's default for its kind
    unit_from_template: bool = False


@dataclass(frozen=True, slots=True)
class Cell:
    """One value cell of a table row, long form (blank cells included, amount None)."""

    table_id: str
    table_kind: str
    source_line: int
    row_index: int  # 0-based index among the table's data rows
    row_role: str  # detail | total | subtotal (a parent line with children below it)
    column_index: int
    column_label: str  # composite header label as printed
    measure_group: str  # kind | source | amount | item (see columns.py)
    measure: str  # canonical measure of the column, e.g. total, project, general_budget
    printed: str
    amount: Decimal | None  # 万元
    decimals: int
    # Row context; which fields are set depends on the table kind.
    unit_code: str | None = None
    unit_name: str | None = None
    subject_code: str | None = None
    subject_name: str | None = None
    econ_code: str | None = None
    econ_name: str | None = None
    side: str | None = None  # revenue | expenditure (summary tables)
    item_label: str | None = None  # row label as printed (summary, 三公, unrecognised)
    item_key: str | None = None  # canonical key of that row label
    item_level: int | None = None
    parent_item_key: str | None = None
    # PDF input only: the page (1-based) and the cell's box in PDF points, origin top-left.
    page: int | None = None
    x0: float | None = None
    top: float | None = None
    x1: float | None = None
    bottom: float | None = None


@dataclass(frozen=True, slots=True)
class RosterUnit:
    source_line: int
    unit_name: str
    funding_nature: str | None
    staffing_quota_printed: str
    staffing_quota: Decimal | None
    staff_count_printed: str
    staff_count: Decimal | None
    unit_code: str | None  # linked through the unit names printed in the tables


@dataclass(frozen=True, slots=True)
class Project:
    """One entry of the prose project list ("4、对外交流活动专项 60 万元")."""

    seq: int
    name: str
    printed: str
    amount: Decimal
    decimals: int
    source_line: int
    perf_id: str | None  # the 绩效目标表 that describes this project, if found


@dataclass(frozen=True, slots=True)
class PerfFunding:
    perf_id: str
    period: str  # implementation (实施期) | current_year (当年度)
    source: str  # total | general_budget | gov_fund | other
    label: str
    printed: str
    amount: Decimal | None
    decimals: int
    source_line: int


@dataclass(frozen=True, slots=True)
class PerfTable:
    """One 绩效目标表 (performance target table) with its header fields."""

    perf_id: str  # p01, p02 … in document order
    heading: str  # the heading printed above the table, if any
    title: str
    first_line: int
    last_line: int
    filled_by: str | None  # 填报单位
    project_name: str | None
    owner: str | None  # 项目负责人
    phone: str | None
    period: str | None  # 项目起止时间
    overall_goal: str | None
    funding: tuple[PerfFunding, ...] = ()
    period_months: int | None = None  # months of 项目起止时间 ("2018年11月-2019年6月" → 8), when it parses


@dataclass(frozen=True, slots=True)
class Indicator:
    """One value of one indicator row of a 绩效目标表 (long form)."""

    perf_id: str
    row_index: int
    source_line: int
    level1: str | None  # 投入 / 产出 / 效益
    level2: str | None  # 时效目标 …
    level3: str | None  # 目标1 …
    content: str | None  # 指标内容
    value_column: str  # 绩效标准, 全年目标值, 实施期目标值 …
    printed: str
    number: Decimal | None
    number_unit: str | None  # 个月, %, 万, 人 …
    value_index: int  # 0-based position of value_column among the table's value columns, as printed


@dataclass(frozen=True, slots=True)
class Claim:
    """An amount, count or percentage stated in the prose."""

    claim_id: str
    source_line: int
    section: str  # the heading the sentence sits under
    sentence: str
    label: str  # the words just before the number
    kind: str  # see claims.py: total_revenue, subject_amount, yoy_change_amount …
    measure: str | None  # what the amount restates, e.g. general_budget, personnel
    subject_code: str | None
    printed: str
    value: Decimal  # as printed, in its own unit
    unit: str  # 万元 | 元 | 亿元 | % | 个 …
    amount: Decimal | None  # in 万元 when the unit is a currency
    decimals: int
    direction: str | None = None  # increase | decrease | flat (year-on-year claims)


@dataclass(frozen=True, slots=True)
class NumberToken:
    """Coverage account: every numeric token and whether a record holds it."""

    source_line: int
    token: str
    accounted: bool
    record: str | None  # cells, claims, indicators … or None
    reason: str | None  # why it is not loaded (page number, date, heading number …)


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A non-blank line of the document, so evidence can quote the text it points at."""

    source_line: int
    text: str
    page: int | None = None  # PDF input only


@dataclass(frozen=True, slots=True)
class Statement:
    """What a prose sentence asserts about two amounts (the reviewer's direction and percentage checks).

    kind ``compare``: a 决算 amount against a 预算 amount, with the direction word that
    compares them (``决算数小于预算数``) and/or the share stated (``完成年初预算的98.20%``);
    left is the 决算 amount, right the 预算 amount.
    kind ``change``: an amount with its stated change (``…为X万元，比上年增加Z万元，增长P%``);
    left is the amount, the base (last year) is implied: left − change (increase) or
    left + change (decrease); or both years' amounts with the % between them: right is
    last year's amount and there is no change amount.
    kind ``total``: a 收入支出总计 stated in the prose (left), with the qualifier of the
    total (``财政拨款`` …, empty for the whole department) in ``right_label``.
    """

    statement_id: str
    source_line: int  # the line where the sentence starts
    last_line: int
    sentence: str
    kind: str  # compare | change | total
    left_label: str
    left_printed: str
    left_amount: Decimal  # 万元
    left_decimals: int
    left_unit: str  # as printed: 万元 | 元 | 亿元 (the half unit of the last decimal depends on it)
    right_label: str | None = None
    right_printed: str | None = None
    right_amount: Decimal | None = None
    right_decimals: int = 0
    right_unit: str | None = None
    direction: str | None = None  # compare: gt | lt | eq | flat; change: increase | decrease
    direction_words: str | None = None  # the words as printed (决算数小于预算数, 增加, 增加…下降)
    change_printed: str | None = None
    change_amount: Decimal | None = None
    change_decimals: int = 0
    change_unit: str | None = None
    pct_word: str | None = None  # change: 增长 | 下降; compare: 完成
    pct_direction: str | None = None  # increase | decrease for a change's %
    pct_printed: str | None = None
    pct: Decimal | None = None
    pct_decimals: int = 0


@dataclass(frozen=True, slots=True)
class TextFinding:
    """Words of the prose a reviewer questions: leftover template text and placeholders,
    doubled punctuation, blanks where a number belongs, and every year the headings,
    dates and comparisons mention (checked against the document's year and phase)."""

    finding_id: str
    source_line: int
    kind: str  # placeholder | template_text | empty_reason | missing_percent | doubled_punct | blank_amount | year
    excerpt: str  # the words found
    text: str  # the sentence or heading they are in
    hides_amount: bool  # a placeholder or blank where an amount belongs
    year: int | None = None  # kind year: the year mentioned
    year_context: str | None = None  # heading | as_of (截至…) | date | comparison (比…) | year_of (…年度)


@dataclass(frozen=True, slots=True)
class ContentsEntry:
    """A table listed in the 目录, and where the body prints a table of that title."""

    seq: int  # order among the tables the 目录 lists
    source_line: int
    title: str
    body_line: int | None  # the line of the body's title, None if the body has no such table
    body_title: str | None
    match: str | None  # same (same title) | renamed (same kind of table, other words) | None


@dataclass(frozen=True, slots=True)
class TableNote:
    """A note printed under a table (``注：…本表无数据。``), with the table title it belongs to."""

    source_line: int
    text: str
    title: str  # the nearest table title above the note
    title_line: int
    table_empty: bool | None  # whether that table prints no amount, blank cells only (None: table not parsed)


@dataclass(slots=True)
class ExtractedDocument:
    meta: DocumentMeta
    tables: list[Table] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    roster: list[RosterUnit] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    perf_tables: list[PerfTable] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    tokens: list[NumberToken] = field(default_factory=list)
    lines: list[SourceLine] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    text_findings: list[TextFinding] = field(default_factory=list)
    contents: list[ContentsEntry] = field(default_factory=list)
    table_notes: list[TableNote] = field(default_factory=list)
    # (table_id, row_index, column_index) → printed column, for cells stored in another column than printed
    printed_columns: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def coverage(self) -> dict[str, int]:
        """Numeric tokens of the document: loaded into a record, not loaded with a reason, unexplained."""
        loaded = sum(t.accounted for t in self.tokens)
        explained = sum(1 for t in self.tokens if not t.accounted and t.reason)
        return {
            "tokens": len(self.tokens),
            "loaded": loaded,
            "explained": explained,
            "unexplained": len(self.tokens) - loaded - explained,
        }
