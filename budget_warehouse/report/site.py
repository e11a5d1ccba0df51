"""Write the report: ``OUT/index.html``, ``OUT/documents/<document_id>.html``, its stylesheet and script.

Readable offline from the file system: pages link only to each other and to
``report.css`` / ``report.js`` in OUT, charts are inline SVG, page crops are
inline images, fonts are the system's. The warehouse is opened read-only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from budget_warehouse.report.crop import CropError, crop_page
from budget_warehouse.report.data import ReportData, load, read_documents
from budget_warehouse.report.pages import document_page, index_page
from budget_warehouse.warehouse import connect, has_table

DBT_DOCS = "dbt-docs/index.html"  # where `make docs` puts dbt's static page, inside the report folder
STATE_FILE = ".pages.json"  # per document page: the digest of what it was rendered from


@dataclass
class ReportResult:
    index: Path
    documents: int
    seconds: float
    problems: list[str]
    pages_written: int = 0  # document pages (re)written; the others were up to date


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


def _series(documents: list[dict]) -> dict[tuple, list[dict]]:
    """A department's documents (region, department, phase), by year."""
    series: dict[tuple, list[dict]] = defaultdict(list)
    for doc in documents:
        series[_series_key(doc)].append(doc)
    for docs in series.values():
        docs.sort(key=lambda d: (d.get("year") is None, d.get("year") or 0))
    return series


def _code_digest() -> str:
    """What the pages look like: this package's modules and static files."""
    digest = hashlib.sha256()
    root = resources.files("budget_warehouse.report")
    for path in sorted(Path(str(root)).rglob("*")):
        if path.is_file() and path.suffix in (".py", ".css", ".js"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _shared_digest(con) -> str:
    """What every page shows that no single document decides: the build (rules, seeds, extractor) and the
    names chosen across documents (dim_subject, dim_funding_source)."""
    parts = [_code_digest()]
    for table, query in (("warehouse_build", "select fingerprint from warehouse_build"),
                         ("dim_subject", "select sum(hash(s)::hugeint) from dim_subject s"),
                         ("dim_funding_source", "select sum(hash(f)::hugeint) from dim_funding_source f")):
        parts.append(str(con.execute(query).fetchall()) if has_table(con, table) else "-")
    return "\n".join(parts)


def _page_digests(documents: list[dict], series: dict[tuple, list[dict]], shared: str,
                  pdfs: dict[str, Path]) -> dict[str, str]:
    """Per document, a digest of what its page is rendered from: its department's documents (the page
    charts and links the other years, and a year's rules compare it with the year before), the PDFs
    found for them, and what every page shares."""
    out = {}
    for doc in documents:
        members = series[_series_key(doc)]
        what = [doc["document_id"], shared, [sorted(m.items()) for m in members],
                [str(pdfs.get(m.get("source_name") or "")) for m in members]]
        out[doc["document_id"]] = hashlib.sha256(json.dumps(what, default=str).encode()).hexdigest()
    return out


def _read_state(path: Path) -> dict[str, str]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_report(warehouse: Path, out: Path, sources: Iterable[Path] = ()) -> ReportResult:
    """Bring the site for the warehouse at ``warehouse`` up to date in ``out``: the index, and the page of
    each document whose inputs changed since its page was written (``out/.pages.json`` keeps each page's
    digest; a missing page is written again); pages of documents no longer in the warehouse are removed.
    The result is the site a render from scratch gives. ``sources``: folders (or files) where the PDFs of
    PDF inputs are found."""
    started = time.perf_counter()
    out = Path(out)
    pages_dir = out / "documents"
    pages_dir.mkdir(parents=True, exist_ok=True)
    pdfs = _pdf_sources(sources)
    state_path = out / STATE_FILE
    state = _read_state(state_path)
    with connect(Path(warehouse)) as con:
        listed = read_documents(con)
        series = _series(listed)
        digests = _page_digests(listed, series, _shared_digest(con), pdfs)
        stale = {doc_id for doc_id, digest in digests.items()
                 if state.get(doc_id) != digest or not (pages_dir / f"{doc_id}.html").exists()}
        # a page charts its department's other years: their figures are read too
        needed = {m["document_id"] for doc in listed if doc["document_id"] in stale for m in series[_series_key(doc)]}
        data = load(con, listed, None if len(needed) == len(listed) else needed)
    static = resources.files("budget_warehouse.report") / "static"
    for name in ("report.css", "report.js"):
        _write(out / name, (static / name).read_text(encoding="utf-8"))

    documents = {d["document_id"]: d for d in data.documents}
    problems: list[str] = []
    crops = _Crops(data, documents, pdfs, problems)
    for doc in data.documents:
        if doc["document_id"] in stale:
            html = document_page(data, doc, series[_series_key(doc)], lambda d: f"{d['document_id']}.html", crops)
            _write(pages_dir / f"{doc['document_id']}.html", html)
            state[doc["document_id"]] = digests[doc["document_id"]]
    for page in pages_dir.glob("*.html"):
        if page.stem not in documents:
            page.unlink()
    _write(state_path, json.dumps({doc_id: state[doc_id] for doc_id in documents}, indent=0, sort_keys=True))
    dbt_docs = DBT_DOCS if (out / DBT_DOCS).exists() else None
    _write(out / "index.html", index_page(data, lambda d: f"documents/{d['document_id']}.html", dbt_docs=dbt_docs))
    return ReportResult(out / "index.html", len(data.documents), time.perf_counter() - started, problems, len(stale))
