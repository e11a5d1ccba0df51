"""Hand-made ExtractedDocuments for the dbt tests, with every value known.

``industry_2019()`` is a small budget of a made-up 工信 department modelled on the
sample (two units, three functional subjects, the standard tables, 三公 printed
in 元, two projects with 绩效目标表, claims, roster, tokens). ``agriculture_2021()``
is a second, smaller document of another department and year. The numbers add
up like a real budget, but nothing here is read from a real document.
"""

from __future__ import annotations

from decimal import Decimal

from budget_warehouse.extract.records import (
    Cell,
    Claim,
    DocumentMeta,
    ExtractedDocument,
    Indicator,
    NumberToken,
    PerfFunding,
    PerfTable,
    Project,
    RosterUnit,
    Table,
)

U1, U1_NAME = "321001000", "晋江市工业和信息化局"
U2, U2_NAME = "321002", "晋江市数字晋江建设办公室"
FAKE_SUBJECT = "2159901"  # a made-up 项 under the real 款 21599
FAKE_ECON = "30298"  # a made-up 款 under the real 类 302, printed with a blank amount


def _amount(printed: str, unit: str) -> tuple[Decimal | None, int]:
    text = printed.replace(",", "").strip()
    if not text:
        return None, 0
    decimals = len(text.split(".")[1]) if "." in text else 0
    value = Decimal(text)
    if unit == "元":
        value = value / Decimal(10000)
    return value, decimals


class _TableBuilder:
    """Collects the cells of one table; one call of ``row`` per printed row."""

    def __init__(self, table_id: str, kind: str, title: str, first_line: int, columns, unit="万元"):
        self.table_id, self.kind, self.title, self.unit = table_id, kind, title, unit
        self.first_line = first_line
        self.columns = columns  # [(label, measure_group, measure)]
        self.cells: list[Cell] = []
        self.rows = 0

    def row(self, role: str, values: list[str], **context) -> None:
        line = self.first_line + 2 + self.rows
        for index, ((label, group, measure), printed) in enumerate(zip(self.columns, values, strict=True)):
            amount, decimals = _amount(printed, self.unit)
            self.cells.append(
                Cell(
                    table_id=self.table_id, table_kind=self.kind, source_line=line, row_index=self.rows,
                    row_role=role, column_index=index, column_label=label, measure_group=group,
                    measure=measure, printed=printed, amount=amount, decimals=decimals, **context,
                )
            )
        self.rows += 1

    def table(self, is_empty: bool = False) -> Table:
        return Table(
            table_id=self.table_id, kind=self.kind, title=self.title, title_line=self.first_line,
            first_line=self.first_line + 1, last_line=self.first_line + 1 + max(self.rows, 1),
            amount_unit=self.unit, layout="tsv", is_empty=is_empty,
            columns=tuple(label for label, _, _ in self.columns), row_count=self.rows,
        )


def _summary(tables, cells, table_id, kind, title, line, revenue, expenditure):
    """Summary tables print revenue and expenditure side by side; one cell per side and line."""
    builder = _TableBuilder(table_id, kind, title, line, [("预算数", "item", "amount")])
    for side, items in (("revenue", revenue), ("expenditure", expenditure)):
        for role, label, key, level, parent, printed in items:
            builder.row(role, [printed], side=side, item_label=label, item_key=key, item_level=level,
                        parent_item_key=parent)
    tables.append(builder.table())
    cells.extend(builder.cells)


