"""Statements: what a sentence asserts about two amounts, for the reviewer's checks (rules tx_*).

- compare: a 决算 amount and a 预算 amount of one sentence (the part before 其中),
  with the direction word that compares them, in that sentence or at the start of
  the next (``年初预算为120.50万元，支出决算为118.20万元。决算数小于预算数…``), and/or
  the share stated (``完成年初预算的98.20%``);
- change: an amount with the change stated against last year (``…为X万元，比上年增加
  Z万元，增长P%``); the amount is the last one before the comparison in the same
  sentence, or the head amount of the previous sentence when the comparison opens
  its own sentence (``…总计860.40万元。与上年度相比，收入支出总计减少12.30万元``);
  or both years' amounts with the % between them (``2025年当年预算执行数为1690.69万元，
  2026年预算安排1672.67万元，比2025年预算执行数减少1.07%``; right is last year's);
- total: a 收入支出总计 stated in the prose, with its qualifier (财政拨款 …).
The identities themselves are evaluated by dbt (models/checks/chk_text_statements.sql).
"""

from __future__ import annotations

import re
from functools import lru_cache

from budget_warehouse.extract.claims import _AMOUNT, label_before
from budget_warehouse.extract.numbers import SCALE_TO_WAN, parse_amount
from budget_warehouse.extract.paragraphs import Paragraph
from budget_warehouse.extract.records import Statement

_VERSUS = re.compile(r"(决算|预算)数?\s*(大于|小于|等于|高于|低于|超过|多于|少于)\s*(?:年初|调整)?(决算|预算)数?")
_LEVEL = re.compile(r"(决算|预算)数?\s*(?:与|和|同)\s*(?:年初|调整)?(决算|预算)数?\s*(基本持平|持平|相等|一致|相同)")
_RATIO = re.compile(r"完成(?:年初|调整)?预算(?:数)?的?\s*(\d+(?:\.\d+)?)\s*[%％]")
_COMPARE_WORDS = {
    "大于": "gt", "高于": "gt", "超过": "gt", "多于": "gt",
    "小于": "lt", "低于": "lt", "少于": "lt",
    "等于": "eq", "相等": "eq", "一致": "eq", "相同": "eq",
    "持平": "flat", "基本持平": "flat",
}
_SWAP = {"gt": "lt", "lt": "gt"}
# 预算 inside the names of the budgets is no role word
_BUDGET_NAMES = re.compile(r"一般公共预算|政府性基金预算|国有资本经营预算|预算单位|部门预算|预算管理|预算绩效")
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_CHANGE = re.compile(
    r"(?:比|较|与|同)\s*(?:上年|上一年|去年|(?:19|20)\d{2}\s*年度?)(?:同期)?(?:年初)?(?:预算|决算)?数?(?:相比|比较)?[，,]?\s*"
    r"[^，,。；;：:\d%％]{0,30}?(增加|减少|增长|下降|降低)\s*" + _NUMBER + r"\s*(万元|亿元|元)"
    r"(?:[，,]\s*(增长|下降|降低|增加|减少)\s*" + _NUMBER + r"\s*[%％])?"
)
# "…上年X万元，本年Y万元，比上年增长P%": a % after both amounts of the two years
_CHANGE_PCT = re.compile(
    r"(?:比|较|与|同)\s*(?:上年|上一年|去年|(?:19|20)\d{2}\s*年度?)[^，,。；;：:\d%％]{0,30}?(增加|减少|增长|下降|降低)\s*"
    + _NUMBER + r"\s*[%％]"
)
_LABEL_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_PRIOR_WORDS = re.compile(r"上年|上一年|去年")
_UP = ("增加", "增长")
_TOTAL = re.compile(r"(?:收入支出|收支)(?:决算|预算)?(?:总计|总额)\s*(?:为|是|达)?$")
_QUALIFIERS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "财政拨款")


class _Amount:
    __slots__ = ("start", "end", "printed", "amount", "decimals", "label", "unit")

    def __init__(self, m: re.Match, sentence: str):
        self.start, self.end = m.start(), m.end()
        self.printed = m.group(1)
        value, self.decimals = parse_amount(self.printed)
        self.unit = m.group(2)
        self.amount = value * SCALE_TO_WAN[self.unit]
        self.label = label_before(sentence, m.start())


@lru_cache(maxsize=1024)  # a sentence is read by each kind of statement (the list is never changed)
def _amounts(sentence: str) -> list[_Amount]:
    return [_Amount(m, sentence) for m in _AMOUNT.finditer(sentence) if m.group(2) in SCALE_TO_WAN]


def _role(label: str) -> str | None:
    words = _BUDGET_NAMES.sub("", label)
    if "决算" in words:
        return "决算"
    if "预算" in words:
        return "预算"
    return None


def _head(sentence: str) -> str:
    """The sentence before 其中 (the parts listed after it are not what it compares)."""
    cut = sentence.find("其中")
    return sentence if cut < 0 else sentence[:cut]


class _Builder:
    def __init__(self):
        self.out: list[Statement] = []

    def add(self, para: Paragraph, offset: int, sentence: str, **fields) -> None:
        self.out.append(
            Statement(
                statement_id=f"s{len(self.out) + 1:03d}",
                source_line=para.line_at(offset),
                last_line=para.line_at(offset + max(len(sentence) - 1, 0)),
                sentence=sentence.strip(),
                **fields,
            )
        )


