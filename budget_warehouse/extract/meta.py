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


_BARE_TITLE = re.compile(r"^(?:(?:19|20)\d{2}年度?)?(部门)?(预算|决算)$")
# The line naming who prepared the document: the department (部门) or one unit (单位).
_PREPARER_RE = re.compile(r"^(预算主管部门|编制部门|部门名称|编制单位|单位名称|预算单位)[:：]\s*(\S+)")
_LEVEL_WORDS = re.compile(r"^(?:省|市|区|县|州|旗|乡|镇)?级(?:部门|单位)?$|^本级$")


def find_title(lines: list[str], limit: int = 60) -> tuple[str, int | None]:
    """The document title ("某某市教育局部门预算"): an early line ending in 预算/决算, or a title
    wrapped over two or three lines ("上海市某某局" / "2024年度部门决算")."""
    seen = 0
    early: list[tuple[int, str]] = []  # the first non-blank lines, for wrapped titles
    for i, raw in enumerate(lines):
        text = "".join(plain(raw).split())
        if not text:
            continue
        seen += 1
        if seen > limit:
            break
        if len(early) < 8:
            early.append((i, text if "\t" not in raw else ""))
        if "\t" in raw or text.startswith("第") and "部分" in text or re.search(r"[。，；]", text):
            continue
        if _TITLE_RE.match(text) and not _BARE_TITLE.match(text):
            return text, i + 1
    for k in range(len(early)):
        for n in (3, 2):
            parts = [t for _, t in early[k : k + n]]
            if len(parts) < n:
                continue
            joined = "".join(parts)
            if all(parts) and len(joined) <= 50 and _TITLE_RE.match(joined) and not _BARE_TITLE.match(joined):
                return joined, early[k][0] + 1
    return "", None


def find_preparer(lines: list[str], limit: int = 400) -> tuple[str | None, str]:
    """(organisation, scope) from the first 预算主管部门 / 编制部门 / 编制单位 / 部门名称 line:
    scope 单位 for a unit's own document, else 部门."""
    for raw in lines[:limit]:
        if "\t" in raw:
            continue  # a table row (绩效目标表 print 单位名称 too), not the preparer line
        m = _PREPARER_RE.match(plain(raw))
        if m:
            name = re.split(r"单位[:：]", m.group(2))[0]
            return name or None, "单位" if m.group(1) in ("编制单位", "单位名称", "预算单位") else "部门"
    return None, "部门"


def identity(title: str, lines: list[str], family_phase: str | None) -> tuple[str | None, str | None, str, str]:
    """(region, department or unit, phase, scope). The cover title gives region and phase; the
    preparer line, when printed, names the department (a cover may name only the level: 区级部门)."""
    region, department, phase = split_title(title) if title else (None, None, "预算")
    organisation, scope = find_preparer(lines)
    if organisation:
        own = _REGION_RE.match(organisation)
        own_region = own.group(1) if own and own.group(1) else None
        if own_region and len(own_region) < len(organisation):
            region, department = own_region, organisation[len(own_region):]
        elif region and organisation.startswith(region):
            department = organisation[len(region):]
        else:
            department = organisation
    elif department and _LEVEL_WORDS.match(department):
        department = None  # the cover names a level, not a department
    if "决算" not in title and "预算" not in title and family_phase:
        phase = family_phase  # no title: the tables' template says which
    return region, department, phase, scope


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


def document_id(
    region: str | None, department: str | None, year: int | None, phase: str, content_hash: str, scope: str = "部门"
) -> str:
    """Stable across versions of the same document and independent of the file name.

    Falls back to the content hash when the title cannot be read (then a changed
    document gets a new id; the extractor warns about it).
    """
    if department and year:
        basis = f"{region or ''}|{department}|{year}|{phase}" + ("|单位" if scope == "单位" else "")
    else:
        basis = content_hash
    return "doc-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
