"""What every chart shares: the palette, escaped text, and the figure that holds a chart's SVG
beside a table of its numbers (the text alternative, also what tests and screen readers read)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/); every chart also prints
# its numbers, so no reading depends on telling two colours apart.
VERMILLION, ORANGE, YELLOW, SKY, BLUE, GREEN, PURPLE, GREY = (
    "#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#0072B2", "#009E73", "#CC79A7", "#8C8C8C")
SEVERITY_COLOURS = {"critical": VERMILLION, "high": ORANGE, "medium": YELLOW, "low": SKY, "info": GREY}
GRADE_COLOURS = {"A": GREEN, "B": SKY, "C": YELLOW, "D": ORANGE, "F": VERMILLION}
SERIES = (BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, GREY)
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'


def clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def label_width(labels: Sequence[str], most: int = 260) -> tuple[int, int]:
    """A label column wide enough for the longest label (about 7 px a character), and the characters
    that fit in it: the rest of a longer label is in its tooltip and the data table."""
    width = min(most, max([len(label) for label in labels] + [4]) * 7 + 16)
    return width, (width - 16) // 7


def wrap(value: str, most: int, lines: int = 2) -> list[str]:
    """Split at spaces into at most `lines` lines of `most` characters (the last one clipped)."""
    out: list[str] = [""]
    for word in value.split(" "):
        if out[-1] and len(out[-1]) + 1 + len(word) > most and len(out) < lines:
            out.append(word)
        else:
            out[-1] = f"{out[-1]} {word}".strip()
    return [clip(line, most) for line in out]


def text(x: float, y: float, value: object, anchor: str = "start", size: int = 12, weight: str = "normal",
         full: str | None = None) -> str:
    """An SVG <text>; `full` adds a tooltip with the unclipped string."""
    tip = f"<title>{escape(full)}</title>" if full is not None and full != str(value) else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
            f'fill="#1a1a1a">{tip}{escape(value)}</text>')


def figure(chart_id: str, title: str, description: str, width: int, height: int, body: Sequence[str],
           head: Sequence[str], rows: Sequence[Sequence[object]]) -> Markup:
    """The chart as an accessible SVG image, and its numbers as a table (shown when printed)."""
    cid = escape(chart_id)
    cells = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return Markup(
        f'<figure class="chart" id="{cid}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{cid}-t {cid}-d" {FONT}>'
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(description)}</desc>'
        + "".join(body)
        + f'</svg><figcaption>{escape(title)}</figcaption>'
        f'<details class="chart-data"><summary>Data</summary><table>'
        f'<tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr>{cells}</table></details></figure>'
    )
