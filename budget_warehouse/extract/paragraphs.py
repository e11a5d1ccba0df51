"""Prose paragraphs: lines wrapped by the converter joined back, each character traceable to its line.

A PDF conversion (and the sample) breaks sentences over lines, sometimes inside a
word or a number (``支出决算为118.20万`` / ``元。``). A line continues onto the next
prose line when the next line neither is a heading nor starts a numbered item, and
either follows it directly (a PDF conversion has no blank lines) or only blank lines
and stray page numbers lie between and the line does not end a sentence (the
sample's wrapped lines, a paragraph cut by a page break).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from budget_warehouse.extract.segment import PAGE_NUMBER_RE, Segmented, plain

_ENDS = ("。", "！", "？", "!", "?", "：", ":")
_ITEM_START = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+(?:、|．|\.(?!\d))|[-•·]\s)"
)
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


@dataclass(slots=True)
class Paragraph:
    text: str = ""
    lines: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # offset in text where each line begins

    def line_at(self, pos: int) -> int:
        return self.lines[bisect.bisect_right(self.starts, pos) - 1]

    def sentences(self) -> list[tuple[int, str]]:
        """(offset, sentence) of every sentence, split at 。！？."""
        return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(self.text) if m.group(0).strip()]


def _blank(line: str) -> bool:
    """Blank, or a stray page number (a page break inside a paragraph)."""
    text = plain(line).replace(" ", "")
    return not text or bool(PAGE_NUMBER_RE.match(text))


def paragraphs(seg: Segmented) -> list[Paragraph]:
    out: list[Paragraph] = []
    current: Paragraph | None = None
    previous_line = 0
    for n in seg.prose:
        text = plain(seg.lines[n - 1]).strip()
        if _blank(text):
            continue
        heading = n in seg.headings
        only_blanks_between = all(_blank(seg.lines[k]) for k in range(previous_line, n - 1))
        joins = (
            current is not None
            and only_blanks_between
            and not heading
            and (n == previous_line + 1 or not current.text.endswith(_ENDS))
            and not _ITEM_START.match(text)
            and current.lines[-1] not in seg.headings
        )
        if not joins:
            current = Paragraph()
            out.append(current)
        current.starts.append(len(current.text))
        current.lines.append(n)
        current.text += text
        previous_line = n
    return out
