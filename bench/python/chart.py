#!/usr/bin/env python3
"""Draws bench/ratios.svg from the summary table of bench/RESULTS.md.

One horizontal bar per workload whose target is a ratio to CPython asyncio ("≥Nx CPython"): the
measured ratio on a logarithmic axis, the target as a tick, green when met and red when missed.
Plain SVG, no plotting library: run by bench/run after report.py, or by hand:

    python3 bench/python/chart.py [RESULTS.md] [out.svg]
"""
import html
import math
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent


def summary_rows(markdown):
    """The rows of the first table under '## Summary', as dicts keyed by the header cells."""
    lines = markdown.splitlines()
    try:
        start = next(i for i, l in enumerate(lines) if l.startswith("## Summary"))
    except StopIteration:
        raise SystemExit("chart.py: no '## Summary' section in RESULTS.md")
    table = []
    for line in lines[start + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            table.append([c.strip() for c in line.strip().strip("|").split("|")])
        elif table:
            break
    if len(table) < 3:
        raise SystemExit("chart.py: the summary table is empty")
    header = [h.lower() for h in table[0]]
    return [dict(zip(header, row)) for row in table[2:]]


def number(text):
    m = re.search(r"([0-9][0-9,]*\.?[0-9]*)", text.replace("**", ""))
    return float(m.group(1).replace(",", "")) if m else None


def bars(rows):
    """(label, ratio, target, met) for the rows with a '≥Nx CPython' target and an 'Nx' ratio."""
    out = []
    for r in rows:
        target, ratio = r.get("target", ""), r.get("ratio", "")
        if "CPython" not in target or not ratio.endswith("x") or not target.startswith("≥"):
            continue
        t, v = number(target), number(ratio)
        if t is None or v is None or v <= 0:
            continue
        label = re.sub(r"[`*]", "", r.get("workload", "?"))
        out.append((label, v, t, "met" in r.get("met?", "") and "missed" not in r.get("met?", "")))
    return out


def svg(data, title):
    row_h, label_w, plot_w, top, bottom = 22, 430, 420, 48, 40
    height = top + row_h * len(data) + bottom
    width = label_w + plot_w + 80
    lo, hi = 0.1, max([1000.0] + [max(v, t) * 1.5 for _, v, t, _ in data])
    def x(v):
        return label_w + plot_w * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="20" font-size="15" font-weight="bold">{html.escape(title)}</text>',
           f'<text x="10" y="38" fill="#555">ratio to CPython asyncio (log scale); tick = target; '
           f'green = met, red = missed</text>']
    decade = lo
    while decade <= hi:
        gx = x(decade)
        out.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{height - bottom + 4}" stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - bottom + 18}" text-anchor="middle" fill="#555">{decade:g}x</text>')
        decade *= 10
    one = x(1)
    out.append(f'<line x1="{one:.1f}" y1="{top - 4}" x2="{one:.1f}" y2="{height - bottom + 4}" stroke="#888"/>')
    for i, (label, v, t, met) in enumerate(data):
        y = top + i * row_h
        colour = "#2e7d32" if met else "#c62828"
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{html.escape(label[:64])}</text>')
        x0, x1 = min(one, x(v)), max(one, x(v))
        out.append(f'<rect x="{x0:.1f}" y="{y + 4}" width="{max(x1 - x0, 1):.1f}" height="{row_h - 8}" fill="{colour}"/>')
        out.append(f'<line x1="{x(t):.1f}" y1="{y + 1}" x2="{x(t):.1f}" y2="{y + row_h - 1}" stroke="black" stroke-width="2"/>')
        out.append(f'<text x="{max(x(v), x(t)) + 6:.1f}" y="{y + 15}">{v:g}x</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    results = Path(argv[1]) if len(argv) > 1 else BENCH / "RESULTS.md"
    target = Path(argv[2]) if len(argv) > 2 else BENCH / "ratios.svg"
    text = results.read_text(encoding="utf-8")
    data = bars(summary_rows(text))
    if not data:
        raise SystemExit("chart.py: no ratio-to-CPython rows in the summary table")
    m = re.search(r"Written by `bench/run` on ([0-9-]+ [0-9:]+ UTC)", text)
    title = "jasyncio vs CPython asyncio" + (f", {m.group(1)}" if m else "")
    target.write_text(svg(data, title), encoding="utf-8")
    print(f"chart.py: {len(data)} workloads -> {target}")


if __name__ == "__main__":
    main(sys.argv)
