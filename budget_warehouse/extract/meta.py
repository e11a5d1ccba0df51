"""Document metadata: region, department, year, phase, and the stable document id."""

from __future__ import annotations

import hashlib
import re

from budget_warehouse.extract.segment import plain

_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_TITLE_RE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(.{2,40}?)(?:(?:19|20)\d{2}年度?)?(部门)?(预算|决算)(公开)?(报告)?$")
_ORGANISATION_END = re.compile(r"(局|委|办|院|会|所|站|中心|厅|部|处|队|室|馆|社|团|校|园|署|司|行)$")
_REGION_RE = re.compile(
    r"^((?:\S{2,10}?(?:省|自治区|特别行政区))?(?:\S{2,10}?(?:市|自治州|州|盟|地区))?(?:\S{2,10}?(?:县|自治县|区|旗))?)"
)


def find_title(lines: list[str], limit: int = 60) -> tuple[str, int | None]:
    """The document title ("某某市教育局部门预算"): an early line ending in 预算/决算."""
    seen = 0
    for i, raw in enumerate(lines):
        text = re.sub(r"\s+", "", plain(raw))
        if not text:
            continue
        seen += 1
        if seen > limit:
            break
        if "\t" in raw or text.startswith("第") and "部分" in text or re.search(r"[。，；]", text):
            continue
        if _TITLE_RE.match(text) and not re.match(r"^(?:(?:19|20)\d{2}年度?)?(部门)?(预算|决算)$", text):
            return text, i + 1
    return "", None


def find_year(lines: list[str], title: str) -> int | None:
    m = _YEAR_RE.search(title)
    if m:
        return int(m.group(1))
    for raw in lines[:80]:
        m = _YEAR_RE.search(plain(raw).replace(" ", ""))
        if m:
            return int(m.group(1))
    return None


def split_title(title: str) -> tuple[str | None, str | None, str]:
    """(region, department, phase) from a title such as "某某市教育局部门预算"."""
    phase = "决算" if "决算" in title else "预算"
    m = _TITLE_RE.match(title)
    body = m.group(1) if m else title
    body = _YEAR_RE.sub("", body)
    body = re.sub(r"(?:19|20)\d{2}年度?", "", body)
    region_match = _REGION_RE.match(body)
    region = region_match.group(1) if region_match and region_match.group(1) else None
    department = body[len(region):] if region else body
    if m and m.group(2) and department and not _ORGANISATION_END.search(department):
        department += "部门"  # "工信部门预算": the department is "工信部门", not "工信"
    return region, department or None, phase


def document_id(region: str | None, department: str | None, year: int | None, phase: str, content_hash: str) -> str:
    """Stable across versions of the same document and independent of the file name.

    Falls back to the content hash when the title cannot be read (then a changed
    document gets a new id; the extractor warns about it).
    """
    if department and year:
        basis = f"{region or ''}|{department}|{year}|{phase}"
    else:
        basis = content_hash
    return "doc-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
