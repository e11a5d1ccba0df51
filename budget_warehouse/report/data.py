"""What the report shows, read from a published warehouse (read-only), one query per figure family.

Every query covers all documents at once and its rows are grouped by
``document_id`` in Python, so rendering 1,000 documents costs a dozen
queries, not a dozen per document. Orders and picks are total (no ties, no
``any_value``): a page drawn alone equals the same page drawn with all others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable

from budget_warehouse.warehouse import has_table

# Columns the real-docs extraction adds for PDF inputs (NULL for text inputs).
BOX_COLUMNS = ("page", "x0", "top", "x1", "bottom")


@dataclass
class ReportData:
    documents: list[dict[str, Any]]
    rule_counts: dict[str, dict[tuple[str, str, str], int]] = field(default_factory=dict)  # (family, severity, status)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lines: dict[tuple[str, int], str] = field(default_factory=dict)
    boxes: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)  # cells' page boxes per line
    line_pages: dict[tuple[str, int], int] = field(default_factory=dict)
    summary: dict[str, dict[tuple[str, str, str], Decimal]] = field(default_factory=dict)  # (table_kind, side, item)
    kinds: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # table 3 by expenditure kind
    revenue: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)
    subjects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # 项 rows with their 类/款 names
    economic: dict[str, list[tuple[str, str, Decimal]]] = field(default_factory=dict)
    three_public: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    projects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    indicators: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    yoy_classes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _rows(con, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _grouped(rows: list[dict[str, Any]], key: str = "document_id") -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return dict(out)


# The tables the figures read, each shadowed by a temp view of the wanted documents' rows.
_PER_DOCUMENT = ("dq_rule_instance", "dim_source_line", "stg_cells", "fct_budget_summary", "fct_expenditure",
                 "fct_revenue", "fct_economic_budget", "fct_three_public", "fct_yoy_three_public", "dim_project",
                 "fct_performance_indicator", "fct_yoy_subject")


def _narrow(con) -> None:
    """Shadow each per-document table by a temp view of _wanted's rows: the queries below stay as they are."""
    (database,) = con.execute("select current_database()").fetchone()
    for table in _PER_DOCUMENT:
        if has_table(con, table):
            con.execute(f'create temp view {table} as select * from "{database}".main.{table} '
                        "where document_id in (select document_id from _wanted)")


def _columns(con, table: str) -> set[str]:
    return {r[0] for r in con.execute("select column_name from information_schema.columns where table_name = ?", [table]).fetchall()}


def read_documents(con) -> list[dict[str, Any]]:
    return _rows(con, "select * from dim_document order by region, department, year, phase, source_name")


