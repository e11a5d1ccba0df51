"""Canonical keys for the words the documents use for columns and line items.

Documents word the same thing differently across places and years
("基金预算财政拨款" / "政府性基金预算拨款"); the extractor maps each printed label
to one key here, so the warehouse can be queried across documents. The first
pattern that matches wins, so more specific patterns come first. A label that
matches nothing keeps its printed text as its key and is still loaded.
"""

from __future__ import annotations

import re

# Funding sources (资金来源): measure_group "source".
FUNDING_SOURCES: list[tuple[str, str, str]] = [
    # key, display name, pattern
    ("general_budget", "一般公共预算拨款", r"一般公共预算|公共财政"),
    ("gov_fund", "政府性基金预算拨款", r"政府性基金|基金预算"),
    ("state_capital", "国有资本经营预算拨款", r"国有资本经营"),
    ("fiscal_special_account", "财政专户资金", r"财政专户"),
    ("business_income", "事业收入", r"事业收入"),
    ("operating_income", "经营收入", r"经营收入"),
    ("superior_subsidy", "上级补助收入", r"上级补助"),
    ("affiliated_remit", "附属单位上缴收入", r"附属单位上缴"),
    ("business_fund", "用事业基金弥补收支差额", r"事业基金"),
    ("carryover", "上年结转结余", r"结转|结余"),
    ("other_income", "其他收入", r"其他收入|^其他$"),
]

# Expenditure kinds (支出类型): measure_group "kind".
EXPENDITURE_KINDS: list[tuple[str, str, str]] = [
    ("personnel", "人员基本支出", r"人员基本支出|人员经费|人员支出"),
    ("welfare", "个人福利性补助支出", r"个人福利|对个人和家庭"),
    ("public", "公用支出", r"公用支出|公用经费"),
    ("institution_subsidy", "对事业单位经常性补助", r"对事业单位经常性补助"),
    ("basic", "基本支出", r"基本支出"),
    ("project", "项目支出", r"项目支出"),
]

# Line items of the expenditure side of the summary table (收支预算总表) that
# are parts of 项目支出 in templates that split it.
SUMMARY_PROJECT_ITEMS: list[tuple[str, str, str]] = [
    ("recurring_special", "经常性专项业务费", r"经常性专项"),
    ("dept_special_funds", "部门专项资金", r"部门专项资金"),
    ("enterprise_subsidy", "企业政策性补助", r"企业政策性补助"),
    ("transfer", "转移性支出", r"转移性支出"),
    ("other_special_funds", "其他专项资金", r"其他专项资金"),
    ("earmarked", "专项专款", r"专项专款"),
    ("construction_purchase", "建设和购置支出", r"建设和购置"),
    ("debt_service", "债务利息及还本支出", r"债务"),
    ("remit_superior", "上缴上级支出", r"上缴上级"),
    ("other_project", "其他项目支出", r"其他项目支出"),
]

# Line items and columns of the 部门决算 tables (收入支出决算总表, 政府性基金 / 国有资本经营 决算表).
FINAL_ITEMS: list[tuple[str, str, str]] = [
    ("year_revenue", "本年收入合计", r"^本年收入(合计)?$"),
    ("year_expenditure", "本年支出合计", r"^本年支出(合计)?$"),
    ("opening_balance", "年初结转和结余", r"年初.*(结转|结余)"),
    ("closing_balance", "年末结转和结余", r"年末.*(结转|结余)"),
    ("non_fiscal_balance_used", "使用非财政拨款结余", r"使用非财政拨款结余"),
    ("balance_distribution", "结余分配", r"^结余分配$"),
]

# Rows of the 三公 table.
THREE_PUBLIC_ITEMS: list[tuple[str, str, str]] = [
    ("admin_operation", "机关运行经费", r"机关运行经费"),  # printed beside the 三公 items in some templates
    ("vehicle", "公务用车购置及运行费", r"购置.{0,2}[及和].{0,3}运行|^公务用车费?$"),
    ("vehicle_operation", "公务用车运行费", r"运行"),
    ("vehicle_purchase", "公务用车购置费", r"购置"),
    ("overseas", "因公出国（境）费用", r"出国"),
    ("reception", "公务接待费", r"接待"),
]
# Which economic 款 each 三公 item restates (部门预算支出经济分类).
THREE_PUBLIC_ECON: dict[str, str] = {"overseas": "30212", "reception": "30217", "vehicle_operation": "30231"}

_compiled: dict[int, list[tuple[str, re.Pattern]]] = {}


def match_key(label: str, vocabulary: list[tuple[str, str, str]]) -> str | None:
    """The canonical key of ``label`` in ``vocabulary``, or None."""
    table = _compiled.get(id(vocabulary))
    if table is None:
        table = [(key, re.compile(pattern)) for key, _, pattern in vocabulary]
        _compiled[id(vocabulary)] = table
    for key, pattern in table:
        if pattern.search(label):
            return key
    return None


def display_names() -> list[tuple[str, str, str]]:
    """(group, key, display name) for every key: feeds dim_funding_source and docs."""
    rows = [("source", key, name) for key, name, _ in FUNDING_SOURCES]
    rows += [("kind", key, name) for key, name, _ in EXPENDITURE_KINDS + SUMMARY_PROJECT_ITEMS]
    rows += [("three_public", key, name) for key, name, _ in THREE_PUBLIC_ITEMS]
    return rows
