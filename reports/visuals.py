"""The charts and attack-path graphs of a scan document, shared by the HTML and PDF reports.

Every number comes from the document as the scan wrote it (summary, scores, compliance, history);
nothing here evaluates a check.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup

from reports.charts import Bar, Series, bar_chart, heat_map, line_chart
from reports.charts.graph import Node, chain
from reports.charts.svg import BLUE, GRADE_COLOURS, GREY, SEVERITY_COLOURS
from scanner.document import AttackPath, ScanDocument
from scanner.findings import Pillar, Severity
from scanner.inventory import ServerlessFunction

HEAT_MAP_ROWS = 40  # the lowest-scored accounts; the grades table lists them all
GRAPHS = 50  # attack paths drawn; the rest are listed as text


@dataclass(frozen=True)
class PathGraph:
    path: AttackPath
    svg: Markup


def summary_charts(doc: ScanDocument, grades: Counter[str]) -> dict[str, Markup]:
    """``grades``: functions per grade letter, counted in the report's pass over the functions."""
    charts = {"severity": bar_chart(
        "chart-severity", "Failing findings by severity",
        [Bar(sev, n, SEVERITY_COLOURS[sev]) for sev, n in doc.summary.failures_by_severity.items()])}
    estate = doc.scores.estate
    if estate and doc.function_count:
        charts["pillars"] = bar_chart(
            "chart-pillars", "Estate score per pillar",
            [Bar(p, s.score or 0, GRADE_COLOURS.get(s.grade, GREY), s.label()) for p, s in estate.pillars.items()],
            scale_max=100)
        letters = [*"ABCDF", *sorted(set(grades) - set("ABCDF"))]  # and n/a, where nothing was assessed
        charts["grades"] = bar_chart("chart-grades", "Functions per grade",
                                     [Bar(g, grades[g], GRADE_COLOURS.get(g, GREY)) for g in letters])
        worst = sorted(doc.scores.accounts,
                       key=lambda a: (a.overall.score if a.overall.score is not None else 101, a.provider or "",
                                      a.account or ""))
        worst = worst[:HEAT_MAP_ROWS]
        pillars = [p.value for p in Pillar]
        charts["heatmap"] = heat_map(
            "chart-heatmap", "Score by account, subscription or project and pillar",
            [f"{a.provider} {a.account}" for a in worst], [*pillars, "overall"],
            [[a.pillars[p].score if p in a.pillars else None for p in pillars] + [a.overall.score] for a in worst])
    if doc.compliance:
        charts["compliance"] = bar_chart(
            "chart-compliance", "Compliance: share of assessed controls that pass",
            [Bar(fw.title, round(fw.pass_rate * 100), BLUE, f"{fw.pass_rate:.0%}") for fw in doc.compliance],
            scale_max=100, width=640)
    return charts


def trend_charts(doc: ScanDocument) -> dict[str, Markup]:
    trend = doc.history.trend if doc.history else []
    if not trend:
        return {}
    labels = [p.finished_at.strftime("%d %b %H:%M") for p in trend]
    score = Series("estate score", [p.estate_score for p in trend], BLUE,
                   [f"{p.estate_grade or ''} {p.estate_score if p.estate_score is not None else ''}".strip()
                    for p in trend])
    failing = [Series(sev.value, [p.failing.get(sev.value, 0) for p in trend], SEVERITY_COLOURS[sev.value])
               for sev in Severity if sev != Severity.info]
    return {"trend-grade": line_chart("chart-trend-grade", "Estate grade over time", labels, [score], y_max=100),
            "trend-failing": line_chart("chart-trend-failing", "Failing findings over time", labels, failing)}


def _hops(path: AttackPath, fn: ServerlessFunction | None) -> list[Node]:
    if fn is None:
        return [Node("function", path.function_name)]
    nodes = []
    if path.kind.startswith("anonymous-invoke"):
        door = next((p for p in fn.network.invocation if p.principal_kind == "anonymous" and not p.narrowed), None)
        nodes.append(Node("caller", "anyone on the internet"))
        if door is not None:
            label = door.front_door or door.via.replace("_", " ")
            nodes.append(Node("front door", f"{label} {door.route or ''}".strip()))
    nodes.append(Node("function", fn.name))
    if path.kind.endswith("secrets"):
        names = [s.name for s in fn.secrets.settings if s.classification == "plaintext_secret"]
        return [*nodes, Node("reach", "plaintext secrets: " + ", ".join(names))]
    nodes.append(Node("identity", fn.identity.name or fn.identity.principal or "none"))
    if path.kind.endswith("privileged-identity"):
        reach = "full control of " + fn.account if fn.identity.admin else "can escalate its own privileges"
    else:
        reach = "other functions' code and configuration"
    return [*nodes, Node("reach", reach)]


def drawn_paths(doc: ScanDocument) -> list[AttackPath]:
    return [p for p in doc.attack_paths if not p.waived][:GRAPHS]


def path_graphs(paths: list[AttackPath], functions: dict[str, ServerlessFunction]) -> list[PathGraph]:
    """``functions``: the facts of the paths' functions, kept by the report's pass over the functions."""
    return [PathGraph(p, chain(f"path-{p.id}", f"{p.title}: {p.function_name}",
                               _hops(p, functions.get(p.function_id)))) for p in paths]
