"""Issue 8's measure: clean and faulted documents in converter layouts, through the whole warehouse.

Generates ``--clean`` documents and ``--faulted`` documents with one injected
fault each (budget_warehouse.corpus.faults), from seeds no test uses, each in a
random ``Layout.converter`` layout; extracts them (every printed truth cell must
be loaded once), ingests them all (one dbt build; the GX suites are skipped:
the rule instances are dbt's) and reports:

- clean: documents quarantined, documents whose records differ from the truth,
  failing rule instances (all would be false alarms);
- faulted: faults found (a failing instance of that document whose source lines
  include a line the fault changed), faults that only move an instance to
  ``pass_within_tolerance``, faults missed.

Usage: python benchmarks/converter_corpus.py [--clean 100] [--faulted 200] [--seed 314159] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main() -> None:
    import duckdb

    from budget_warehouse.corpus.faults import FAULT_KINDS, inject
    from budget_warehouse.corpus.generate import generate_many
    from budget_warehouse.corpus.render import Layout, printed_facts, render
    from budget_warehouse.extract.document import extract
    from budget_warehouse.pipeline import run_ingest
    from truth import diff, extracted_facts

    parser = argparse.ArgumentParser()
    parser.add_argument("--clean", type=int, default=100)
    parser.add_argument("--faulted", type=int, default=200)
    parser.add_argument("--seed", type=int, default=314159)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="converter-corpus-"))
    raw = work / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    raw.mkdir(parents=True)
    truths, seen = [], set()
    for t in generate_many(3 * (args.clean + args.faulted), seed=args.seed):
        # one document per region × department: two unrelated documents of the same
        # department in adjacent years would make its year-on-year claims disagree
        if (t.region, t.department) not in seen:
            seen.add((t.region, t.department))
            truths.append(t)
    truths = truths[: args.clean + args.faulted]

    clean_names, faults = {}, {}  # file name -> truth; file name -> (changed lines, fault kind)
    mismatched = 0
    for i, t in enumerate(truths[: args.clean]):
        layout = Layout.converter(random.Random(args.seed + 1 + i))
        text = render(t, layout)
        doc = extract(text, source_name=f"clean{i:03d}.txt")
        mismatched += bool(diff(printed_facts(layout, t.expected_facts()), extracted_facts(doc)))
        (raw / f"clean{i:03d}.txt").write_text(text, encoding="utf-8")
        clean_names[f"clean{i:03d}.txt"] = t
    for j, t in enumerate(truths[args.clean :]):
        rng = random.Random(args.seed * 7 + j)
        kind = FAULT_KINDS[j % len(FAULT_KINDS)]
        layout = Layout.converter(rng)
        try:
            result = inject(t, rng, kind, layout)
        except ValueError:
            continue  # no candidate number of that kind in this document
        clean = render(t, layout).split("\n")
        changed = {n for n, (a, b) in enumerate(zip(clean, result.text.split("\n")), start=1) if a != b}
        name = f"fault{j:03d}.txt"
        (raw / name).write_text(result.text, encoding="utf-8")
        faults[name] = (changed, kind, abs(Decimal(result.change["after"]) - Decimal(result.change["before"])))

    warehouse = work / "warehouse" / "budget.duckdb"
    report = run_ingest([raw], warehouse)
    quarantined = {q.path.name for q in report.quarantined}
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "select d.source_name, r.status, r.source_lines from dq_rule_instance r join dim_document d using (document_id)"
    ).fetchall()
    by_file: dict[str, list] = {}
    for source, status, lines in rows:
        by_file.setdefault(source, []).append((status, set(lines or [])))
    families = con.execute(
        "select r.rule_id, count(*) from dq_rule_instance r join dim_document d using (document_id) "
        "where r.status = 'fail' and d.source_name like 'clean%' group by all order by 2 desc"
    ).fetchall()

    clean_fail = sum(1 for n in clean_names for s, _ in by_file.get(n, []) if s == "fail")
    outcome, missed = Counter(), []
    within_changes = []
    for name, (changed, kind, change) in faults.items():
        if name in quarantined:
            outcome["quarantined"] += 1
            continue
        instances = by_file.get(name, [])
        if any(s == "fail" and lines & changed for s, lines in instances):
            outcome["found"] += 1
        elif any(s == "pass_within_tolerance" and lines & changed for s, lines in instances):
            outcome["within tolerance"] += 1
            within_changes.append(change)
        else:
            outcome["missed"] += 1
            missed.append((name, kind, sorted(changed)))
    print(f"corpus in {work} (seed {args.seed})")
    print(f"clean: {len(clean_names)} documents, quarantined {len(quarantined & set(clean_names))}, "
          f"records differing from the truth {mismatched}, failing rule instances {clean_fail}")
    for rule, n in families:
        print(f"  false alarm {rule}: {n}")
    print(f"faulted: {len(faults)} documents: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    if within_changes:
        sizes = ", ".join(f"{n} × {size}" for size, n in sorted(Counter(within_changes).items()))
        print(f"  changes of the faults passing within tolerance (万元): {sizes}")
    for name, kind, lines in missed:
        print(f"  missed {name} ({kind}) lines {lines}")


if __name__ == "__main__":
    main()
