"""How a document is named to people, the same everywhere (run summary, alerts, Data Docs, Dagster):
region, department, year, phase and the file it was read from.

"晋江市工信部门 2019 预算 (000_7ecefe3468064f3a.txt)": two years or the 预算 and 决算 of one
department, or two files, never look alike. The title stands in when the document names no
region or department.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import Any


def document_name(
    region: str | None, department: str | None, year: int | None, phase: str | None, source: str | None,
    title: str | None = None,
) -> str:
    who = f"{region or ''}{department or ''}" or (title or "").strip() or "untitled document"
    parts = [who] + [str(p) for p in (year, phase) if p not in (None, "")]
    name = " ".join(parts)
    return f"{name} ({PurePath(source).name})" if source else name


def document_name_of(row: Mapping[str, Any]) -> str:
    """``document_name`` of a ``dim_document`` row (or any mapping with those columns)."""
    return document_name(
        row.get("region"), row.get("department"), row.get("year"), row.get("phase"), row.get("source_name"), row.get("title")
    )
