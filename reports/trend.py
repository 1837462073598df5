"""``ztscan history trend --format html``: the estate grade and failing findings per scan as inline SVG.

A standalone page with no script, font or image from outside, so it opens anywhere (a CI artifact,
an e-mail attachment). The scan report's own trend charts are part of the HTML report.
"""

from __future__ import annotations

from html import escape

from scanner.document import TrendPoint

WIDTH, HEIGHT, PAD = 720, 220, 36
COLOURS = {"critical": "#8b0000", "high": "#d9480f", "medium": "#e8a300", "low": "#5c7cfa", "info": "#868e96"}


def _polyline(values: list[float], top: float, colour: str, label: str) -> str:
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = " ".join(f"{PAD + i * step:.1f},{HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD):.1f}"
                      for i, v in enumerate(values))
    return (f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}">'
            f"<title>{escape(label)}</title></polyline>")


def _chart(title: str, series: dict[str, list[float]], top: float) -> str:
    lines = "".join(_polyline(v, top or 1, COLOURS.get(k, "#2b8a3e"), k) for k, v in series.items())
    legend = " ".join(f'<span style="color:{COLOURS.get(k, "#2b8a3e")}">&#9632; {escape(k)}</span>' for k in series)
    axis = (f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>'
            f'<text x="4" y="{PAD}" font-size="11">{top:g}</text>'
            f'<text x="4" y="{HEIGHT - PAD}" font-size="11">0</text>')
    return (f"<h2>{escape(title)}</h2><p>{legend}</p>"
            f'<svg role="img" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">{axis}{lines}</svg>')


def render_trend_html(points: list[TrendPoint], since: str) -> str:
    scores = [float(p.estate_score or 0) for p in points]
    failing = {s: [float(p.failing.get(s, 0)) for p in points] for s in COLOURS}
    top = max([v for values in failing.values() for v in values] or [0])
    rows = "".join(
        f"<tr><td>{p.finished_at.isoformat()[:19]}</td><td>{escape(p.scan_id)}</td><td>{escape(p.estate_grade or '-')}"
        f"</td><td>{'' if p.estate_score is None else p.estate_score}</td>"
        + "".join(f"<td>{p.failing.get(s, 0)}</td>" for s in COLOURS) + "</tr>" for p in points)
    charts = "<p>No scans in this period.</p>"
    if points:
        charts = _chart("Estate score", {"estate score": scores}, 100) + _chart("Failing findings by severity",
                                                                                failing, top)
    head = "".join(f"<th>{s}</th>" for s in COLOURS)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ztscan trend</title>'
            f"<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 8px;text-align:left}}</style></head>"
            f"<body><h1>ztscan trend, last {escape(since)}: {len(points)} scan(s)</h1>{charts}"
            f"<table><tr><th>finished</th><th>scan</th><th>grade</th><th>score</th>{head}</tr>{rows}</table>"
            f"</body></html>\n")
