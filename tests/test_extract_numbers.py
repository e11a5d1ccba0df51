"""Number tokens: the fast token pattern finds exactly what the plain one finds (numbers.NUMBER_TOKEN_RE),
and the coverage account reads what stands around a token as the per-token patterns did."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from budget_warehouse.extract.claims import _AMOUNT, _COUNT, _OTHER_COUNT
from budget_warehouse.extract.coverage import _DATE_AFTER, _NUMBERING_AFTER, _NUMBERING_BEFORE, _REFERENCE_BEFORE, _stands
from budget_warehouse.extract.numbers import NUMBER_TOKEN_RE

# The plain form: an optional minus, thousands groups preferred, optional decimals, not after a
# digit, "." or "," (the pattern the extractor used before issue 9).
PLAIN = re.compile(r"(?<![\d.,])[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\d.,])[-−]?\d+(?:\.\d+)?")
ALPHABET = "12,.-−a５"  # digits (one full-width), both separators, both minus signs, a letter


def test_every_short_string_gives_the_same_tokens():
    for length in range(1, 6):
        for chars in itertools.product(ALPHABET, repeat=length):
            text = "".join(chars)
            assert NUMBER_TOKEN_RE.findall(text) == PLAIN.findall(text), text


@given(st.text(alphabet="0123456789,.-−－ 万元年（）%a５\t<>", max_size=40))
def test_random_text_gives_the_same_tokens(text):
    assert [m.span() for m in NUMBER_TOKEN_RE.finditer(text)] == [m.span() for m in PLAIN.finditer(text)]


def test_tokens_of_a_line():
    line = "2024年收入1,234.56万元，比上年-12.5%，编号3,45，第8页"
    # "45" follows a comma: not a token of its own ("3,45" is no thousands group)
    assert NUMBER_TOKEN_RE.findall(line) == ["2024", "1,234.56", "-12.5", "3", "8"]


@given(st.text(alphabet="12 3年月日号份〔[【(（)）、.．其中:：>#\t", max_size=14), st.sampled_from(["1", "12", "2", "1.2"]))
def test_what_stands_around_a_token_as_the_per_token_patterns_read_it(text, token):
    t = re.escape(token)
    assert _stands(token, text, None, _DATE_AFTER) == bool(re.search(t + r"\s*(年|月|日|号|月份)", text))
    assert _stands(token, text, _REFERENCE_BEFORE, None) == bool(re.search(r"[〔\[【(（]\s*" + t, text))
    assert _stands(token, text, _NUMBERING_BEFORE, _NUMBERING_AFTER) == bool(
        re.search(r"(^|[\s（(>])\s*(其中[:：])?[（(]?" + t + r"\s*[、)）.．]", text))


def test_token_contexts():
    assert _stands("2019", "根据〔2019〕3号文", _REFERENCE_BEFORE, None)
    assert _stands("3", "根据〔2019〕3号文", None, _DATE_AFTER)
    assert not _stands("2019", "预算2019万元", None, _DATE_AFTER)
    assert _stands("2", "其中：2、项目支出", _NUMBERING_BEFORE, _NUMBERING_AFTER)
    assert not _stands("2", "共2个项目", _NUMBERING_BEFORE, _NUMBERING_AFTER)


# The prose patterns of claims.py in their plain form (before issue 9): a number not after a digit or ".".
PLAIN_PROSE = {
    "amount": (_AMOUNT, re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(万元|亿元|元|%|％)")),
    "count": (_COUNT, re.compile(r"(?<![\d.])(\d+)\s*(个项目|个项目绩效目标|辆|台（套）|台\(套\))")),
    "other_count": (_OTHER_COUNT, re.compile(r"(?<![\d.])(\d+)\s*(人（次）|人\(次\)|人次|家|场|名|个(?!月|项目|百分点))")),
}


def _found(pattern: re.Pattern, text: str):
    return [(m.span(), m.span(1), m.groups()) for m in pattern.finditer(text)]


def test_prose_patterns_on_every_short_string():
    pieces = ["1", "2", ",", ".", "万元", "%", "个", "月", "家", " ", "５"]
    for length in range(1, 5):
        for chars in itertools.product(pieces, repeat=length):
            text = "".join(chars)
            for fast, plain in PLAIN_PROSE.values():
                assert _found(fast, text) == _found(plain, text), text


@given(st.text(alphabet="0123456789,.万元亿%％个项目辆人次家场名月 a５（）", max_size=30))
def test_prose_patterns_on_random_text(text):
    for fast, plain in PLAIN_PROSE.values():
        assert _found(fast, text) == _found(plain, text)


def test_prose_amounts_and_counts():
    sentence = "收入1,234.56万元，增长5%，共12个项目，接待80家、1000人次，编号3.45万元"
    assert [m.group(1, 2) for m in _AMOUNT.finditer(sentence)] == [("1,234.56", "万元"), ("5", "%"), ("3.45", "万元")]
    assert [m.group(1) for m in _COUNT.finditer(sentence)] == ["12"]
    assert [m.group(1, 2) for m in _OTHER_COUNT.finditer(sentence)] == [("80", "家"), ("1000", "人次")]
