"""Fault injection on a document's text: change one printed number, rename the department, move the year.

Used by tests/test_rules.py to check that each accounting-identity rule fails
exactly where a number it depends on was changed. The helpers work on the text
only; they assert that what they replace is there exactly once, so a test that
points at the wrong line fails loudly instead of silently testing nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE = re.compile(r"^(\s*\*\*\s*)(.+?)(部门)?(预算|决算)(\s*\*\*\s*)$")
_YEAR_LINE = re.compile(r"^(\s*\*\*\s*)((?:19|20)\d{2})(\s*年度?\s*\*\*\s*)$")


def _number_pattern(printed: str) -> re.Pattern:
    # the printed number as a whole token: not part of a longer number
    return re.compile(r"(?<![\d.,])" + re.escape(printed) + r"(?![\d]|[.,]\d)")


def replace_number(text: str, line: int, old: str, new: str, occurrence: int | None = None) -> str:
    """Replace the printed number ``old`` by ``new`` on 1-based ``line``.

    ``old`` must occur exactly once on the line as a whole number, unless
    ``occurrence`` (0-based) says which one to replace.
    """
    lines = text.split("\n")
    target = lines[line - 1]
    matches = list(_number_pattern(old).finditer(target))
    if occurrence is None:
        assert len(matches) == 1, f"line {line}: {old!r} occurs {len(matches)} times in {target!r}"
        match = matches[0]
    else:
        assert len(matches) > occurrence, f"line {line}: {old!r} occurs {len(matches)} times in {target!r}"
        match = matches[occurrence]
    lines[line - 1] = target[: match.start()] + new + target[match.end() :]
    return "\n".join(lines)


def rename_department(text: str, department: str) -> str:
    """Give the document another department in its title line ("**晋江市工信部门预算**").

    The document id is built from region + department + year + phase, so each
    renamed copy is a distinct document in the warehouse. ``department`` is the
    name without the trailing 部门 (e.g. "工信甲").
    """
    lines = text.split("\n")
    for i, raw in enumerate(lines[:60]):
        m = _TITLE.match(raw)
        if m and "第" not in raw and not re.search(r"\d", m.group(2)):
            region = re.match(r"^(.{2,10}?(?:省|自治区|市|州|盟|地区|县|区|旗))", m.group(2))
            prefix = region.group(1) if region else ""
            lines[i] = f"{m.group(1)}{prefix}{department}{m.group(3) or ''}{m.group(4)}{m.group(5)}"
            return "\n".join(lines)
    raise AssertionError("no bold title line (**…预算**) in the first 60 lines")


def set_year(text: str, year: int) -> str:
    """Move the document to another year: the bold year line ("**2019 年度**") before the title."""
    lines = text.split("\n")
    for i, raw in enumerate(lines[:20]):
        m = _YEAR_LINE.match(raw)
        if m:
            lines[i] = f"{m.group(1)}{year}{m.group(3)}"
            return "\n".join(lines)
    raise AssertionError("no bold year line (**2019 年度**) in the first 20 lines")


@dataclass(frozen=True)
class Fault:
    """One printed number changed: what, where, and the rule instances expected to fail because of it."""

    name: str
    line: int
    old: str
    new: str
    # (rule_id, location, difference) of every instance that must newly fail
    expected_new_fails: tuple[tuple[str, str, str], ...]
    # (rule_id, location, difference) of instances that already fail on the clean
    # document and must keep failing with this new difference
    expected_changed_fails: tuple[tuple[str, str, str], ...] = ()
    occurrence: int | None = None

    def apply(self, text: str) -> str:
        return replace_number(text, self.line, self.old, self.new, self.occurrence)


def drop_lines(text: str, first: int, last: int) -> str:
    """Remove 1-based lines ``first``..``last`` (inclusive), e.g. a whole table with its heading."""
    lines = text.split("\n")
    assert 1 <= first <= last <= len(lines)
    return "\n".join(lines[: first - 1] + lines[last:])


def set_table_unit(text: str, line: int, unit: str) -> str:
    """Change the "单位：万元" line of a table (1-based ``line``) to another unit of account."""
    lines = text.split("\n")
    assert re.match(r"^\s*单位[：:]\s*(万元|元)\s*$", lines[line - 1]), lines[line - 1]
    lines[line - 1] = re.sub(r"(万元|元)", unit, lines[line - 1])
    return "\n".join(lines)


def replace_text(text: str, line: int, old: str, new: str) -> str:
    """Replace ``old`` (which must occur exactly once on 1-based ``line``) by ``new``."""
    lines = text.split("\n")
    assert lines[line - 1].count(old) == 1, f"line {line}: {old!r} occurs {lines[line - 1].count(old)} times"
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def insert_lines(text: str, before: int, new_lines: list[str]) -> str:
    """Insert ``new_lines`` before 1-based line ``before`` (later lines move down)."""
    lines = text.split("\n")
    assert 1 <= before <= len(lines) + 1
    return "\n".join(lines[: before - 1] + list(new_lines) + lines[before - 1 :])
