"""Write the report: ``OUT/index.html``, ``OUT/documents/<document_id>.html``, its stylesheet and script.

Readable offline from the file system: pages link only to each other and to
``report.css`` / ``report.js`` in OUT, charts are inline SVG, page crops are
inline images, fonts are the system's. The warehouse is opened read-only.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from budget_warehouse.report.crop import CropError, crop_page
from budget_warehouse.report.data import ReportData, load
from budget_warehouse.report.pages import document_page, index_page

DBT_DOCS = "dbt-docs/index.html"  # where `make docs` puts dbt's static page, inside the report folder


@dataclass
class ReportResult:
    index: Path
    documents: int
    seconds: float
    problems: list[str]


def default_report_dir(warehouse: Path) -> Path:
    """Next to the warehouse, like its staging and quarantine folders."""
    return Path(warehouse).parent / "report"


def _series_key(doc: dict[str, Any]) -> tuple:
    return (doc.get("region"), doc.get("department"), doc.get("phase"))


def _pdf_sources(sources: Iterable[Path]) -> dict[str, Path]:
    """File name → path of the PDFs under the source folders (a document records only its file name)."""
    found: dict[str, Path] = {}
    for folder in sources:
        folder = Path(folder)
        if folder.is_file():
            found.setdefault(folder.name, folder)
        elif folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() == ".pdf":
                    found.setdefault(path.name, path)
    return found


class _Crops:
    """The page crops of a finding: the cells of its source lines, grouped by page (PDF inputs only)."""

    def __init__(self, data: ReportData, documents: dict[str, dict], pdfs: dict[str, Path], problems: list[str]):
        self.data, self.documents, self.pdfs, self.problems = data, documents, pdfs, problems

    def __call__(self, finding: dict[str, Any]) -> list[str]:
        doc_id = finding["document_id"]
        by_page: dict[int, list] = defaultdict(list)
        for n in finding.get("source_lines") or []:
            for cell in self.data.boxes.get((doc_id, n), []):
                if None not in (cell["x0"], cell["top"], cell["x1"], cell["bottom"]):
                    by_page[int(cell["page"])].append((float(cell["x0"]), float(cell["top"]), float(cell["x1"]), float(cell["bottom"])))
        if not by_page:
            return []
        name = self.documents[doc_id].get("source_name")
        pdf = self.pdfs.get(name or "")
        if pdf is None:
            self.problems.append(f"{doc_id}: the source PDF {name!r} is not in the source folders; no page image")
            return []
        out = []
        for page, boxes in sorted(by_page.items()):
            try:
                crop = crop_page(pdf, page, boxes)
            except CropError as exc:
                self.problems.append(str(exc))
                continue
            out.append(f'<div class="muted">{pdf.name}, page {page}</div>' + crop.svg(f"{pdf.name} page {page}"))
        return out


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(warehouse: Path, out: Path, sources: Iterable[Path] = ()) -> ReportResult:
    """Render the whole site for the warehouse at ``warehouse`` into ``out`` (pages of documents no longer in
    the warehouse are removed). ``sources``: folders (or files) where the PDFs of PDF inputs are found."""
    started = time.perf_counter()
    data = load(Path(warehouse))
    out = Path(out)
    pages_dir = out / "documents"
    pages_dir.mkdir(parents=True, exist_ok=True)
    static = resources.files("budget_warehouse.report") / "static"
    for name in ("report.css", "report.js"):
        _write(out / name, (static / name).read_text(encoding="utf-8"))

    series: dict[tuple, list[dict]] = defaultdict(list)
    for doc in data.documents:
        series[_series_key(doc)].append(doc)
    for docs in series.values():
        docs.sort(key=lambda d: (d.get("year") is None, d.get("year") or 0))
    documents = {d["document_id"]: d for d in data.documents}
    problems: list[str] = []
    crops = _Crops(data, documents, _pdf_sources(sources), problems)
    written = set()
    for doc in data.documents:
        name = f"{doc['document_id']}.html"
        html = document_page(data, doc, series[_series_key(doc)], lambda d: f"{d['document_id']}.html", crops)
        _write(pages_dir / name, html)
        written.add(name)
    for stale in pages_dir.glob("*.html"):
        if stale.name not in written:
            stale.unlink()
    dbt_docs = DBT_DOCS if (out / DBT_DOCS).exists() else None
    _write(out / "index.html", index_page(data, lambda d: f"documents/{d['document_id']}.html", dbt_docs=dbt_docs))
    return ReportResult(out / "index.html", len(data.documents), time.perf_counter() - started, problems)
