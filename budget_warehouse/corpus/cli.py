"""``generate N OUT_DIR [--seed S] [--faults RATE] [--years K]``: write N synthetic documents and truth.jsonl.

With ``--years K`` the N documents are departments over K consecutive years each
(``generate_series``: each year's 比上年 statements agree with the year before),
else N unrelated documents (``generate_many``).

Each document is written as ``<index>_<sha256[:16]>.txt`` (UTF-8), like the
sample. ``truth.jsonl`` has one JSON object per document: file, document_id,
seed, layout (``Layout.to_dict()``), truth (``DocumentTruth`` as JSON, read
back with ``DocumentTruth.from_dict``), fault (null, or the change and the
expected findings when a fault was injected; the file then holds the faulty
text) and, with ``--facts``, facts (``expected_facts()`` as [key, value] pairs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

from budget_warehouse.corpus.faults import FAULT_KINDS, candidates, inject
from budget_warehouse.corpus.generate import generate_many, generate_series
from budget_warehouse.corpus.model import facts_to_jsonable, json_default
from budget_warehouse.corpus.render import Layout, render


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budget-warehouse", description="Synthetic budget documents with their truth.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write N documents and truth.jsonl to OUT_DIR")
    gen.add_argument("n", type=int, help="number of documents")
    gen.add_argument("out_dir", type=Path)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--faults", type=float, default=0.0, help="share of documents with one injected fault (0..1)")
    gen.add_argument("--facts", action="store_true", help="also write each document's expected facts to truth.jsonl")
    gen.add_argument("--years", type=int, default=None, metavar="K",
                     help="departments over K consecutive years each (year-on-year statements consistent)")
    return parser


def corpus_truths(n: int, seed: int = 0, years: int | None = None) -> list:
    """N truths: unrelated documents, or (``years``) ceil(N / years) departments × ``years`` years, cut to N."""
    if not years:
        return generate_many(n, seed)
    series = generate_series(-(-n // years), years, seed)
    return [t for truths in series for t in truths][:n]


def write_corpus(
    n: int, out_dir: Path, seed: int = 0, fault_rate: float = 0.0, with_facts: bool = False, years: int | None = None
) -> list[dict]:
    out_dir.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(n - 1)))
    records = []
    for i, truth in enumerate(corpus_truths(n, seed, years)):
        rng = random.Random(f"corpus:{seed}:{i}")
        layout = Layout.random(rng)
        fault = None
        facts = truth.expected_facts()
        if fault_rate and rng.random() < fault_rate:
            kinds = [k for k in FAULT_KINDS if candidates(truth, facts, k)]
            result = inject(truth, rng, rng.choice(kinds), layout)
            text = result.text
            fault = {**result.change, "findings": result.findings}
        else:
            text = render(truth, layout, facts)
        name = f"{i:0{width}d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt"
        (out_dir / name).write_text(text, encoding="utf-8")
        record = {
            "file": name,
            "document_id": truth.document_id,
            "seed": truth.seed,
            "layout": layout.to_dict(),
            "truth": truth,
            "fault": fault,
        }
        if with_facts:
            record["facts"] = facts_to_jsonable(facts)
        records.append(record)
    with open(out_dir / "truth.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, default=json_default, ensure_ascii=False, sort_keys=True) + "\n")
    return records


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["generate"]:
        argv.insert(0, "generate")
    args = build_parser().parse_args(argv)
    if args.n < 0 or not 0 <= args.faults <= 1 or (args.years is not None and args.years < 1):
        print("N must be >= 0, RATE between 0 and 1 and K >= 1", file=sys.stderr)
        return 2
    records = write_corpus(args.n, args.out_dir, args.seed, args.faults, args.facts, args.years)
    faulty = sum(r["fault"] is not None for r in records)
    print(f"wrote {len(records)} documents ({faulty} with a fault) and truth.jsonl to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
