"""Horizontal bar charts: one labelled bar per item, its value printed at its end."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from reports.charts.svg import clip, figure, label_width, text


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str
    shown: str | None = None  # the value as printed ("72%"), when not the bare number


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], unit: str = "", scale_max: float | None = None,
              width: int = 560) -> Markup:
    label_w, fits = label_width([b.label for b in bars])
    row_h, pad = 26, 8
    values = [b.shown if b.shown is not None else f"{b.value:g}{unit}" for b in bars]
    plot_w = width - label_w - max([len(v) for v in values] + [4]) * 7 - 12  # room for the printed value
    top = max([scale_max or 0, *(b.value for b in bars)]) or 1
    height = pad * 2 + row_h * max(1, len(bars))
    body = []
    for i, b in enumerate(bars):
        y = pad + i * row_h
        w = plot_w * b.value / top
        shown = values[i]
        body.append(text(label_w - 8, y + 17, clip(b.label, fits), anchor="end", full=b.label))
        body.append(f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                    f'fill="{b.colour}" stroke="#333" stroke-width="0.5" data-label="{escape(b.label)}" '
                    f'data-value="{b.value:g}"><title>{escape(b.label)}: {escape(shown)}</title></rect>')
        body.append(text(label_w + w + 6, y + 17, shown, weight="600"))
    body.append(f'<line x1="{label_w}" y1="{pad}" x2="{label_w}" y2="{height - pad}" stroke="#333"/>')
    summary = "; ".join(f"{b.label}: {v}" for b, v in zip(bars, values, strict=True)) or "no data"
    return figure(chart_id, title, f"{title}. {summary}.", width, height, body,
                  ("Item", "Value"), [(b.label, v) for b, v in zip(bars, values, strict=True)])
