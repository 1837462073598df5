"""A heat map: rows against columns, each cell coloured by the letter grade of its score and
printing the score itself, so the colour only repeats what the number says."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from reports.charts.svg import GRADE_COLOURS, clip, figure, label_width, text
from scanner.grading import grade


def heat_map(chart_id: str, title: str, rows: Sequence[str], columns: Sequence[str],
             cells: Sequence[Sequence[int | None]], width: int = 760) -> Markup:
    label_w, fits = label_width(rows, most=300)
    head_h, row_h = 28, 24
    cell_w = (width - label_w) / max(1, len(columns))
    height = head_h + row_h * max(1, len(rows)) + 4
    body = [text(label_w + (j + 0.5) * cell_w, 18, col, anchor="middle", weight="600")
            for j, col in enumerate(columns)]
    for i, (row, values) in enumerate(zip(rows, cells, strict=True)):
        y = head_h + i * row_h
        body.append(text(label_w - 8, y + 16, clip(row, fits), anchor="end", full=row))
        for j, value in enumerate(values):
            x = label_w + j * cell_w
            fill = GRADE_COLOURS[grade(value)] if value is not None else "#f1f1f1"
            shown = "—" if value is None else str(value)
            body.append(f'<rect class="cell" x="{x:.1f}" y="{y}" width="{cell_w - 2:.1f}" height="{row_h - 2}" '
                        f'fill="{fill}" data-row="{escape(row)}" data-column="{escape(columns[j])}" '
                        f'data-value="{shown}"><title>{escape(row)}, {escape(columns[j])}: {shown}</title></rect>')
            body.append(text(x + cell_w / 2 - 1, y + 16, shown, anchor="middle", weight="600"))
    description = f"{title}: {len(rows)} rows by {len(columns)} columns; the table below lists every score."
    return figure(chart_id, title, description, width, height, body, ("", *columns),
                  [(row, *("—" if v is None else v for v in values)) for row, values in zip(rows, cells, strict=True)])
