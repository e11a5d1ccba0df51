"""Charts as inline SVG strings, drawn in Python (no JavaScript, nothing fetched).

Values are exact Decimals; floats are used only for geometry, every label shows
the exact amount. Each chart is a ``<svg class="chart">`` with ``role="img"``
and a ``<title>``, so a reader (and the browser test) can tell it was drawn.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from budget_warehouse.warehouse import decimal_text

PALETTE = ("#3b6ea8", "#e08a2e", "#4f9a5b", "#c2473f", "#8a63b3", "#8c6d4f", "#d17fb6", "#7a7a7a")
FONT = 12
ROW = 22


def amount_text(value: Decimal | None) -> str:
    """An exact amount with thousands separators and at least two decimals: 1234.5 → "1,234.50"."""
    if value is None:
        return "—"
    return format(Decimal(decimal_text(Decimal(value))), ",f")


def _width(text: str) -> float:
    """Approximate rendered width of a label (CJK glyphs are about one em wide)."""
    return sum(FONT if ord(ch) > 0x2E7F else FONT * 0.6 for ch in text)


def _open(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-size="{FONT}">',
        f"<title>{escape(title)}</title>",
    ]


def hbar_chart(items: list[tuple[str, Decimal]], title: str, *, width: int = 560, colour: str = PALETTE[0]) -> str:
    """One horizontal bar per (label, amount), labels left, exact amounts right of the bars."""
    items = [(label, Decimal(v)) for label, v in items if v is not None]
    if not items:
        return ""
    label_w = min(max(_width(label) for label, _ in items) + 8, width * 0.45)
    value_w = max(_width(amount_text(v)) for _, v in items) + 8
    bar_w = width - label_w - value_w
    top = max((abs(v) for _, v in items), default=Decimal(0)) or Decimal(1)
    height = ROW * len(items) + 8
    out = _open(width, height, title)
    for i, (label, value) in enumerate(items):
        y = 4 + i * ROW
        w = float(abs(value) / top) * bar_w
        shown = label if _width(label) <= label_w - 8 else label[: int((label_w - 8) / FONT) - 1] + "…"
        out.append(f'<text x="{label_w - 6:.0f}" y="{y + 15}" text-anchor="end"><title>{escape(label)}</title>{escape(shown)}</text>')
        out.append(f'<rect x="{label_w:.0f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{ROW - 6}" fill="{colour}"/>')
        out.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 15}">{amount_text(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def grouped_bar_chart(
    categories: list[str], series: list[tuple[str, list[Decimal | None]]], title: str, *, width: int = 560
) -> str:
    """Vertical bars: one group per category, one bar per series (e.g. this year vs last year), with a legend."""
    if not categories or not series:
        return ""
    values = [v for _, vs in series for v in vs if v is not None]
    top = max((abs(Decimal(v)) for v in values), default=Decimal(0)) or Decimal(1)
    plot_h, legend_h, axis_h = 180, 22, 34
    height = legend_h + plot_h + axis_h
    group_w = (width - 20) / len(categories)
    bar_w = min(40.0, (group_w - 12) / len(series))
    out = _open(width, height, title)
    for s, (name, _) in enumerate(series):
        x = 10 + s * 140
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 16}" y="15">{escape(name)}</text>')
    base = legend_h + plot_h
    out.append(f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#999"/>')
    for c, category in enumerate(categories):
        x0 = 10 + c * group_w + (group_w - bar_w * len(series)) / 2
        for s, (name, vs) in enumerate(series):
            value = vs[c]
            if value is None:
                continue
            h = float(abs(Decimal(value)) / top) * (plot_h - 16)
            x = x0 + s * bar_w
            out.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" height="{max(h, 1):.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(name)} {escape(category)}: {amount_text(value)}</title></rect>'
            )
            out.append(
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" font-size="10">'
                f"{amount_text(value)}</text>"
            )
        y = base + 14 + 14 * (c % 2)  # alternate rows, so long labels of neighbours do not overlap
        out.append(f'<text x="{10 + c * group_w + group_w / 2:.1f}" y="{y}" text-anchor="middle" font-size="11">{escape(category)}</text>')
    out.append("</svg>")
    return "".join(out)


def stacked_bar_chart(
    categories: list[str], stacks: list[tuple[str, str, list[int]]], title: str, *, width: int = 560
) -> str:
    """Horizontal stacked bars of counts: one bar per category, one segment per (name, colour, counts)."""
    totals = [sum(counts[i] for _, _, counts in stacks) for i in range(len(categories))]
    if not categories or not any(totals):
        return ""
    label_w = max(_width(c) for c in categories) + 10
    bar_w = width - label_w - 60
    top = max(totals)
    height = 24 + ROW * len(categories) + 4
    out = _open(width, height, title)
    for s, (name, colour, _) in enumerate(stacks):
        out.append(f'<rect x="{label_w + s * 110}" y="4" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{label_w + s * 110 + 16}" y="15">{escape(name)}</text>')
    for i, category in enumerate(categories):
        y = 24 + i * ROW
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(category)}</text>')
        x = float(label_w)
        for name, colour, counts in stacks:
            if counts[i]:
                w = counts[i] / top * bar_w
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 6}" fill="{colour}">'
                    f"<title>{escape(category)} {escape(name)}: {counts[i]}</title></rect>"
                )
                x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{totals[i]}</text>')
    out.append("</svg>")
    return "".join(out)


def line_chart(years: list[int], series: list[tuple[str, list[Decimal | None]]], title: str, *, width: int = 560) -> str:
    """One line per series over the years, a dot and the exact amount at each point."""
    values = [Decimal(v) for _, vs in series for v in vs if v is not None]
    if len(years) < 2 or not values:
        return ""
    top = max(values) or Decimal(1)
    legend_h, plot_h, axis_h, left, right = 22 * ((len(series) + 3) // 4), 200, 24, 20, 90
    height = legend_h + plot_h + axis_h
    step = (width - left - right) / (len(years) - 1)
    base = legend_h + plot_h
    out = _open(width, height, title)
    for s, (name, _) in enumerate(series):
        x, y = 10 + (s % 4) * 150, 4 + (s // 4) * 22
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>')
        out.append(f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>')
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#999"/>')
    for i, year in enumerate(years):
        out.append(f'<text x="{left + i * step:.1f}" y="{base + 16}" text-anchor="middle">{year}</text>')
    for s, (name, vs) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [
            (left + i * step, base - float(Decimal(v) / top) * (plot_h - 20), v) for i, v in enumerate(vs) if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, v in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>{escape(name)}: {amount_text(v)}</title></circle>')
        if points:
            x, y, v = points[-1]
            out.append(f'<text x="{x + 6:.1f}" y="{y + 4:.1f}" font-size="10">{amount_text(v)}</text>')
    out.append("</svg>")
    return "".join(out)
