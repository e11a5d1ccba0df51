"""Exact parsing of printed amounts: "8,121.56", "8121.56", "0", "" (blank)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．－", "0123456789,.-")
AMOUNT_RE = re.compile(r"^[-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
# Every numeric token in running text (for coverage and prose claims): an optional minus and
# digits, "1,234" thousands groups preferred, optional decimals, not preceded by a digit, "." or
# ",". Written to start with a character class (the lookbehind comes after the first character,
# over it and the one before), so the regex engine skips ahead to candidate characters instead
# of trying the lookbehind at every position: same matches as
# (?<![\d.,])[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?  (tests/test_extract_numbers.py), ~4× faster.
NUMBER_TOKEN_RE = re.compile(
    r"[-−\d](?<![\d.,].)(?:(?<=[-−])(?:\d{1,3}(?:,\d{3})+|\d+)|(?<=\d)(?:\d{0,2}(?:,\d{3})+|\d*))(?:\.\d+)?"
)
_BLANKS = frozenset(("", "-", "—", "--", "——", "/"))
SCALE_TO_WAN = {"万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001"), "亿元": Decimal(10000)}


def normalise(text: str) -> str:
    if not text.isascii():  # full-width digits and separators are never ASCII
        text = text.translate(_FULLWIDTH)
    return text.replace(" ", "").strip()


@lru_cache(maxsize=8192)  # asked of the same cells by several steps (header split, cut rows, blank grids)
def is_amount(text: str) -> bool:
    return bool(AMOUNT_RE.match(normalise(text)))


@lru_cache(maxsize=8192)  # amounts repeat (totals in several tables, 0.00, blanks); the result is immutable
def parse_amount(text: str) -> tuple[Decimal | None, int]:
    """(value, decimals printed) of an amount cell; (None, 0) for a blank cell.

    Raises ValueError for text that is neither blank nor an amount.
    """
    t = normalise(text)
    if t in _BLANKS:
        return None, 0
    if not AMOUNT_RE.match(t):
        raise ValueError(f"not an amount: {text!r}")
    t = t.replace(",", "").replace("−", "-")
    dot = t.find(".")
    return Decimal(t), (len(t) - dot - 1 if dot >= 0 else 0)


def to_wan(value: Decimal | None, unit: str) -> Decimal | None:
    if value is None:
        return None
    return value * SCALE_TO_WAN.get(unit, Decimal(1))
