"""Prose claims: every amount, percentage and key count the 情况说明 states.

Each claim records what it restates (``kind`` and ``measure``) so the quality
rules can compare it with the table value. The kind is decided from the words
just before the number (the *label*), the sentence, and the heading above it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from budget_warehouse.extract.numbers import SCALE_TO_WAN, parse_amount
from budget_warehouse.extract.records import Claim
from budget_warehouse.extract.segment import Segmented, plain
from budget_warehouse.extract.vocabulary import EXPENDITURE_KINDS, FUNDING_SOURCES, THREE_PUBLIC_ITEMS, match_key

# Numbers not after a digit or ".": the lookbehind sits after the first digit (over it and the one
# before), so the regex engine skips to digits instead of trying it at every position; the same
# matches as "(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)…" (tests/test_extract_numbers.py).
_AMOUNT = re.compile(r"(\d(?<![\d.]\d)(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))\s*(万元|亿元|元|%|％)")
_COUNT = re.compile(r"(\d(?<![\d.]\d)\d*)\s*(个项目|个项目绩效目标|辆|台（套）|台\(套\))")
# Other counts the prose states: "80 家", "374 个", "5 场", "1000 人（次）", "3 个下属单位" (not "12个月").
_OTHER_COUNT = re.compile(r"(\d(?<![\d.]\d)\d*)\s*(人（次）|人\(次\)|人次|家|场|名|个(?!月|项目|百分点))")
_UNIT_COUNT = re.compile(r"^(机关[^，。；及和]{0,12}|下属(?:预算)?单位|所属(?:预算)?单位|二级(?:预算)?单位)")
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_CODE = re.compile(r"[（(](\d{7})[)）]")
# 类/款/项 written in brackets after their names: "公共安全支出（204类）司法（06款）行政运行（01项）"
_CODE_PARTS = re.compile(r"[（(](\d{3})类[)）].*?[（(](\d{2})款[)）].*?[（(](\d{2})项[)）]")
_YOY = re.compile(r"(比|较|与)\s*(上年|上一年|\d{4}\s*年)")
_DELIMS = "，,。；;：:"


def _subject_code(text: str) -> str | None:
    """The 7-digit subject code a text names: "(2040601)" or "（204类）…（06款）…（01项）"."""
    if m := _CODE.search(text):
        return m.group(1)
    if m := _CODE_PARTS.search(text):
        return "".join(m.groups())
    return None


def label_before(sentence: str, start: int) -> str:
    cut = max(sentence.rfind(d, 0, start) for d in _DELIMS)
    return sentence[cut + 1 : start].strip()[-40:]


class _Headings:
    """The last heading (and the last 第N部分 heading) at or above a line. seg.headings is in
    line order: segment() adds them as it reads."""

    def __init__(self, seg: Segmented) -> None:
        self.lines = list(seg.headings)
        self.texts = list(seg.headings.values())
        parts = [(n, text) for n, text in seg.headings.items() if _PART.match(text)]
        self.part_lines = [n for n, _ in parts]
        self.part_texts = [text for _, text in parts]

    def section(self, line: int) -> str:
        i = bisect_right(self.lines, line)
        return self.texts[i - 1] if i else ""

    def part(self, line: int) -> str:
        i = bisect_right(self.part_lines, line)
        return self.part_texts[i - 1] if i else ""


def _count(sentence: str, m: re.Match) -> tuple[str, str | None, str]:
    """(kind, measure, unit) of a count: the budget units of 部门概况, or another count."""
    unit = m.group(2).replace("(", "（").replace(")", "）")
    if unit == "个" and (u := _UNIT_COUNT.match(sentence[m.end():])):
        return "unit_count", "offices" if u.group(1).startswith("机关") else "subordinate_units", "个"
    return "count", None, unit


def _classify(label: str, sentence: str, section: str, unit: str, prior: Claim | None) -> tuple[str, str | None]:
    """(kind, measure) of one stated number."""
    where = section + " " + sentence
    if _YOY.search(label) or re.match(r"^(增加|减少|增长|下降)", label) and prior is not None:
        base = f"{prior.kind}:{prior.measure}" if prior is not None else None
        return ("yoy_change_pct" if unit == "%" else "yoy_change_amount"), base
    if unit == "%":
        return "other_percent", None
    if _subject_code(label) or _subject_code(sentence[: sentence.find(label) + len(label)] if label else ""):
        return "subject_amount", "total"
    if "三公" in label or "三公" in section or re.search(r"出国|公务接待|公务用车|公车", label + section):
        if "三公" in label and not re.search(r"出国|接待|用车|公车", label):
            return "three_public", "total"
        item = match_key(label.replace("公车", "公务用车"), THREE_PUBLIC_ITEMS) if re.search(r"出国|接待|用车|公车", label) else None
        return "three_public", item or match_key(section, THREE_PUBLIC_ITEMS) or "total"
    if "机关运行经费" in where:
        return "operating_funds", "total"
    if "政府采购" in where or "购买服务" in label:
        return "procurement", "service" if "购买服务" in label else "total"
    if re.search(r"项目|资金", label) and re.search(r"共涉及|合计|共计", label):
        return "project_total", "total"
    if re.search(r"人员经费|公用经费", label):
        return "basic_part", "personnel" if "人员" in label else "public"
    if "基本支出" in label and "财政拨款" in label:
        return "basic_total", "basic"
    if re.search(r"一般公共预算(拨款)?支出", label) or ("一般公共预算" in section and "支出" in label and "一般公共预算" in label):
        return "general_budget_total", "total"
    if re.search(r"政府性基金(预算)?(拨款)?支出", label):
        return "gov_fund_total", "total"
    if re.search(r"收入(预算)?(总计|合计|为|总额)|收入预算", label):
        return "total_revenue", "total"
    if re.search(r"支出(预算)?(总计|合计|为|总额)|支出预算", label):
        return "total_expenditure", "total"
    if (key := match_key(label, FUNDING_SOURCES)) and ("其中" in sentence or "收入" in where):
        return "revenue_by_source", key
    if key := match_key(label, EXPENDITURE_KINDS):
        return "expenditure_by_kind", key
    return "other_amount", None


def extract_claims(seg: Segmented, exclude_lines: set[int]) -> list[Claim]:
    claims: list[Claim] = []
    counts = 0
    headings = _Headings(seg)
    for line_no in seg.prose:
        if line_no in exclude_lines:
            continue
        text = plain(seg.lines[line_no - 1])
        section = headings.section(line_no)
        overview = "概况" in headings.part(line_no)
        prior: Claim | None = None  # what a following "比上年增加 …" refers to, within the paragraph
        for sm in _SENTENCE.finditer(text):
            sentence = sm.group(0)
            found = [(m, "amount") for m in _AMOUNT.finditer(sentence)] + [(m, "count") for m in _COUNT.finditer(sentence)]
            taken = {m.start(1) for m, _ in found}
            found += [(m, "other_count") for m in _OTHER_COUNT.finditer(sentence) if m.start(1) not in taken]
            for m, what in sorted(found, key=lambda x: x[0].start()):
                printed, unit = m.group(1), m.group(2).replace("％", "%")
                value, decimals = parse_amount(printed)
                label = label_before(sentence, m.start())
                counts += what == "other_count"
                if what == "count":
                    kind = "project_count" if "项目" in unit else "assets"
                    measure, unit = (None, "个") if kind == "project_count" else (unit, unit)
                elif what == "other_count":
                    kind, measure, unit = _count(sentence, m)
                elif overview and unit != "%":
                    kind, measure = "overview_amount", None  # the department's work, not its budget
                else:
                    kind, measure = _classify(label, sentence, section, unit, prior)
                code = _subject_code(sentence[: m.start()])
                direction = None
                if kind.startswith("yoy_"):
                    direction = "decrease" if re.search(r"减少|下降|降低", label) else "increase"
                claim = Claim(
                    # counts read since issue 8 have their own series, so earlier claims keep their ids
                    claim_id=f"n{counts:03d}" if what == "other_count" else f"c{len(claims) + 1 - counts:03d}",
                    source_line=line_no,
                    section=section,
                    sentence=sentence.strip(),
                    label=label,
                    kind=kind,
                    measure=measure,
                    subject_code=code if code and kind == "subject_amount" else None,
                    printed=printed,
                    value=value,
                    unit=unit,
                    amount=value * SCALE_TO_WAN[unit] if unit in SCALE_TO_WAN else None,
                    decimals=decimals,
                    direction=direction,
                )
                claims.append(claim)
                # A following "比上年…" refers to the sentence's head amount, not to a
                # part listed after 其中 or to an explanation ("主要原因是…").
                if not kind.startswith(("yoy_", "other_")) and "其中" not in sentence[: m.start()]:
                    prior = claim
    return claims
