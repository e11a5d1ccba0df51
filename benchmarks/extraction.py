"""Extraction speed (issue 9, item 6): ms per document, documents/s per core, and where the time goes.

One process, no parallelism, so documents/s is per core. Times are the process's CPU
time (`time.process_time`), so other jobs on a shared machine move them less; the
wall-clock time of the same passes is printed beside. Generated documents
are rendered first (not timed) in the corpus's random layouts (`Layout.random`,
as `make bench` writes them) and in the converter layouts (`Layout.converter`);
then the sample. The per-stage split times each step `extract()` calls (the
step functions are wrapped here, in the benchmark only); "other" is the rest of
`extract()` (metadata, hashing, bookkeeping). The PDF path is `benchmarks/run.py`'s.

Usage: python benchmarks/extraction.py [--documents 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "000_7ecefe3468064f3a.txt"

# (stage, module, attribute): the steps extract() calls, in order. Stages nested in another
# ("of which …") are reported inside it and not added to the total again.
STAGES = [
    ("normalise (other converters' tables)", "budget_warehouse.extract.document", "normalise"),
    ("segment (lines, blocks, grids)", "budget_warehouse.extract.document", "segment"),
    ("  of which HTML tables", "budget_warehouse.extract.segment", "html_rows"),
    ("classify tables", "budget_warehouse.extract.classify", "classify"),
    ("standard tables → cells", "budget_warehouse.extract.tables", "TableParser.parse"),
    ("roster", "budget_warehouse.extract.document", "parse_roster"),
    ("绩效目标表", "budget_warehouse.extract.document", "parse_performance"),
    ("project list", "budget_warehouse.extract.document", "parse_project_list"),
    ("projects linked to their 绩效目标表 (difflib)", "budget_warehouse.extract.document", "link_projects"),
    ("prose claims", "budget_warehouse.extract.document", "extract_claims"),
    ("决算 prose claims", "budget_warehouse.extract.document", "final_account_claims"),
    ("coverage account", "budget_warehouse.extract.document", "account_tokens"),
    ("text checks (statements, wording, 目录, notes)", "budget_warehouse.extract.document", "read_text"),
]


@contextmanager
def stage_timers(spent: Counter):
    """Wrap each stage's function so its time adds up in ``spent`` (seconds), and unwrap after."""
    import importlib

    undo = []
    for name, module_name, attr in STAGES:
        owner = importlib.import_module(module_name)
        *path, leaf = attr.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, leaf)

        def timed(*args, __f=original, __name=name, **kwargs):
            started = time.process_time()
            try:
                return __f(*args, **kwargs)
            finally:
                spent[__name] += time.process_time() - started

        setattr(owner, leaf, timed)
        undo.append((owner, leaf, original))
    try:
        yield
    finally:
        for owner, leaf, original in reversed(undo):
            setattr(owner, leaf, original)


def corpus(n: int, seed: int = 2026) -> dict[str, list[str]]:
    from budget_warehouse.corpus.generate import generate_many
    from budget_warehouse.corpus.render import Layout, render

    truths = generate_many(n, seed=seed)
    return {
        "random layouts": [render(t, Layout.random(random.Random(f"bench:{seed}:{i}"))) for i, t in enumerate(truths)],
        "converter layouts": [render(t, Layout.converter(random.Random(f"bench:{seed}:{i}"))) for i, t in enumerate(truths)],
    }


def measure(texts: list[str], repeat: int) -> tuple[float, float, Counter]:
    """Seconds per document, CPU and wall (best of ``repeat`` passes), and CPU seconds per document
    by stage (from one more pass)."""
    from budget_warehouse.extract.document import extract

    extract(texts[0])  # imports, regex caches, the template catalogue
    cpu, wall = [], []
    for _ in range(repeat):
        started, started_wall = time.process_time(), time.perf_counter()
        for text in texts:
            extract(text)
        cpu.append((time.process_time() - started) / len(texts))
        wall.append((time.perf_counter() - started_wall) / len(texts))
    spent: Counter = Counter()
    with stage_timers(spent):
        started = time.process_time()
        for text in texts:
            extract(text)
        spent["total"] = time.process_time() - started
    return min(cpu), min(wall), Counter({k: v / len(texts) for k, v in spent.items()})


def print_split(label: str, per_doc: float, wall: float, spent: Counter) -> None:
    print(f"{label}: {per_doc * 1000:.1f} ms/document CPU ({wall * 1000:.1f} ms wall), "
          f"{1 / per_doc:.0f} documents/s per core")
    total = spent["total"]
    top = sum(v for k, v in spent.items() if k != "total" and not k.startswith(" "))
    for name, _, _ in STAGES:
        print(f"    {name:<48} {spent[name] * 1000:6.2f} ms  {spent[name] / total:5.1%}")
    print(f"    {'other':<48} {(total - top) * 1000:6.2f} ms  {(total - top) / total:5.1%}")


def floors(texts: list[str]) -> tuple[float, float]:
    """CPU seconds per document of (a) splitting into lines and one pass of the number-token
    pattern over them, (b) constructing the document's records (frozen dataclasses) again from
    their field values: what any pure-Python extractor with these records pays at least."""
    from dataclasses import fields, is_dataclass

    from budget_warehouse.extract.document import extract
    from budget_warehouse.extract.numbers import NUMBER_TOKEN_RE

    started = time.process_time()
    for text in texts:
        for line in text.split("\n"):
            NUMBER_TOKEN_RE.findall(line)
    scan = (time.process_time() - started) / len(texts)
    calls = []
    for text in texts:
        doc = extract(text)
        for f in fields(doc):
            value = getattr(doc, f.name)
            for record in value if isinstance(value, list) else [value]:
                if is_dataclass(record):
                    calls.append((type(record), [getattr(record, g.name) for g in fields(record) if g.init]))
    started = time.process_time()
    for cls, args in calls:
        cls(*args)
    return scan, (time.process_time() - started) / len(texts)


def run(documents: int = 200, repeat: int = 3) -> float:
    """Print the figures; return documents/s per core over the generated documents (all layouts)."""
    texts = corpus(documents)
    all_per_doc = []
    for label, group in texts.items():
        per_doc, wall, spent = measure(group, repeat)
        all_per_doc.append(per_doc)
        print_split(f"extraction, {len(group)} generated documents, {label}", per_doc, wall, spent)
    per_doc, wall, spent = measure([SAMPLE.read_text(encoding="utf-8")] * 20, repeat)
    print_split("extraction, the sample", per_doc, wall, spent)
    scan, records = floors(texts["converter layouts"])
    print(f"floors (converter layouts): lines + one number-token pass {scan * 1000:.2f} ms/document; "
          f"constructing the records alone {records * 1000:.2f} ms/document")
    return 1 / statistics.mean(all_per_doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    rate = run(args.documents, args.repeat)
    print(f"extraction throughput: {rate:.0f} documents/s per core (goal >= 200)")


if __name__ == "__main__":
    main()
