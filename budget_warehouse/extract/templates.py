"""The template catalogue: which standard tables each template family prints, and how to know them.

One CSV, `dbt_project/seeds/table_template.csv` (also a dbt seed, for the
presence rules), one row per (family, table): the kind it is stored as, how its
rows are read (shape), its printed name, a regular expression on the title
(numbering, year and spaces removed), optionally one on the header words, and
the template's default unit, optionally the table's columns in order. Rows are tried in file order and the first match
wins, so more specific rows come first. A row without a kind names tables that
are known but not standard (kept as unrecognised); a row without a title
pattern recognises a table by its header words alone. Adding a region's
variant is adding rows.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "table_template.csv"


@dataclass(frozen=True, slots=True)
class TemplateTable:
    family: str
    phase: str
    table_no: int | None
    kind: str | None
    shape: str
    table_name: str
    title: re.Pattern | None
    header: re.Pattern | None
    default_unit: str
    columns: tuple[str, ...]  # the table's composite column labels in order, where the catalogue knows them


@lru_cache(maxsize=1)
def catalogue() -> tuple[TemplateTable, ...]:
    with CATALOGUE.open(encoding="utf-8", newline="") as f:
        return tuple(
            TemplateTable(
                family=r["family"],
                phase=r["phase"],
                table_no=int(r["table_no"]) if r["table_no"] else None,
                kind=r["kind"] or None,
                shape=r["shape"],
                table_name=r["table_name"],
                title=re.compile(r["title_pattern"]) if r["title_pattern"] else None,
                header=re.compile(r["header_pattern"]) if r["header_pattern"] else None,
                default_unit=r["default_unit"],
                columns=tuple(c for c in r.get("columns", "").split("|") if c),
            )
            for r in csv.DictReader(f)
        )


@lru_cache(maxsize=1)
def standard_kinds() -> dict[str, str]:
    """kind → its name in the first family that prints it (the standard tables of every family)."""
    out: dict[str, str] = {}
    for t in catalogue():
        if t.kind and t.table_no is not None:
            out.setdefault(t.kind, t.table_name)
    return out


def table_of(kind: str, family: str | None) -> TemplateTable | None:
    """The catalogue row of a standard table kind in a family (None outside the family)."""
    return next((t for t in catalogue() if t.kind == kind and t.family == family and t.table_no is not None), None)


def default_unit(kind: str, family: str | None) -> str:
    """The unit a table prints no 单位 line for is read in: its family's default for the kind, else
    the first family's that prints the kind, else the unit most of the family's tables default to."""
    row = table_of(kind, family) or next((t for t in catalogue() if t.kind == kind and t.default_unit), None)
    if row is not None and row.default_unit:
        return row.default_unit
    units = Counter(t.default_unit for t in catalogue() if t.family == family and t.default_unit)
    return units.most_common(1)[0][0] if units else "万元"


def shape_of(kind: str) -> str:
    return next((t.shape for t in catalogue() if t.kind == kind and t.shape), "coded")


def by_title(title_core: str, header_words: str) -> TemplateTable | None:
    """The first row whose title pattern matches (and whose header pattern, if any, matches too)."""
    for t in catalogue():
        if t.title is not None and t.title.search(title_core) and (t.header is None or t.header.search(header_words)):
            return t
    return None


def by_header(header_words: str) -> TemplateTable | None:
    for t in catalogue():
        if t.title is None and t.header is not None and t.header.search(header_words):
            return t
    return None


def family_of(kinds: list[str]) -> str | None:
    """The family that prints the most of the kinds found (ties: the first in the catalogue)."""
    found = Counter(k for k in set(kinds) if k)
    scores: dict[str, int] = {}
    for t in catalogue():
        if t.table_no is not None and t.kind:
            scores[t.family] = scores.get(t.family, 0) + (1 if found[t.kind] else 0)
    best = max(scores.values(), default=0)
    return next((f for f, s in scores.items() if s == best), None) if best else None
