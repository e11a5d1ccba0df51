"""The fast number-token pattern finds exactly what the plain one finds (numbers.NUMBER_TOKEN_RE)."""

from __future__ import annotations

import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

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