def load(con, documents: list[dict[str, Any]], wanted: Iterable[str] | None = None) -> ReportData:
    """On an open read-only connection, for ``documents`` (``read_documents``): their rule counts (the
    index lists them all), and the figures of the ``wanted`` documents only (None: of every document):
    those the pages to be written show."""
    data = ReportData(documents=documents)
    counts: dict[str, dict] = defaultdict(dict)
    for doc_id, family, severity, status, n in con.execute(
        "select document_id, family, severity, status, count(*) from dq_rule_instance group by all"
    ).fetchall():
        counts[doc_id][(family, severity, status)] = n
    data.rule_counts = dict(counts)
    if wanted is not None:  # each figure's query reads these documents only (a semi-join)
        con.execute("create temp table _wanted as select unnest(?::varchar[]) as document_id", [sorted(wanted)])
        _narrow(con)
    failing = _rows(
        con,
        "select * from dq_rule_instance where status = 'fail' "
        "order by document_id, severity, family, rule_id, location, instance_key",
    )
    data.failures = _grouped(failing)
    con.execute(
        "create temp table _lines as select distinct document_id, unnest(source_lines) as source_line "
        "from dq_rule_instance where status = 'fail'"
    )
    line_columns = _columns(con, "dim_source_line")
    page = "l.page" if "page" in line_columns else "null"
    for doc_id, n, text, line_page in con.execute(
        f"select l.document_id, l.source_line, l.text, {page} from dim_source_line l join _lines using (document_id, source_line)"
    ).fetchall():
        data.lines[(doc_id, n)] = text
        if line_page is not None:
            data.line_pages[(doc_id, n)] = int(line_page)
    if set(BOX_COLUMNS) <= _columns(con, "stg_cells"):
        for row in _rows(
            con,
            "select c.document_id, c.source_line, c.printed, c.page, c.x0, c.top, c.x1, c.bottom "
            "from stg_cells c join _lines using (document_id, source_line) where c.page is not null",
        ):
            data.boxes.setdefault((row["document_id"], row["source_line"]), []).append(row)

    for doc_id, table_kind, side, item_key, label, amount in con.execute(
        "select document_id, table_kind, side, item_key, min(item_label), sum(amount) from fct_budget_summary "
        "where measure = 'amount' or measure is null group by all"
    ).fetchall():
        data.summary.setdefault(doc_id, {})[(table_kind, side, item_key)] = amount
    # Table 3 by kind: the printed total row where there is one, else the sum of the detail rows.
    for doc_id, measure, amount in con.execute(
        "select document_id, measure, coalesce(sum(amount) filter (where row_role = 'total'), "
        "sum(amount) filter (where row_role = 'detail')) from fct_expenditure "
        "where measure_group = 'kind' group by all"
    ).fetchall():
        data.kinds.setdefault(doc_id, {})[measure] = amount
    for doc_id, name, amount in con.execute(
        "select r.document_id, coalesce(f.name, r.funding_source), sum(r.amount) from fct_revenue r "
        "left join dim_funding_source f using (funding_source) "
        "where r.row_role = 'detail' and not coalesce(f.is_total, false) group by all order by 1, 3 desc, 2"
    ).fetchall():
        data.revenue.setdefault(doc_id, []).append((name, amount))
    data.subjects = _grouped(
        _rows(
            con,
            "select e.document_id, e.subject_code, min(coalesce(s.name, e.subject_name)) as name, "
            "min(s.class_code) as class_code, min(s.class_name) as class_name, "
            "min(s.section_code) as section_code, min(s.section_name) as section_name, "
            "sum(e.amount) as amount from fct_expenditure e join dim_document d using (document_id) "
            "left join dim_subject s on s.subject_code = e.subject_code and s.year = d.year "
            "where e.measure_group = 'kind' and e.measure = 'total' and e.row_role = 'detail' "
            "and e.subject_code is not null group by e.document_id, e.subject_code order by e.subject_code",
        )
    )
    # Economic classes by 类: table 7 (all general-budget expenditure), else table 8 (basic only).
    for doc_id, table_kind, code, name, amount in con.execute(
        "with classes as (select document_id, table_kind, econ_code, min(econ_name) as econ_name, sum(amount) as amount "
        "from fct_economic_budget where length(econ_code) = 3 and measure = 'total' group by all) "
        "select * from classes c where table_kind = 'economic_class' or not exists "
        "(select 1 from classes o where o.document_id = c.document_id and o.table_kind = 'economic_class') "
        "order by document_id, econ_code"
    ).fetchall():
        data.economic.setdefault(doc_id, []).append((table_kind, f"{code} {name or ''}".strip(), amount))
    data.three_public = _grouped(
        _rows(
            con,
            "select t.document_id, t.item_key, t.item_label, t.amount, y.previous_year, y.previous_amount "
            "from fct_three_public t left join fct_yoy_three_public y using (document_id, item_key) "
            "where t.measure = 'amount' order by t.document_id, t.table_id, t.row_index, t.item_key",
        )
    )
    data.projects = _grouped(_rows(con, "select * from dim_project order by document_id, project_seq"))
    for row in _rows(
        con,
        "select document_id, perf_id, row_index, value_column, level1, level2, level3, content, printed "
        "from fct_performance_indicator order by document_id, perf_id, row_index, value_index",
    ):
        data.indicators.setdefault((row["document_id"], row["perf_id"]), []).append(row)
    if has_table(con, "fct_yoy_subject"):
        data.yoy_classes = _grouped(
            _rows(
                con,
                "select document_id, subject_code, subject_name, amount, previous_year, previous_amount, change, change_pct "
                "from fct_yoy_subject where level = '类' and previous_document_id is not null order by document_id, subject_code",
            )
        )
    return data
