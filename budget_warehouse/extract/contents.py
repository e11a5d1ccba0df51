"""The 目录's table entries against the body, and the notes printed under tables.

The body's tables are found by their titles: the titles of the table blocks and
title lines of the prose (a PDF conversion may print a table's cells as prose
lines), so the check does not depend on which tables the extractor recognises.
"""

from __future__ import annotations

import re

from budget_warehouse.extract import classify as cls
from budget_warehouse.extract.records import ContentsEntry, ExtractedDocument, TableNote
from budget_warehouse.extract.segment import Segmented, looks_like_title, plain

_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_NOTE = re.compile(r"^(?:注|说明|备注)\s*\d*\s*[:：]")


def _is_table_title(text: str) -> bool:
    return looks_like_title(text) and not _PART.match(text) and cls.title_core(text) not in ("目录", "目 录")


def _contents_lines(seg: Segmented, kinds: list[str | None]) -> list[tuple[int, str]]:
    """(line, text) of every entry of the 目录: a 目录 table, else the prose lines under a 目录 heading."""
    for block, kind in zip(seg.blocks, kinds):
        if kind == cls.CONTENTS:
            return [(r.line, r.filled[0]) for r in block.rows if r.filled]
    heading = next((n for n in seg.prose if cls.title_core(plain(seg.lines[n - 1])) == "目录"), None)
    if heading is None:
        return []
    out = []
    for n in range(heading + 1, len(seg.lines) + 1):
        raw = seg.lines[n - 1]
        text = plain(raw).strip()
        if not text:
            continue
        if "\t" in raw or re.search(r"[。；;，]", text) or len(text) > 50:
            break
        out.append((n, text))
    return out


def _body_titles(seg: Segmented, after: int) -> list[tuple[int, str]]:
    titles = {b.title_line: b.title for b in seg.blocks if b.title and b.title_line and b.title_line > after}
    titles.update({n: plain(seg.lines[n - 1]).strip() for n in seg.prose if n > after})
    return sorted((n, t) for n, t in titles.items() if _is_table_title(t))


def read_contents(seg: Segmented, kinds: list[str | None]) -> list[ContentsEntry]:
    entries = [(n, t) for n, t in _contents_lines(seg, kinds) if _is_table_title(t)]
    if not entries:
        return []
    body = _body_titles(seg, after=max(n for n, _ in entries))
    out = []
    for seq, (line, title) in enumerate(entries, start=1):
        core = cls.title_core(title)
        found = next(((n, t) for n, t in body if cls.title_core(t) == core), None)
        match = "same" if found else None
        kind = cls.kind_from_title(title)
        if found is None and kind:
            same_kind = [(n, t) for n, t in body if cls.kind_from_title(t) == kind]
            if len(same_kind) == 1:
                found, match = same_kind[0], "renamed"
        out.append(ContentsEntry(seq, line, title, found[0] if found else None, found[1] if found else None, match))
    return out


def read_table_notes(seg: Segmented, doc: ExtractedDocument) -> list[TableNote]:
    """Notes (注：… / 说明：…) with the nearest table title above them."""
    titles = _body_titles(seg, after=0)
    valued = {c.table_id for c in doc.cells if c.amount is not None}
    by_title_line = {t.title_line: t for t in doc.tables}
    out = []
    for n in seg.prose:
        text = plain(seg.lines[n - 1]).strip()
        if not _NOTE.match(text):
            continue
        above = [(m, t) for m, t in titles if m < n]
        if not above:
            continue
        title_line, title = above[-1]
        if any(plain(seg.lines[m - 1]).strip().endswith("。") for m in seg.prose if title_line < m < n):
            continue  # prose lies between: the note is not under that table
        table = by_title_line.get(title_line)
        empty = None if table is None else (table.is_empty or table.table_id not in valued)
        out.append(TableNote(n, text, title, title_line, empty))
    return out
