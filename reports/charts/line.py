"""Line charts over time: one line per series, each point marked and its value printed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from reports.charts.svg import figure, text

DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")  # told apart without colour too


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str
    labels: Sequence[str] | None = None  # printed at each point instead of the number (e.g. "F 30")


def line_chart(chart_id: str, title: str, x_labels: Sequence[str], series: Sequence[Series],
               y_max: float | None = None, width: int = 640, height: int = 240) -> Markup:
    left, right, top, bottom = 44, 110, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = y_max or max([v for s in series for v in s.values if v is not None] + [1])
    step = plot_w / max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step if len(x_labels) > 1 else left + plot_w / 2, top + plot_h * (1 - v / peak)

    body = []
    for k in range(5):
        tick = peak * k / 4
        y = top + plot_h * (1 - k / 4)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(text(left - 6, y + 4, f"{tick:.0f}", anchor="end", size=11))
    for i, label in enumerate(x_labels):
        body.append(text(xy(i, 0)[0], height - 12, label, anchor="middle", size=11))
    for n, s in enumerate(series):
        points = [(i, v) for i, v in enumerate(s.values) if v is not None]
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
        body.append(f'<polyline points="{coords}" fill="none" stroke="{s.colour}" stroke-width="2.5" '
                    f'stroke-dasharray="{DASHES[n % len(DASHES)]}"/>')
        for i, v in points:
            x, y = xy(i, v)
            shown = s.labels[i] if s.labels else f"{v:g}"
            body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{s.colour}" '
                        f'data-series="{escape(s.name)}" data-x="{escape(x_labels[i])}" data-value="{v:g}">'
                        f'<title>{escape(s.name)}, {escape(x_labels[i])}: {escape(shown)}</title></circle>')
            body.append(text(x, y - 7, shown, anchor="middle", size=10))
        if points:
            body.append(text(left + plot_w + 8, xy(*points[-1])[1] + 4, s.name, size=11))
    rows = [(label, *("" if s.values[i] is None else (s.labels[i] if s.labels else f"{s.values[i]:g}")
                      for s in series)) for i, label in enumerate(x_labels)]
    description = f"{title}, {len(x_labels)} scans: " + "; ".join(
        f"{s.name} from {next((v for v in s.values if v is not None), 'none')} to "
        f"{next((v for v in reversed(s.values) if v is not None), 'none')}" for s in series)
    return figure(chart_id, title, description, width, height, body, ("Scan", *(s.name for s in series)), rows)
