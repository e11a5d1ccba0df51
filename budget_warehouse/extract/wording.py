"""Words a reviewer questions: leftover template text, placeholders, blanks, punctuation, years.

Every finding keeps the sentence (or heading) it is in. Whether a year is right
depends on the document's year and phase, which dbt knows: here every year that a
heading, a date, a comparison (``比2023年度``) or a ``YYYY年度`` mentions is listed
with its context. Years inside document numbers (``普发改投【2017】89号``) and the
ends of ranges (``2021-2025年``, ``…至2022年12月31日``) are no statements of the
document's year and are not listed.
"""

from __future__ import annotations

import re

from budget_warehouse.extract.paragraphs import Paragraph
from budget_warehouse.extract.records import TextFinding
from budget_warehouse.extract.segment import Segmented, plain

_UNIT_AFTER = r"\s*(?:万元|亿元|元|%|％|个|人|辆|台)"
_PLACEHOLDER = re.compile(r"[XＸ×]{2,}(" + _UNIT_AFTER + r")?")
_TEMPLATE = re.compile(
    r"(?:增加|减少|增长|下降|大于|小于|高于|低于)[（(](?:增加|减少|增长|下降|大于|小于|高于|低于)[）)]"
    # the template's "……" (奖金……其他), not a 目录's leader dots (……………… 12)
    r"|[（(](?:如持平作持平表述|不涉及的不列)[）)]|(?<!…)……(?![…\s\d])"
)
_EMPTY_REASON = re.compile(r"主要(?:原因|用于)(?:是|为|有)?\s*[：:]?\s*[。；;]")
_MISSING_PERCENT = re.compile(r"(?:增长|下降|降低|占)\s*\d+\.\d+(?=\s*[。；;，,])")
_DOUBLED = re.compile(r"[。，；、！？,;][。，；、！？,;]")
_BLANK = re.compile(r"[为是排计达共][\s　]*(?:万元|亿元)|(?:占|增长|下降|增加|减少)[\s　]*[%％]")

# Any of the five above: a search of the alternation finds something exactly when one of them
# would, so the (most) sentences with none are passed over in one search.
_ANY_FINDING = re.compile("|".join(f"(?:{p.pattern})" for p in (_PLACEHOLDER, _TEMPLATE, _EMPTY_REASON, _MISSING_PERCENT, _BLANK)))

_YEAR = r"((?:19|20)\d{2})\s*年"
_RANGE_BEFORE = re.compile(r"(?<!截)[-—－–~～至到]\s*$")
_RANGE_AFTER = re.compile(r"^(?:度)?(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?\s*[-—－–~～至到]")
_YEAR_CONTEXTS = (
    ("comparison", re.compile(r"(?:比|较|与|同)\s*" + _YEAR + "度?")),
    ("as_of", re.compile(r"(?:截至|截止|截止到|截至到)\s*" + _YEAR)),
    ("date", re.compile(_YEAR + r"\s*\d{1,2}\s*月")),
    ("year_of", re.compile(_YEAR + "度")),
)
_HEADING_YEAR = re.compile(_YEAR)


def _in_brackets(text: str, start: int) -> bool:
    return start > 0 and text[start - 1] in "〔【[（(［"


def _years(text: str, contexts) -> list[tuple[int, int, str]]:
    """(position, year, context) of every year mentioned, the first context that matches a position winning."""
    found: dict[int, tuple[int, str]] = {}
    for context, pattern in contexts:
        for m in pattern.finditer(text):
            start = m.start(1)
            if start in found or _in_brackets(text, start):
                continue
            if _RANGE_BEFORE.search(text[:start]) or _RANGE_AFTER.match(text[m.end(1) + 1 :]):
                continue
            found[start] = (int(m.group(1)), context)
    return [(pos, year, context) for pos, (year, context) in sorted(found.items())]


def read_wording(seg: Segmented, paras: list[Paragraph]) -> list[TextFinding]:
    out: list[TextFinding] = []

    def add(line: int, kind: str, excerpt: str, text: str, hides_amount: bool = False, **year) -> None:
        out.append(TextFinding(f"w{len(out) + 1:03d}", line, kind, excerpt.strip(), text.strip(), hides_amount, **year))

    for para in paras:
        for m in _DOUBLED.finditer(para.text):  # across the sentence split: 。。 ends two "sentences"
            context = para.text[max(0, m.start() - 40) : m.end() + 40]
            add(para.line_at(m.start()), "doubled_punct", para.text[max(0, m.start() - 8) : m.end() + 2], context)
        for offset, sentence in para.sentences():
            line = lambda m: para.line_at(offset + m.start())  # noqa: E731
            if _ANY_FINDING.search(sentence):
                for m in _PLACEHOLDER.finditer(sentence):
                    add(line(m), "placeholder", m.group(0), sentence, hides_amount=bool(m.group(1)))
                for kind, pattern, hides in (
                    ("template_text", _TEMPLATE, False),
                    ("empty_reason", _EMPTY_REASON, False),
                    ("missing_percent", _MISSING_PERCENT, False),
                    ("blank_amount", _BLANK, True),
                ):
                    for m in pattern.finditer(sentence):
                        add(line(m), kind, m.group(0), sentence, hides_amount=hides)
            if para.lines[0] in seg.headings and len(para.lines) == 1:
                continue  # a heading: its years are listed below, as a heading's
            if "年" not in sentence:
                continue  # every year pattern reads a 年
            for pos, year, context in _years(sentence, _YEAR_CONTEXTS):
                add(para.line_at(offset + pos), "year", f"{year}年", sentence, year=year, year_context=context)
    for n, heading in sorted(seg.headings.items()):
        for pos, year, _ in _years(plain(heading), (("heading", _HEADING_YEAR),)):
            add(n, "year", f"{year}年", heading, year=year, year_context="heading")
    return out
