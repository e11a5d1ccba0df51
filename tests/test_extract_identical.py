"""The extractor's records are identical to those frozen in tests/fixtures/extraction_digests.json.

A change of the extractor's internals (speed, parser, patterns) must not move a
single record: every record list of 309 documents (the sample, the shared real
PDFs' text fixtures, 300 generated documents in default, random, converter,
markdown and space-aligned layouts) is hashed and compared with the digests
computed by the code before the change (tests/extraction_digest.py says how to
rewrite them after a deliberate change of results).
"""

from __future__ import annotations

import json

from extraction_digest import FIXTURE, compute


def test_records_equal_the_frozen_digests():
    frozen = json.loads(FIXTURE.read_text(encoding="utf-8"))
    now = compute()
    assert now.keys() == frozen.keys()
    moved = {name: sorted(k for k in now[name] if now[name].get(k) != frozen[name].get(k))
             for name in now if now[name] != frozen[name]}
    assert moved == {}, f"records differ from the frozen ones (document: record lists): {moved}"
