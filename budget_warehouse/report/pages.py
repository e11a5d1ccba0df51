"""The report's HTML: the index of documents and one page per document (no template engine, no script but
the index's small filter/sort script; charts from ``svg``)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any, Callable

from budget_warehouse.extract.numbers import SCALE_TO_WAN
from budget_warehouse.report import svg
from budget_warehouse.report.data import ReportData, document_label
from budget_warehouse.report.svg import amount_text

FAMILIES = ("within_table", "cross_table", "prose", "presence", "sanity", "year_over_year")
SEVERITY_COLOURS = (("ERROR", "#c2473f"), ("WARN", "#e0a030"))
BASIC_EXCLUDED = ("total", "project")  # table 3's kind columns that are not parts of 基本支出
ITEM_NUMBERING = re.compile(r"^(?:其中[:：])?\s*(?:[0-9一二三四五六七八九十]+[、.．]|[（(][0-9]+[）)])\s*")  # "其中：（1）"
NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def page(title: str, body: str, *, css: str, script: str = "") -> str:
    js = f'<script src="{script}"></script>' if script else ""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{e(title)}</title><link rel="stylesheet" href="{css}"></head>'
        f"<body>{body}{js}</body></html>"
    )


def status_of(counts: dict[tuple[str, str, str], int]) -> str:
    """A document's worst result: ERROR (an ERROR rule fails), WARN, else pass."""
    failing = {severity for (_, severity, status), n in counts.items() if status == "fail" and n}
    return "ERROR" if "ERROR" in failing else "WARN" if "WARN" in failing else "pass"


def _count(counts: dict, *, status: str, severity: str | None = None) -> int:
    return sum(n for (_, sev, st), n in counts.items() if st == status and (severity is None or sev == severity))


def headline(data: ReportData, doc_id: str) -> list[tuple[str, Decimal | None]]:
    """收入总计, 支出总计 (table 1), 财政拨款 (table 4's revenue total), 基本/项目支出 (table 3, else table 1), 三公."""
    summary = data.summary.get(doc_id, {})
    kinds = data.kinds.get(doc_id, {})
    basic_parts = [v for k, v in kinds.items() if k not in BASIC_EXCLUDED and v is not None]
    three = {r["item_key"]: r["amount"] for r in data.three_public.get(doc_id, [])}
    return [
        ("收入总计", summary.get(("summary", "revenue", "total"))),
        ("支出总计", summary.get(("summary", "expenditure", "total"))),
        ("财政拨款", summary.get(("fiscal_summary", "revenue", "total"))),
        ("基本支出", sum(basic_parts, Decimal(0)) if basic_parts else summary.get(("summary", "expenditure", "basic"))),
        ("项目支出", kinds.get("project", summary.get(("summary", "expenditure", "project")))),
        ("三公经费", three.get("total")),
    ]


# -- index -------------------------------------------------------------------------------------------


