"""Which table a block is, from its title and, failing that, its header words."""

from __future__ import annotations

import re

from budget_warehouse.extract.grid import Row

# Table kinds that are not among the ten standard tables but are still parsed.
ROSTER = "roster"
PERFORMANCE = "performance"
CONTENTS = "contents"

_NUMBERING = re.compile(
    r"^(?:附表|表)\s*(?:\d+|[一二三四五六七八九十]+)(?:\s+|[、.．:：]\s*)"  # 表五 … / 表1、…
    r"|^(?:附表|表)\s*\d+"  # 表1…
    r"|^(?:[一二三四五六七八九十]+|\d+)\s*[、.．:：]\s*"  # 五、…
    r"|^[（(][一二三四五六七八九十\d]+[）)]\s*"  # （五）…
)
_YEAR = re.compile(r"\d{4}\s*年度?")


def title_core(title: str) -> str:
    """The title without numbering, year and spaces: "七、2019年一般…表" -> "一般…表"."""
    t = _NUMBERING.sub("", title.strip(), count=1)
    return _YEAR.sub("", re.sub(r"\s+", "", t))


def kind_from_title(title: str) -> str | None:
    t = title_core(title)
    if not t:
        return None
    if "绩效目标" in t:
        return PERFORMANCE
    if t in ("目录", "目 录"):
        return CONTENTS
    if "三公" in t:
        return "three_public"
    if "专项资金" in t and re.search(r"清单|目录", t):
        return "special_funds"
    if "经济分类" in t:
        return "basic_economic_class" if "基本支出" in t else "economic_class"
    if "政府性基金" in t and "支出" in t:
        return "gov_fund_by_subject"
    if "财政拨款收支" in t:
        return "fiscal_summary"
    if "一般公共预算" in t and "支出" in t:
        return "general_budget_by_subject"
    if re.search(r"国有资本|政府采购|政府购买服务|项目支出(预算)?表|绩效", t):
        return None  # tables some places add: kept as unrecognised
    if "收支" in t and re.search(r"总表|总体情况表", t):
        return "summary"
    if re.search(r"收入(预算)?总表|^(部门)?收入(预算)?表$", t):
        return "revenue_by_unit"
    if re.search(r"支出(预算)?总表|^(部门)?支出(预算)?表$", t):
        return "expenditure_by_unit"
    return None


def kind_from_header(rows: list[Row]) -> str | None:
    """Fallback for a block without a recognisable title: look at its first rows."""
    words = " ".join(c for r in rows[:4] for c in r.cells).replace(" ", "")
    if re.search(r"经费性质|编制", words) and "单位名称" in words:
        return ROSTER
    if "绩效目标表" in words or ("评价指标" in words and "绩效" in words):
        return PERFORMANCE
    if _is_contents(rows):
        return CONTENTS
    has_unit = bool(re.search(r"单位编码|单位名称|部门编码", words))
    has_subject = bool(re.search(r"科目编码|功能分类", words))
    if has_unit and has_subject:
        return "expenditure_by_unit"
    if has_unit and "资金来源" in words:
        return "revenue_by_unit"
    if re.search(r"收入", words) and re.search(r"支出", words) and "项目" in words and not has_subject:
        return "summary"
    if has_subject and "基本支出" in words and "项目支出" in words:
        return "general_budget_by_subject"
    return None


def _is_contents(rows: list[Row]) -> bool:
    """A table of contents: text followed by a page number on (nearly) every row."""
    paged = sum(
        1
        for r in rows
        if len(r.filled) == 2 and re.fullmatch(r"\d{1,3}", r.filled[1].strip("*. ")) and not r.filled[0].isdigit()
    )
    return len(rows) >= 3 and paged >= 0.8 * len(rows)


def classify(title: str, rows: list[Row]) -> str | None:
    if _is_contents(rows):
        return CONTENTS
    by_title = kind_from_title(title)
    if by_title:
        return by_title
    by_header = kind_from_header(rows)
    if title and looks_like_other_table(title) and by_header not in (ROSTER, PERFORMANCE):
        return None  # a titled table we do not know: never guess a standard kind for it
    return by_header


def looks_like_other_table(title: str) -> bool:
    return bool(re.search(r"表|目录|清单", title))
