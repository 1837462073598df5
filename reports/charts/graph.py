"""A small left-to-right graph: a chain of nodes joined by arrows (an attack path's hops)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from reports.charts.svg import BLUE, GREY, ORANGE, VERMILLION, figure, text, wrap

ROLE_COLOURS = {"caller": VERMILLION, "front door": GREY, "function": BLUE, "identity": ORANGE,
                "reach": VERMILLION}


@dataclass(frozen=True)
class Node:
    role: str  # caller, front door, function, identity, reach
    label: str


def chain(chart_id: str, title: str, nodes: Sequence[Node], node_w: int = 150, gap: int = 34) -> Markup:
    height, box_h, top = 92, 44, 30
    width = len(nodes) * node_w + (len(nodes) - 1) * gap + 8
    body = [f'<defs><marker id="{escape(chart_id)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>']
    for i, node in enumerate(nodes):
        x = 4 + i * (node_w + gap)
        colour = ROLE_COLOURS.get(node.role, GREY)
        body.append(text(x + node_w / 2, top - 10, node.role, anchor="middle", size=11, weight="600"))
        body.append(f'<rect class="node" x="{x}" y="{top}" width="{node_w}" height="{box_h}" rx="6" fill="#fff" '
                    f'stroke="{colour}" stroke-width="2.5" data-role="{escape(node.role)}" '
                    f'data-label="{escape(node.label)}">'
                    f'<title>{escape(node.role)}: {escape(node.label)}</title></rect>')
        for n, line in enumerate(wrap(node.label, 22)):
            body.append(text(x + node_w / 2, top + 18 + 15 * n, line, anchor="middle", size=11, full=node.label))
        if i:
            body.append(f'<line x1="{x - gap + 1}" y1="{top + box_h / 2}" x2="{x - 2}" y2="{top + box_h / 2}" '
                        f'stroke="#333" stroke-width="1.5" marker-end="url(#{escape(chart_id)}-arrow)"/>')
    description = " then ".join(f"{n.role} {n.label}" for n in nodes)
    return figure(chart_id, title, f"{title}: {description}.", width, height, body, ("Hop", "What"),
                  [(n.role, n.label) for n in nodes])
