"""Which table a block is, from its title and, failing that, its header words: lookups in the template catalogue (templates.py)."""

from __future__ import annotations

import re
from functools import lru_cache

from budget_warehouse.extract import templates
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


@lru_cache(maxsize=4096)  # the 目录 check compares every entry with every title of the body
def title_core(title: str) -> str:
    """The title without numbering, year and spaces: "七、2019年一般…表" -> "一般…表"."""
    t = _NUMBERING.sub("", title.strip(), count=1)
    return _YEAR.sub("", "".join(t.split()))


def _header_words(rows: list[Row]) -> str:
    return " ".join(c for r in rows[:5] for c in r.cells).replace(" ", "")


def kind_from_title(title: str, rows: list[Row] | None = None) -> str | None:
    """The kind of the first catalogue row whose title (and header words, where given) match."""
    t = title_core(title)
    if not t:
        return None
    row = templates.by_title(t, _header_words(rows or []))
    return row.kind if row else None


def kind_from_header(rows: list[Row]) -> str | None:
    """Fallback for a block without a recognisable title: the catalogue's header-only rows."""
    if _is_contents(rows):
        return CONTENTS
    row = templates.by_header(_header_words(rows[:4]))
    return row.kind if row else None


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
    by_title = kind_from_title(title, rows)
    if by_title:
        return by_title
    by_header = kind_from_header(rows)
    if title and looks_like_other_table(title) and by_header not in (ROSTER, PERFORMANCE):
        return None  # a titled table we do not know: never guess a standard kind for it
    return by_header


def looks_like_other_table(title: str) -> bool:
    return bool(re.search(r"表|目录|清单", title))