def industry_2019() -> ExtractedDocument:
    meta = DocumentMeta(
        document_id="jinjiang_industry_2019_budget", content_hash="a" * 64, source_name="demo_industry.txt",
        region="晋江市", department="工信", year=2019, phase="预算", title="2019年度晋江市工信部门预算",
        encoding="utf-8", line_count=400,
    )
    tables: list[Table] = []
    cells: list[Cell] = []

    # 1 收支预算总表
    _summary(
        tables, cells, "t01", "summary", "一、收支预算总表", 100,
        revenue=[
            ("detail", "一、一般公共预算拨款", "general_budget", 1, None, "300.00"),
            ("detail", "二、基金预算财政拨款", "gov_fund", 1, None, ""),
            ("detail", "三、其他收入", "other_income", 1, None, "20.00"),
            ("total", "收入总计", "total", 0, None, "320.00"),
        ],
        expenditure=[
            ("subtotal", "一、基本支出", "basic", 1, None, "200.00"),
            ("detail", "1、人员基本支出", "personnel", 2, "basic", "180.00"),
            ("detail", "2、公用支出", "public", 2, "basic", "20.00"),
            ("detail", "二、项目支出", "project", 1, None, "120.00"),
            ("total", "支出总计", "total", 0, None, "320.00"),
        ],
    )

    # 2 收入预算总表
    t = _TableBuilder("t02", "revenue_by_unit", "二、收入预算总表", 120, [
        ("资金来源/总计", "source", "total"),
        ("资金来源/一般公共预算拨款", "source", "general_budget"),
        ("资金来源/其他收入", "source", "other_income"),
    ])
    t.row("total", ["320.00", "300.00", "20.00"])
    t.row("detail", ["300.00", "280.00", "20.00"], unit_code=U1, unit_name=U1_NAME)
    t.row("detail", ["20.00", "20.00", ""], unit_code=U2, unit_name=U2_NAME)
    tables.append(t.table())
    cells.extend(t.cells)

    # 3 支出预算总表
    t = _TableBuilder("t03", "expenditure_by_unit", "三、支出预算总表", 140, [
        ("总计", "kind", "total"),
        ("人员基本支出", "kind", "personnel"),
        ("公用支出", "kind", "public"),
        ("项目支出", "kind", "project"),
        ("资金来源/总计", "source", "total"),
        ("资金来源/一般公共预算拨款", "source", "general_budget"),
        ("资金来源/其他收入", "source", "other_income"),
    ])
    t.row("total", ["320.00", "180.00", "20.00", "120.00", "320.00", "300.00", "20.00"])
    t.row("detail", ["190.00", "120.00", "20.00", "50.00", "190.00", "190.00", ""],
          unit_code=U1, unit_name=U1_NAME, subject_code="2150501", subject_name="行政运行")
    t.row("detail", ["40.00", "40.00", "", "", "40.00", "40.00", ""],
          unit_code=U1, unit_name=U1_NAME, subject_code="2080505", subject_name="机关事业单位基本养老保险缴费支出")
    t.row("detail", ["70.00", "", "", "70.00", "70.00", "50.00", "20.00"],
          unit_code=U1, unit_name=U1_NAME, subject_code=FAKE_SUBJECT, subject_name="虚构科目")
    t.row("detail", ["20.00", "20.00", "", "", "20.00", "20.00", ""],
          unit_code=U2, unit_name=U2_NAME, subject_code="2080505", subject_name="机关事业单位基本养老保险缴费")
    tables.append(t.table())
    cells.extend(t.cells)

    # 4 财政拨款收支预算总表
    _summary(
        tables, cells, "t04", "fiscal_summary", "四、财政拨款收支预算总表", 160,
        revenue=[
            ("detail", "一、一般公共预算拨款", "general_budget", 1, None, "300.00"),
            ("total", "收入总计", "total", 0, None, "300.00"),
        ],
        expenditure=[
            ("subtotal", "一、基本支出", "basic", 1, None, "200.00"),
            ("detail", "二、项目支出", "project", 1, None, "100.00"),
            ("total", "支出总计", "total", 0, None, "300.00"),
        ],
    )

    # 5 一般公共预算拨款支出预算表: prints the 208 类 and 20805 款 rows itself,
    # with names that differ from the national names (truncated, outdated).
    t = _TableBuilder("t05", "general_budget_by_subject", "五、一般公共预算拨款支出预算表", 180, [
        ("合计", "kind", "total"), ("基本支出", "kind", "basic"), ("项目支出", "kind", "project"),
    ])
    t.row("total", ["300.00", "200.00", "100.00"])
    t.row("subtotal", ["60.00", "60.00", ""], subject_code="208", subject_name="社会保障和就业")
    t.row("subtotal", ["60.00", "60.00", ""], subject_code="20805", subject_name="行政事业单位离退休")
    t.row("detail", ["60.00", "60.00", ""], subject_code="2080505", subject_name="机关事业单位基本养老保险缴费支出")
    t.row("detail", ["190.00", "140.00", "50.00"], subject_code="2150501", subject_name="行政运行")
    t.row("detail", ["50.00", "", "50.00"], subject_code=FAKE_SUBJECT, subject_name="虚构科目")
    tables.append(t.table())
    cells.extend(t.cells)

    # 6 政府性基金拨款支出预算表: printed as 无
    tables.append(_TableBuilder("t06", "gov_fund_by_subject", "六、政府性基金拨款支出预算表", 200, [
        ("合计", "kind", "total"), ("基本支出", "kind", "basic"), ("项目支出", "kind", "project"),
    ]).table(is_empty=True))

    # 7 一般公共预算支出经济分类情况表
    t = _TableBuilder("t07", "economic_class", "七、一般公共预算支出经济分类情况表", 210, [("预算数", "kind", "total")])
    t.row("total", ["300.00"])
    t.row("detail", ["160.00"], econ_code="301", econ_name="工资福利支出")
    t.row("detail", ["120.00"], econ_code="302", econ_name="商品和服务支出")
    t.row("detail", ["20.00"], econ_code="303", econ_name="对个人和家庭的补助")
    tables.append(t.table())
    cells.extend(t.cells)

    # 8 一般公共预算基本支出经济分类情况表
    t = _TableBuilder("t08", "basic_economic_class", "八、一般公共预算基本支出经济分类情况表", 230,
                      [("预算数", "kind", "total")])
    t.row("total", ["200.00"])
    t.row("subtotal", ["160.00"], econ_code="301", econ_name="工资福利支出")
    t.row("detail", ["100.00"], econ_code="30101", econ_name="基本工资")
    t.row("detail", ["60.00"], econ_code="30108", econ_name="机关事业单位基本养老保险缴费")
    t.row("subtotal", ["20.00"], econ_code="302", econ_name="商品和服务支出")
    t.row("detail", ["15.00"], econ_code="30201", econ_name="办公费")
    t.row("detail", ["2.00"], econ_code="30212", econ_name="因公出国（境）费用")
    t.row("detail", ["3.00"], econ_code="30217", econ_name="公务接待费")
    t.row("detail", [""], econ_code=FAKE_ECON, econ_name="虚构经济款")
    t.row("detail", ["20.00"], econ_code="303", econ_name="对个人和家庭的补助")
    tables.append(t.table())
    cells.extend(t.cells)

    # 9 三公 table printed in 元 (amounts normalised to 万元 need 6 decimals)
    t = _TableBuilder("t09", "three_public", "九、一般公共预算“三公”经费支出预算表", 250, [
        ("本年预算数", "item", "amount"), ("上年预算数", "item", "prior_year"),
    ], unit="元")
    t.row("total", ["50,000.00", "61,234.56"], item_label="合计", item_key="total", item_level=0)
    t.row("detail", ["20,000.00", "30,000.00"], item_label="1、因公出国（境）费用", item_key="overseas", item_level=1)
    t.row("detail", ["30,000.00", "31,234.56"], item_label="2、公务接待费", item_key="reception", item_level=1)
    t.row("subtotal", ["0.00", ""], item_label="3、公务用车购置及运行费", item_key="vehicle", item_level=1)
    t.row("detail", ["0.00", ""], item_label="其中：（1）公务用车运行费", item_key="vehicle_operation",
          item_level=2, parent_item_key="vehicle")
    t.row("detail", ["", ""], item_label="（2）公务用车购置费", item_key="vehicle_purchase",
          item_level=2, parent_item_key="vehicle")
    tables.append(t.table())
    cells.extend(t.cells)

    roster = [
        RosterUnit(40, U1_NAME, "全额拨款", "13", Decimal(13), "12", Decimal(12), U1),
        RosterUnit(41, U2_NAME, "全额拨款", "9", Decimal(9), "8", Decimal(8), U2),
        # listed in 部门概况 but printed in no table: no code
        RosterUnit(42, "晋江市节能监测中心", "全额拨款", "7", Decimal(7), "6", Decimal(6), None),
    ]

    projects = [
        Project(1, "工信局经常性专项业务经费", "50", Decimal(50), 0, 300, "p01"),
        Project(2, "虚构专项", "70.00", Decimal(70), 2, 301, "p02"),
    ]
    perf_tables = [
        PerfTable(
            perf_id="p01", heading="1. 经常性专项业务费绩效目标表", title="经常性专项业务费绩效目标表",
            first_line=310, last_line=330, filled_by=U1_NAME, project_name="经常性专项业务经费",
            owner="张三", phone="0595-1234567", period="2019年1月-2019年12月", overall_goal="确保机关有序运转",
            funding=(
                PerfFunding("p01", "current_year", "total", "资金总额：", "50", Decimal(50), 0, 314),
                PerfFunding("p01", "current_year", "general_budget", "一般公共预算拨款：", "50", Decimal(50), 0, 315),
                PerfFunding("p01", "current_year", "gov_fund", "基金预算拨款：", "0", Decimal(0), 0, 316),
                PerfFunding("p01", "current_year", "other", "其他：", "", None, 0, 317),
            ),
        ),
        PerfTable(
            perf_id="p02", heading="2. 虚构专项绩效目标表", title="项目绩效目标表",
            first_line=340, last_line=360, filled_by=U1_NAME, project_name="虚构专项",
            owner="李四", phone=None, period="2019-2020", overall_goal=None,
            funding=(
                PerfFunding("p02", "implementation", "total", "实施期资金总额：", "140.00", Decimal(140), 2, 344),
                PerfFunding("p02", "current_year", "total", "年度资金总额：", "70.00", Decimal(70), 2, 345),
                PerfFunding("p02", "current_year", "general_budget", "其中：财政拨款", "50.00", Decimal(50), 2, 346),
            ),
        ),
    ]
    indicators = [
        Indicator("p01", 0, 321, "投入", "时效目标", "目标1", "支出进度", "绩效标准", "12个月", Decimal(12), "个月", 0),
        Indicator("p01", 0, 321, "投入", "时效目标", "目标1", "支出进度", "全年目标值", "12个月", Decimal(12), "个月", 1),
        Indicator("p01", 1, 322, "产出", "数量目标", "目标1", "业务费细化率", "绩效标准", "100%", Decimal(100), "%", 0),
        Indicator("p01", 1, 322, "产出", "数量目标", "目标1", "业务费细化率", "全年目标值", "", None, None, 1),
        Indicator("p01", 2, 323, "效益", "服务对象满意度目标", "目标1", "服务对象满意度情况", "绩效标准", "基本满意",
                  None, None, 0),
        Indicator("p01", 2, 323, "效益", "服务对象满意度目标", "目标1", "服务对象满意度情况", "全年目标值", "满意",
                  None, None, 1),
        Indicator("p02", 0, 350, "产出", "质量目标", "目标1", "专项资金规模", "全年目标值", "65.5万元",
                  Decimal("65.5"), "万元", 0),
    ]
    claims = [
        Claim("c01", 280, "一、预算收支总体情况", "收入预算为 320 万元。", "收入预算为", "total_revenue", "total",
              None, "320", Decimal(320), "万元", Decimal(320), 0),
        Claim("c02", 282, "二、一般公共预算拨款支出情况", "（一）行政运行（2150501）190 万元。", "行政运行", "subject_amount",
              "general_budget", "2150501", "190", Decimal(190), "万元", Decimal(190), 0),
        # a code stated only in the prose
        Claim("c03", 283, "二、一般公共预算拨款支出情况", "（二）事业运行（2010450）0 万元。", "事业运行", "subject_amount",
              "general_budget", "2010450", "0", Decimal(0), "万元", Decimal(0), 0),
        Claim("c04", 290, "五、一般公共预算“三公”经费支出情况", "与上年相比支出减少 66.67%。", "减少", "yoy_change_percent",
              "reception", None, "66.67", Decimal("66.67"), "%", None, 2, "decrease"),
    ]
    tokens = [
        NumberToken(101, "300.00", True, "cells", None),
        NumberToken(102, "320.00", True, "cells", None),
        NumberToken(280, "320", True, "claims", None),
        NumberToken(281, "528.35", False, None, None),  # unexplained
        NumberToken(5, "2019", False, None, "date"),  # explained
    ]
    return ExtractedDocument(meta, tables, cells, roster, projects, perf_tables, indicators, claims, tokens)


