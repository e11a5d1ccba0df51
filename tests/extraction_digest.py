"""Frozen digests of the extractor's records, to prove a change of its internals changes no record.

``digest(doc)`` hashes the repr of every record list of an ExtractedDocument
(field by field: a difference names the record type); ``documents()`` yields the
texts the digests are kept for: the sample, every text fixture of the shared
real PDFs (tests/fixtures/real/: tab rows, PyMuPDF, markdown, pdftotext -layout)
and generated documents in the default layout, random layouts, converter
layouts, and converter layouts printed as markdown and as space-aligned text.

    python tests/extraction_digest.py          # rewrite tests/fixtures/extraction_digests.json

Rewrite the fixture only for a deliberate change of extraction results, with
the code that makes the change, and say so in the commit message.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from dataclasses import fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "extraction_digests.json"
SAMPLE = ROOT / "data" / "raw" / "000_7ecefe3468064f3a.txt"
REAL = Path(__file__).parent / "fixtures" / "real"
GENERATED = 60  # documents per layout family: 5 families, 300 generated documents
SEED = 90210


def digest(doc) -> dict[str, str]:
    """Per field of the ExtractedDocument: the first 16 hex digits of the SHA-256 of its repr."""
    return {f.name: hashlib.sha256(repr(getattr(doc, f.name)).encode("utf-8")).hexdigest()[:16] for f in fields(doc)}


def documents():
    """(name, text) of every document the digests are kept for."""
    from budget_warehouse.corpus.generate import generate_many
    from budget_warehouse.corpus.render import Layout, render

    yield SAMPLE.name, SAMPLE.read_text(encoding="utf-8")
    for path in sorted(REAL.glob("*.txt")):
        yield path.name, path.read_text(encoding="utf-8")
    for i, truth in enumerate(generate_many(GENERATED, seed=SEED)):
        rng = random.Random(f"digest:{SEED}:{i}")
        converter = Layout.converter(rng)
        layouts = {
            "default": Layout(),
            "random": Layout.random(rng),
            "converter": converter,
            "markdown": converter.with_(cells="markdown", perf_cells="markdown"),
            "layout": converter.with_(cells="layout", perf_cells="layout"),
        }
        for name, layout in layouts.items():
            yield f"generated-{i:03d}-{name}", render(truth, layout)


def compute() -> dict[str, dict[str, str]]:
    from budget_warehouse.extract.document import extract

    from budget_warehouse.extract.errors import ExtractionError

    out = {}
    for name, text in documents():
        try:
            out[name] = digest(extract(text, source_name=name))
        except ExtractionError as exc:  # a refusal is a result too: its type and message must not move
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    FIXTURE.write_text(json.dumps(compute(), indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")