def index_page(data: ReportData, page_name: Callable[[dict], str], *, dbt_docs: str | None) -> str:
    docs = data.documents
    by_family: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for counts in data.rule_counts.values():
        for (family, severity, status), n in counts.items():
            if status == "fail":
                by_family[family or "?"][severity] += n
    families = [f for f in FAMILIES if f in by_family] + sorted(set(by_family) - set(FAMILIES))
    chart = svg.stacked_bar_chart(
        families,
        [(sev, colour, [by_family[f].get(sev, 0) for f in families]) for sev, colour in SEVERITY_COLOURS],
        "failing rule instances by rule family",
    ) or '<p class="muted">No rule instance fails.</p>'

    def options(key: str) -> str:
        values = sorted({str(d.get(key)) for d in docs if d.get(key) is not None})
        return "".join(f'<option value="{e(v)}">{e(v)}</option>' for v in values)

    rows = []
    for d in docs:
        counts = data.rule_counts.get(d["document_id"], {})
        status = status_of(counts)
        coverage = d.get("coverage")
        cells = [
            f'<td><a href="{e(page_name(d))}">{e(d.get("title") or d["document_id"])}</a></td>',
            f"<td>{e(d.get('region'))}</td><td>{e(d.get('department'))}</td>",
            f'<td class="num">{e(d.get("year"))}</td><td>{e(d.get("phase"))}</td><td>{e(d.get("source_name"))}</td>',
            f'<td class="num">{e(d.get("table_count"))}</td>',
            f'<td class="num" data-sort="{coverage or 0}">{"" if coverage is None else f"{coverage:.1%}"}'
            f'{"" if not d.get("unexplained_token_count") else " (" + str(d["unexplained_token_count"]) + " unexplained)"}</td>',
            f'<td class="num">{_count(counts, status="pass")}</td>',
            f'<td class="num">{_count(counts, status="pass_within_tolerance")}</td>',
            f'<td class="num">{_count(counts, status="fail", severity="ERROR")}</td>',
            f'<td class="num">{_count(counts, status="fail", severity="WARN")}</td>',
            f'<td class="status-{status}">{status}</td>',
        ]
        attrs = " ".join(f'data-{k}="{e(d.get(k))}"' for k in ("region", "year", "department"))
        rows.append(f'<tr {attrs} data-status="{status}">{"".join(cells)}</tr>')
    filters = "".join(
        f'<label>{label} <select data-filter="{key}"><option value="">all</option>{options(key)}</select></label>'
        for key, label in (("region", "region"), ("year", "year"), ("department", "department"))
    )
    filters += (
        '<label>status <select data-filter="status"><option value="">all</option><option>ERROR</option>'
        '<option>WARN</option><option>pass</option></select></label>'
        '<label>search <input id="search" type="search"></label>'
        f'<span class="muted"><span id="shown">{len(docs)}</span> of {len(docs)} shown</span>'
    )
    head = "".join(
        f'<th class="{cls}">{label}</th>'
        for label, cls in (
            ("document", ""), ("region", ""), ("department", ""), ("year", "num"), ("phase", ""), ("source file", ""),
            ("tables", "num"), ("coverage", "num"), ("pass", "num"), ("within tolerance", "num"),
            ("fail ERROR", "num"), ("fail WARN", "num"), ("status", ""),
        )
    )
    docs_link = (
        f'<a href="{e(dbt_docs)}">dbt docs of the warehouse</a>' if dbt_docs else "dbt docs: run <code>make docs</code>"
    )
    total = sum(_count(c, status="fail") for c in data.rule_counts.values())
    body = (
        f"<h1>Budget disclosures: {len(docs)} document(s)</h1>"
        f'<p class="muted">{total} failing rule instance(s) · {docs_link}</p>'
        f'<h2>Failing instances by rule family</h2><div class="chart-box">{chart}</div>'
        f'<h2>Documents</h2><div class="filters">{filters}</div>'
        f'<table id="documents"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return page("budget-warehouse report", body, css="report.css", script="report.js")


# -- document page -----------------------------------------------------------------------------------


def _chart_box(title: str, chart: str, extra: str = "") -> str:
    if not chart:
        return ""
    return f'<div class="chart-box"><h3>{e(title)}</h3>{chart}{extra}</div>'


def _expenditure_by_subject(rows: list[dict[str, Any]]) -> tuple[str, str]:
    """The chart by 类 and, per 类, a drill-down to its 款 and 项."""
    classes: dict[str, dict] = {}
    for r in rows:
        code = r["subject_code"]
        cls = classes.setdefault(code[:3], {"name": r.get("class_name") or "", "amount": Decimal(0), "sections": {}})
        cls["amount"] += r["amount"]
        sec = cls["sections"].setdefault(code[:5], {"name": r.get("section_name") or "", "amount": Decimal(0), "items": []})
        sec["amount"] += r["amount"]
        if len(code) > 5:
            sec["items"].append((f"{code} {r.get('name') or ''}", r["amount"]))
    chart = svg.hbar_chart([(f"{c} {v['name']}", v["amount"]) for c, v in classes.items()], "expenditure by functional 类")
    drill = []
    for code, cls in classes.items():
        sections = svg.hbar_chart(
            [(f"{s} {v['name']}", v["amount"]) for s, v in cls["sections"].items()], f"{code} by 款", colour=svg.PALETTE[1]
        )
        items = "".join(
            f"<h4>{e(s)} {e(v['name'])}</h4>" + svg.hbar_chart(v["items"], f"{s} by 项", colour=svg.PALETTE[2])
            for s, v in cls["sections"].items() if v["items"]
        )
        drill.append(f"<details><summary>{e(code)} {e(cls['name'])}: {amount_text(cls['amount'])}</summary>{sections}{items}</details>")
    return chart, "".join(drill)


def _marked(text: str, hits: set[Decimal]) -> str:
    """The line's text with every number marked; numbers equal to a side of the break (in 万元 or in 元) stand out."""
    out, pos = [], 0
    for m in NUMBER.finditer(text):
        out.append(e(text[pos:m.start()]))
        try:
            value = Decimal(m.group().replace(",", ""))
        except InvalidOperation:
            value = None
        # a side's amount is in 万元; the line may print it in 元 (or 亿元)
        hit = value is not None and any(value * scale in hits for scale in SCALE_TO_WAN.values())
        cls = ' class="hit"' if hit else ""
        out.append(f"<mark{cls}>{e(m.group())}</mark>")
        pos = m.end()
    out.append(e(text[pos:]))
    return "".join(out)


def finding_html(f: dict[str, Any], data: ReportData, crops: Callable[[dict[str, Any]], list[str]]) -> str:
    hits = {Decimal(v) for v in (f.get("left_value"), f.get("right_value")) if v is not None}
    lines = [n for n in (f.get("source_lines") or []) if n is not None]
    source = "".join(
        f'<div class="source"><span class="ln">line {n}'
        f'{"" if (f["document_id"], n) not in data.line_pages else ", page " + str(data.line_pages[(f["document_id"], n)])}'
        f'</span>{_marked(data.lines.get((f["document_id"], n), ""), hits)}</div>'
        for n in lines
    )
    images = "".join(crops(f))
    note = f'<p class="muted">{e(f["note"])}</p>' if f.get("note") else ""
    return (
        f'<div class="finding {e(f["severity"])}"><div><span class="status-{e(f["severity"])}">{e(f["severity"])}</span> '
        f'<code>{e(f["rule_id"])}</code> ({e(f.get("family"))}) · {e(f.get("description"))}</div>'
        f'<div class="muted">{e(f.get("table_kind"))} {e(f.get("table_id") or "")} · {e(f.get("location"))}'
        f'{" · unit " + e(f["unit_code"]) if f.get("unit_code") else ""}{" · code " + e(f["code"]) if f.get("code") else ""}</div>'
        '<table class="sides"><tr><th>left</th><th>right</th><th class="num">difference</th><th class="num">tolerance</th></tr>'
        f'<tr><td>{e(f.get("left_label"))} = <b>{amount_text(f.get("left_value"))}</b></td>'
        f'<td>{e(f.get("right_label"))} = <b>{amount_text(f.get("right_value"))}</b></td>'
        f'<td class="num">{amount_text(f.get("difference"))}</td><td class="num">±{amount_text(f.get("tolerance"))}</td></tr></table>'
        f"{note}{source}{images}</div>"
    )


def _projects(data: ReportData, doc_id: str) -> str:
    projects = data.projects.get(doc_id, [])
    if not projects:
        return '<p class="muted">No project list.</p>'
    out = ['<table><tr><th class="num">#</th><th>project</th><th class="num">amount (万元)</th><th>绩效目标表</th><th>key indicators</th></tr>']
    for p in projects:
        rows = data.indicators.get((doc_id, p.get("perf_id")), [])
        by_row: dict[int, dict[str, Any]] = {}
        columns: list[str] = []
        for r in rows:
            entry = by_row.setdefault(r["row_index"], {"name": " / ".join(x for x in (r["level1"], r["level2"], r["content"]) if x), "values": {}})
            entry["values"][r["value_column"]] = r["printed"]
            if r["value_column"] not in columns:
                columns.append(r["value_column"])
        indicators = ""
        if by_row:
            head = "".join(f"<th>{e(c)}</th>" for c in columns)
            body = "".join(
                f"<tr><td>{e(v['name'])}</td>" + "".join(f"<td>{e(v['values'].get(c))}</td>" for c in columns) + "</tr>"
                for v in by_row.values()
            )
            indicators = f"<details><summary>{len(by_row)} indicator(s)</summary><table><tr><th>indicator</th>{head}</tr>{body}</table></details>"
        perf = " · ".join(e(x) for x in (p.get("perf_title"), p.get("owner"), p.get("period")) if x)
        out.append(
            f'<tr><td class="num">{e(p.get("project_seq"))}</td><td>{e(p.get("project_name"))}</td>'
            f'<td class="num">{amount_text(p.get("amount"))}</td><td>{perf}</td><td>{indicators}</td></tr>'
        )
    out.append("</table>")
    return "".join(out)


def _across_years(data: ReportData, doc: dict, series: list[dict], page_name: Callable[[dict], str]) -> str:
    if len(series) < 2:
        return '<p class="muted">The warehouse holds no other year of this department.</p>'
    links = " · ".join(
        f"<b>{e(d['year'])}</b>" if d["document_id"] == doc["document_id"] else f'<a href="{e(page_name(d))}">{e(d["year"])}</a>'
        for d in series
    )
    figures = [headline(data, d["document_id"]) for d in series]
    names = [name for name, _ in figures[0]]
    chart = svg.line_chart(
        [d["year"] for d in series],
        [(name, [dict(f)[name] for f in figures]) for name in names if any(dict(f)[name] is not None for f in figures)],
        "main figures over the years",
    )
    yoy = data.yoy_classes.get(doc["document_id"], [])
    table = ""
    if yoy:
        table = (
            f"<h3>Expenditure by 类 against {e(yoy[0]['previous_year'])}</h3><table><tr><th>类</th><th class=\"num\">this year</th>"
            '<th class="num">previous year</th><th class="num">change</th><th class="num">change %</th></tr>'
            + "".join(
                f"<tr><td>{e(r['subject_code'])} {e(r['subject_name'])}</td><td class=\"num\">{amount_text(r['amount'])}</td>"
                f"<td class=\"num\">{amount_text(r['previous_amount'])}</td><td class=\"num\">{amount_text(r['change'])}</td>"
                f"<td class=\"num\">{'' if r['change_pct'] is None else format(r['change_pct'], '.1f') + '%'}</td></tr>"
                for r in yoy
            )
            + "</table>"
        )
    return f"<p>Years: {links}</p>{chart}{table}"


def document_page(
    data: ReportData,
    doc: dict[str, Any],
    series: list[dict[str, Any]],
    page_name: Callable[[dict], str],
    crops: Callable[[dict[str, Any]], list[str]],
) -> str:
    doc_id = doc["document_id"]
    cards = "".join(
        f'<div class="card"><div class="label">{e(name)} (万元)</div><div class="value">{amount_text(value)}</div></div>'
        for name, value in headline(data, doc_id)
    )
    kinds = data.kinds.get(doc_id, {})
    basic = [v for k, v in kinds.items() if k not in BASIC_EXCLUDED and v is not None]
    by_subject, drill = _expenditure_by_subject(data.subjects.get(doc_id, []))
    economic = data.economic.get(doc_id, [])
    three = data.three_public.get(doc_id, [])
    previous = next((r["previous_year"] for r in three if r.get("previous_year")), None)
    if previous is not None:
        three_chart = svg.grouped_bar_chart(
            [ITEM_NUMBERING.sub("", r["item_label"] or "") for r in three],
            [(str(doc.get("year")), [r["amount"] for r in three]), (str(previous), [r["previous_amount"] for r in three])],
            "三公 against the previous year",
        )
    else:
        three_chart = svg.hbar_chart([(r["item_label"], r["amount"]) for r in three], "三公")
    charts = "".join(
        (
            _chart_box("Revenue by funding source", svg.hbar_chart(data.revenue.get(doc_id, []), "revenue by funding source")),
            _chart_box("Expenditure by functional 类 (open a 类 for its 款 and 项)", by_subject, drill),
            _chart_box(
                "Basic vs project expenditure",
                svg.hbar_chart([("基本支出", sum(basic, Decimal(0)) if basic else None), ("项目支出", kinds.get("project"))], "basic vs project"),
            ),
            _chart_box(
                "Expenditure by economic class"
                + ("" if not economic or economic[0][0] == "economic_class" else " (basic expenditure only)"),
                svg.hbar_chart([(label, amount) for _, label, amount in economic], "economic classes", colour=svg.PALETTE[4]),
            ),
            _chart_box(
                "三公 经费" + (f" against {previous}" if previous is not None else " (previous year not in the warehouse)"),
                three_chart,
            ),
        )
    )
    counts = data.rule_counts.get(doc_id, {})
    families = sorted({f for f, _, _ in counts}, key=lambda f: (FAMILIES.index(f) if f in FAMILIES else 99, f or ""))
    results = "".join(
        f"<tr><td>{e(f)}</td>"
        + "".join(
            f'<td class="num">{sum(n for (ff, sev, st), n in counts.items() if ff == f and st == status and (severity is None or sev == severity))}</td>'
            for status, severity in (("pass", None), ("pass_within_tolerance", None), ("fail", "ERROR"), ("fail", "WARN"))
        )
        + "</tr>"
        for f in families
    )
    failures = data.failures.get(doc_id, [])
    body = (
        f'<p><a href="../index.html">← all documents</a></p><h1>{e(doc.get("title") or doc_id)}</h1>'
        f'<p class="muted">{e(document_label(doc))} · {e(doc_id)} · {e(doc.get("table_count"))} tables · coverage '
        f'{"" if doc.get("coverage") is None else format(doc["coverage"], ".1%")} ({e(doc.get("loaded_token_count"))} numbers loaded, '
        f'{e(doc.get("explained_token_count"))} not loaded with a reason, {e(doc.get("unexplained_token_count"))} unexplained)</p>'
        f'<h2>Headline figures</h2><div class="cards">{cards}</div>'
        f'<h2>Charts</h2><div class="charts">{charts}</div>'
        f'<h2>Rule results</h2><table><tr><th>family</th><th class="num">pass</th><th class="num">within tolerance</th>'
        f'<th class="num">fail ERROR</th><th class="num">fail WARN</th></tr>{results}</table>'
        f"<h2>Failing instances ({len(failures)})</h2>"
        + ("".join(finding_html(f, data, crops) for f in failures) or '<p class="status-pass">None.</p>')
        + f"<h2>Projects and their 绩效目标表</h2>{_projects(data, doc_id)}"
        + f"<h2>Across years</h2>{_across_years(data, doc, series, page_name)}"
    )
    return page(doc.get("title") or doc_id, body, css="../report.css")
