"""The run summary `make run` prints: what loaded, what was quarantined, what does not add up."""

from __future__ import annotations

from decimal import Decimal

from budget_warehouse.document_name import document_name_of
from budget_warehouse.pipeline import IngestReport
from budget_warehouse.warehouse import connect, has_table

FACT_TABLES = (
    "fct_budget_summary", "fct_revenue", "fct_expenditure", "fct_subject_budget", "fct_economic_budget",
    "fct_three_public", "fct_project", "fct_performance_indicator", "fct_prose_claim", "fct_final_account",
)


def _amount(value) -> str:
    if value is None:
        return "—"
    return format(Decimal(value).quantize(Decimal("0.01")), ",f")


def _listed(report: IngestReport, max_documents: int) -> list:
    """The documents the summary names one by one: all of a small run, else the new and changed ones."""
    if len(report.loaded) <= max_documents:
        return list(report.loaded)
    return [d for d in report.loaded if d.status != "unchanged"]


def render_summary(report: IngestReport, *, max_failures: int = 40, max_documents: int = 40) -> str:
    """What loaded and what does not add up. Past ``max_documents`` documents, those the run did not
    change are counted, not named (a scheduled run over 10,000 documents prints what it added)."""
    out: list[str] = []
    t = report.timings
    steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in t.items() if name != "total")
    out.append(
        f"Ingested {len(report.loaded)} document(s), quarantined {len(report.quarantined)}, "
        f"into {report.warehouse} in {t.get('total', 0):.1f} s ({steps})"
    )
    if report.plan is not None:
        out.append(f"Build: {'full' if report.plan.full else 'by document'} ({report.plan.reason})")
    if report.build is not None and (report.build.failed_tests or report.build.warned_tests):
        failed = [f"{f.name} ({f.message})" for f in report.build.failed_tests + report.build.warned_tests]
        out.append(f"WARNING: {len(failed)} dbt schema test(s) failed: " + "; ".join(failed[:10]))
    listed = _listed(report, max_documents)
    out.append("")
    out.append("Documents")
    for d in listed:
        cov = d.coverage
        out.append(
            f"  {d.document_id}  {d.name or d.title or d.path.name}  [{d.status}]  {d.tables} tables, {d.cells} cells; "
            f"numbers: {cov['tokens']} in the text, {cov['loaded']} loaded, {cov['explained']} not loaded with a reason, "
            f"{cov['unexplained']} unexplained"
        )
        for w in d.warnings:
            out.append(f"    warning: {w}")
    if len(listed) < len(report.loaded):
        out.append(f"  … and {len(report.loaded) - len(listed)} unchanged document(s)")
    if report.quarantined:
        out.append("")
        out.append("Quarantined (not loaded; copied to the quarantine folder and listed in table dq_quarantine)")
        for q in report.quarantined:
            out.append(f"  {q.path}: [{q.reason}] {q.message}")
    if report.build_skipped:
        out += ["", report.build_skipped]
    if not report.warehouse.exists():
        return "\n".join(out)
    with connect(report.warehouse) as con:
        out.append("")
        out.append("Warehouse rows: " + ", ".join(
            f"{name} {con.execute(f'select count(*) from {name}').fetchone()[0]}" for name in FACT_TABLES if has_table(con, name)
        ))
        if has_table(con, "dq_rule_instance"):
            out += _quality(con, max_failures, None if len(listed) == len(report.loaded) else [d.document_id for d in listed])
    return "\n".join(out)


def _document_names(con, ids: set[str]) -> dict[str, str]:
    """The names of the documents ``ids`` (those the summary prints: not every document of the warehouse)."""
    if not ids or not has_table(con, "dim_document"):
        return {}
    cursor = con.execute("select * from dim_document where document_id in (select unnest(?::varchar[]))", [sorted(ids)])
    columns = [c[0] for c in cursor.description]
    return {row[0]: document_name_of(dict(zip(columns, row))) for row in cursor.fetchall()}