def extract_statements(paras: list[Paragraph]) -> list[Statement]:
    b = _Builder()
    for para in paras:
        sentences = para.sentences()
        for i, (offset, sentence) in enumerate(sentences):
            _compare(b, para, sentences, i)
            _changes(b, para, sentences, i)
            _two_year_changes(b, para, sentences, i)
            for a in _amounts(sentence):
                if _TOTAL.search(a.label):
                    qualifier = next((q for q in _QUALIFIERS if q in a.label), "")
                    b.add(para, offset, sentence, kind="total", left_label=a.label, left_printed=a.printed,
                          left_amount=a.amount, left_decimals=a.decimals, left_unit=a.unit, right_label=qualifier)
    return b.out


def _compare(b: _Builder, para: Paragraph, sentences: list[tuple[int, str]], i: int) -> None:
    offset, sentence = sentences[i]
    head = _head(sentence)
    roles: dict[str, _Amount] = {}
    for a in _amounts(head):
        role = _role(a.label)
        if role:
            roles[role] = a  # the last of each role
    if len(roles) < 2:
        return
    final, budget = roles["决算"], roles["预算"]
    after = sentence[max(final.end, budget.end):]
    found = _VERSUS.search(after) or _LEVEL.search(after)
    if found is None and i + 1 < len(sentences):
        nxt = sentences[i + 1][1]
        found = next((m for m in (_VERSUS.search(nxt), _LEVEL.search(nxt)) if m and m.start() <= 30), None)
    direction = words = None
    if found is not None:
        if found.re is _VERSUS:
            subject, word = found.group(1), found.group(2)
        else:
            subject, word = found.group(1), found.group(3)
        direction = _COMPARE_WORDS[word]
        if subject == "预算":
            direction = _SWAP.get(direction, direction)
        words = found.group(0)
    ratio = _RATIO.search(head, max(final.end, budget.end))
    if found is None and ratio is None:
        return
    pct, pct_decimals = parse_amount(ratio.group(1)) if ratio else (None, 0)
    b.add(para, offset, sentence, kind="compare",
          left_label=final.label, left_printed=final.printed, left_amount=final.amount, left_decimals=final.decimals,
          left_unit=final.unit, right_label=budget.label, right_printed=budget.printed, right_amount=budget.amount,
          right_decimals=budget.decimals, right_unit=budget.unit, direction=direction, direction_words=words,
          pct_word="完成" if ratio else None, pct_printed=ratio.group(1) if ratio else None, pct=pct,
          pct_decimals=pct_decimals)


def _changes(b: _Builder, para: Paragraph, sentences: list[tuple[int, str]], i: int) -> None:
    offset, sentence = sentences[i]
    for m in _CHANGE.finditer(sentence):
        before = sentence[: m.start()]
        base = None
        candidates = [a for a in _amounts(before) if "其中" not in before[a.end:]]
        if candidates:
            base = candidates[-1]
        elif not _amounts(before) and len(before.strip("，, ")) <= 12 and i > 0:
            previous = _amounts(_head(sentences[i - 1][1]))
            base = previous[0] if previous else None
        if base is None:
            continue
        word, printed, unit, pword, pprinted = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
        change, change_decimals = parse_amount(printed)
        pct, pct_decimals = parse_amount(pprinted) if pprinted else (None, 0)
        b.add(para, offset, sentence, kind="change",
              left_label=base.label, left_printed=base.printed, left_amount=base.amount, left_decimals=base.decimals,
              left_unit=base.unit, direction="increase" if word in _UP else "decrease", direction_words=m.group(0),
              change_printed=printed, change_amount=change * SCALE_TO_WAN[unit], change_decimals=change_decimals,
              change_unit=unit, pct_word=pword, pct_direction=("increase" if pword in _UP else "decrease") if pword else None,
              pct_printed=pprinted, pct=pct, pct_decimals=pct_decimals)


def _prior(a: _Amount, b: _Amount) -> tuple[_Amount, _Amount] | None:
    """(this year's, last year's) of two amounts, from the years or 上年 in their labels."""
    ya, yb = (_LABEL_YEAR.search(x.label) for x in (a, b))
    if ya and yb and ya.group(1) != yb.group(1):
        return (a, b) if ya.group(1) > yb.group(1) else (b, a)
    pa, pb = (bool(_PRIOR_WORDS.search(x.label)) for x in (a, b))
    if pa != pb:
        return (b, a) if pa else (a, b)
    return None


def _two_year_changes(b: _Builder, para: Paragraph, sentences: list[tuple[int, str]], i: int) -> None:
    offset, sentence = sentences[i]
    for m in _CHANGE_PCT.finditer(sentence):
        amounts = _amounts(_head(sentence[: m.start()]))
        pair = _prior(*amounts[-2:]) if len(amounts) >= 2 else None
        if pair is None:
            continue
        this, last = pair
        word, printed = m.group(1), m.group(2)
        pct, pct_decimals = parse_amount(printed)
        direction = "increase" if word in _UP else "decrease"
        b.add(para, offset, sentence, kind="change",
              left_label=this.label, left_printed=this.printed, left_amount=this.amount, left_decimals=this.decimals,
              left_unit=this.unit, right_label=last.label, right_printed=last.printed, right_amount=last.amount,
              right_decimals=last.decimals, right_unit=last.unit, direction=direction, direction_words=m.group(0),
              pct_word=word, pct_direction=direction, pct_printed=printed, pct=pct, pct_decimals=pct_decimals)