def agriculture_2021() -> ExtractedDocument:
    """Another department and year: 2021, where 款 21305 has its post-2020 name."""
    meta = DocumentMeta(
        document_id="jinjiang_agriculture_2021_budget", content_hash="b" * 64, source_name="demo_agri.txt",
        region="晋江市", department="农业农村", year=2021, phase="预算", title="2021年度晋江市农业农村部门预算",
        encoding="utf-8", line_count=200,
    )
    t = _TableBuilder("t01", "general_budget_by_subject", "一般公共预算拨款支出预算表", 80, [
        ("合计", "kind", "total"), ("基本支出", "kind", "basic"), ("项目支出", "kind", "project"),
    ])
    t.row("total", ["1,250.50", "250.50", "1,000.00"])
    t.row("detail", ["250.50", "250.50", ""], subject_code="2150501", subject_name="行政运行")
    t.row("detail", ["1,000.00", "", "1,000.00"], subject_code="2130599", subject_name="其他巩固脱贫衔接乡村振兴支出")
    u = _TableBuilder("t02", "revenue_by_unit", "收入预算总表", 60, [
        ("总计", "source", "total"), ("一般公共预算拨款", "source", "general_budget"),
    ])
    u.row("total", ["1,250.50", "1,250.50"])
    u.row("detail", ["1,250.50", "1,250.50"], unit_code="401001", unit_name="晋江市农业农村局")
    roster = [RosterUnit(30, "晋江市农业农村局", "全额拨款", "20", Decimal(20), "18", Decimal(18), "401001")]
    return ExtractedDocument(meta, [u.table(), t.table()], u.cells + t.cells, roster)
