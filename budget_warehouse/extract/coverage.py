"""Coverage account: every numeric token of the document, loaded or not, and why not.

A token counts as loaded when a record holds it on the same source line (a
table cell, a claim, an indicator value, a code …). The rest get a reason
from where they stand; a token with no reason is a gap in the extractor.
"""

from __future__ import annotations

import re

from budget_warehouse.extract.numbers import NUMBER_TOKEN_RE, normalise
from budget_warehouse.extract.records import ExtractedDocument, NumberToken
from budget_warehouse.extract.segment import Segmented, is_heading

_TAG = re.compile(r"<[^>]+>")


def line_tokens(line: str) -> list[str]:
    text = _TAG.sub(" ", line) if "<" in line else line
    # A token is ASCII but for full-width digits or a "−" sign: only those need normalising.
    return [t if t.isascii() else normalise(t) for t in NUMBER_TOKEN_RE.findall(text)]


def account_tokens(
    seg: Segmented,
    doc: ExtractedDocument,
    code_tokens: list[tuple[int, str]],
    explained: list[tuple[int, str | None, str]],
) -> list[NumberToken]:
    # line → token → record → how many of that token the record holds on the line (in the order held)
    loaded: dict[int, dict[str, dict[str, int]]] = {}
    tokens_of: dict[str, list[str]] = {}  # the same printed text is tokenised once

    def hold(line: int, text: str | None, record: str) -> None:
        if not text:
            return
        tokens = tokens_of.get(text)
        if tokens is None:
            tokens = tokens_of[text] = line_tokens(text)
        if tokens:
            held = loaded.setdefault(line, {})
            for token in tokens:
                records = held.setdefault(token, {})
                records[record] = records.get(record, 0) + 1

    for c in doc.cells:
        hold(c.source_line, c.printed, "cells")
    for line, code in code_tokens:
        hold(line, code, "codes")
    for c in doc.claims:
        hold(c.source_line, c.printed, "claims")
    for i in doc.indicators:
        hold(i.source_line, i.printed, "indicators")
    for p in doc.projects:
        hold(p.source_line, f"{p.seq} {p.printed}", "projects")
    for r in doc.roster:
        hold(r.source_line, f"{r.staffing_quota_printed} {r.staff_count_printed}", "roster")
    for perf in doc.perf_tables:
        for f in perf.funding:
            hold(f.source_line, f.printed, "perf_funding")

    whole_line = {line: reason for line, token, reason in explained if token is None}
    perf_ranges = [(p.first_line, p.last_line) for p in doc.perf_tables]
    table_ranges = [(b.first_line, b.last_line) for b in seg.blocks]
    prose = set(seg.prose)
    out: list[NumberToken] = []
    for n, line in enumerate(seg.lines, start=1):
        tokens = line_tokens(line)
        if not tokens:
            continue
        held = loaded.get(n, {})
        for token in tokens:
            records = held.get(token)
            record = next((rec for rec, count in records.items() if count > 0), None) if records else None
            if record is not None:
                records[record] -= 1
                out.append(NumberToken(n, token, True, record, None))
                continue
            out.append(NumberToken(n, token, False, None, _reason(n, line, token, whole_line, perf_ranges, table_ranges, prose)))
    return out


# What stands around a token: a date or year (2019年, 3月), a document reference (〔2019〕, （2019),
# list numbering (1、 （2） 其中：3.). BEFORE patterns end where the token starts, AFTER patterns start
# where it ends.
_DATE_AFTER = re.compile(r"\s*(年|月|日|号|月份)")
_REFERENCE_BEFORE = re.compile(r"[〔\[【(（]\s*\Z")
_NUMBERING_BEFORE = re.compile(r"(^|[\s（(>])\s*(其中[:：])?[（(]?\Z")
_NUMBERING_AFTER = re.compile(r"\s*[、)）.．]")


def _stands(token: str, text: str, before: re.Pattern | None, after: re.Pattern | None) -> bool:
    """True if some occurrence of ``token`` in ``text`` has ``before`` right before it and ``after``
    right after it: re.search(before + re.escape(token) + after, text), without compiling a pattern
    for each token."""
    at = text.find(token)
    while at >= 0:
        if (after is None or after.match(text, at + len(token))) and (before is None or before.search(text[:at])):
            return True
        at = text.find(token, at + 1)
    return False


def _reason(n, line, token, whole_line, perf_ranges, table_ranges, prose) -> str | None:
    if n in whole_line:
        return whole_line[n]
    if any(a <= n <= b for a, b in perf_ranges):
        return "text of a performance table (date, reference, phone or description), not a target value"
    plain_line = _TAG.sub(" ", line)
    if _stands(token, plain_line, None, _DATE_AFTER) or _stands(token, plain_line, _REFERENCE_BEFORE, None):
        return "date, year or document reference"
    if _stands(token, plain_line.lstrip("#*- "), _NUMBERING_BEFORE, _NUMBERING_AFTER):
        return "list or line-item numbering"
    if n in prose and is_heading(line):
        return "heading number"
    if n in prose:
        return "count or figure in prose that is not an amount or percentage"
    if any(a <= n <= b for a, b in table_ranges):
        return None  # a number inside a table that no record holds: a gap
    return None