def _quality(con, max_failures: int, documents: list[str] | None) -> list[str]:
    """Rule instances per document (of ``documents`` only, when given), per family, and the failures."""
    out = ["", "Accounting identities (rule instances per document" + ("" if documents is None else " new or changed") + ")"]
    counts = con.execute(
        f"""
        select r.document_id, coalesce(d.title, r.document_id),
               count(*), count(*) filter (where status = 'pass'),
               count(*) filter (where status = 'pass_within_tolerance'),
               count(*) filter (where status = 'fail' and severity = 'ERROR'),
               count(*) filter (where status = 'fail' and severity = 'WARN')
        from dq_rule_instance r left join dim_document d using (document_id)
        {'' if documents is None else 'where r.document_id in (select unnest(?::varchar[]))'}
        group by all order by 2
        """, [] if documents is None else [documents]
    ).fetchall()
    families = con.execute(
        """
        select family, count(*), count(*) filter (where status = 'pass'),
               count(*) filter (where status = 'pass_within_tolerance'), count(*) filter (where status = 'fail')
        from dq_rule_instance group by family order by family
        """
    ).fetchall()
    # the first max_failures rows of each list, and how many there are (count(*) over the whole list)
    within = con.execute(
        """
        select rule_id, r.document_id, location, left_value, right_value, difference, tolerance, count(*) over ()
        from dq_rule_instance r left join dim_document d using (document_id)
        where status = 'pass_within_tolerance' order by d.title, rule_id, location limit ?
        """, [max_failures]
    ).fetchall()
    failures = con.execute(
        """
        select severity, rule_id, r.document_id, table_kind, location, source_lines,
               left_label, left_value, right_label, right_value, difference, count(*) over ()
        from dq_rule_instance r left join dim_document d using (document_id)
        where status = 'fail'
        order by severity, d.title, rule_id, location limit ?
        """, [max_failures]
    ).fetchall()
    names = _document_names(con, {row[0] for row in counts} | {row[1] for row in within} | {row[2] for row in failures})
    if documents is not None and not counts:
        out.append("  (none)")
    for doc_id, title, total, passed, tolerated, errors, warns in counts:
        out.append(
            f"  {names.get(doc_id, title)} ({doc_id}): {total} evaluated, {passed} passed, {tolerated} passed within rounding tolerance, "
            f"{errors + warns} failed ({errors} ERROR, {warns} WARN)"
        )
    out += ["", "Rule instances by family (all documents)"]
    for family, total, passed, tolerated, failed in families:
        out.append(f"  {family}: {total} evaluated, {passed} passed, {tolerated} passed within rounding tolerance, {failed} failed")
    if within:
        out.append("")
        out.append("Passed only within rounding tolerance (document, rule, where, difference, tolerance)")
    for rule, doc_id, location, lval, rval, diff, tol, _ in within:
        out.append(f"  {rule}  {names.get(doc_id, doc_id)}  {location}: {_amount(lval)} vs {_amount(rval)}, difference {_amount(diff)} "
                   f"within ±{_amount(tol)}")
    if within and within[0][-1] > len(within):
        out.append(f"  … and {within[0][-1] - len(within)} more")
    if failures:
        out.append("")
        out.append("Failures (document, rule, where, both sides, difference)")
    for sev, rule, doc_id, table_kind, location, lines, llab, lval, rlab, rval, diff, _ in failures:
        where = " / ".join(str(x) for x in (table_kind, location) if x)
        at = f" lines {','.join(map(str, lines))}" if lines else ""
        out.append(f"  {sev:5} {rule}  {names.get(doc_id, doc_id)}  {where}{at}")
        out.append(f"        {llab} = {_amount(lval)}  vs  {rlab} = {_amount(rval)}  difference {_amount(diff)}")
    if failures and failures[0][-1] > len(failures):
        out.append(f"  … and {failures[0][-1] - len(failures)} more: budget-warehouse query \"select * from dq_rule_instance where status = 'fail'\"")
    return out
