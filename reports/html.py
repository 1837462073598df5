"""The self-contained HTML report (jinja2, autoescaped: every cloud string renders as text).

Summaries are rendered server-side; the inventory and the per-function pages are rendered in the
browser from one embedded JSON payload, so a 5,000-function estate stays a few MB and one file.
"""

from __future__ import annotations

import base64
import json
import mimetypes
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, Field

from reports.visuals import path_graphs, plan_of, summary_charts, trend_charts
from scanner.diff import ScanDiff
from scanner.document import ScanDocument
from scanner.findings import Finding, Pillar, Status

_env = Environment(
    loader=PackageLoader("reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
PLAN_ROWS = 30
PATH_ROWS = 300  # attack paths listed; a 5,000-function estate can have thousands
_STATUS_CODE = {Status.FAIL: "F", Status.NOT_ASSESSED: "U", Status.PASS: "P", Status.NOT_APPLICABLE: "N"}


class ReportOptions(BaseModel):
    """Branding for consultants; also `ztscan report` options."""

    title: str = Field("Zero-trust posture report", description="Report title")
    client: str | None = Field(None, description="Client name shown on the cover")
    logo: Path | None = Field(None, description="Logo image (PNG, JPEG or SVG) embedded in the report")


def logo_uri(path: Path | None) -> str | None:
    if path is None:
        return None
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _json_for_script(payload: Any) -> Markup:
    """JSON safe inside <script>: no '<' can close the element, whatever the cloud strings hold."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _payload(doc: ScanDocument, by_function: dict[str, list[Finding]]) -> dict[str, Any]:
    check_ids = [c.id for c in doc.checks]
    index = {cid: i for i, cid in enumerate(check_ids)}
    scores = {s.function_id: s.overall for s in doc.scores.functions}
    paths = defaultdict(list)
    for p in doc.attack_paths:
        paths[p.function_id].append([p.severity.value, p.title, p.facts])
    functions = []
    for fn in doc.functions:
        findings = by_function.get(fn.id, [])
        score = scores.get(fn.id)
        functions.append({
            "n": fn.name, "p": fn.provider, "a": fn.account, "r": fn.region, "id": fn.id, "k": fn.kind,
            "rt": fn.runtime.name or fn.runtime.package_type or "",
            "g": score.grade if score else "", "s": score.score if score else None,
            "f": sum(f.status == Status.FAIL and not f.waived for f in findings),
            "facts": {
                "identity": fn.identity.principal or "none",
                "invocation": [f"{p.via}: {p.principal} ({p.principal_kind}{', narrowed' if p.narrowed else ''})"
                               for p in fn.network.invocation][:20],
                "endpoint": fn.network.endpoint_url or "",
                "private network": fn.network.private_network.network_id or "not attached",
                "settings": [f"{s.name}: {s.classification}" for s in fn.secrets.settings][:40],
                "tags": [f"{k}={v}" for k, v in fn.tags.items()][:20],
            },
            "unknown": [f"{k}: {v}" for k, v in fn.unknown.items()],
            # Passing and not-applicable checks are listed by id only: the evidence of failures is what
            # a reader needs, and it keeps a 5,000-function report small.
            "x": [[index[f.check_id], _STATUS_CODE[f.status], int(f.waived),
                   [e[:240] for e in f.evidence] if f.status in (Status.FAIL, Status.NOT_ASSESSED) else []]
                  for f in findings if f.check_id in index],
            "ap": paths.get(fn.id, []),
        })
    checks = [{"id": c.id, "t": c.title, "sev": c.severity.value, "pl": c.pillar.value,
               "fix": {cloud: [r.console, r.cli or r.terraform or ""] for cloud, r in c.remediation.items()}}
              for c in doc.checks]
    return {"functions": functions, "checks": checks}


def pillar_rows(doc: ScanDocument) -> dict[str, list[dict[str, Any]]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in doc.findings:
        key = "WAIVED" if f.waived else f.status.value
        counts[f.check_id][key] += 1
    rows: dict[str, list[dict[str, Any]]] = {p.value: [] for p in Pillar}
    for c in doc.checks:
        rows[c.pillar.value].append({"meta": c, "counts": counts[c.id]})
    for items in rows.values():
        items.sort(key=lambda r: (-r["counts"]["FAIL"], -r["meta"].severity.rank, r["meta"].id))
    return rows


def top_risks_of(doc: ScanDocument, pillars: dict[str, list[dict[str, Any]]]) -> list[str]:
    risks = [f"{len([p for p in doc.attack_paths if p.kind == kind and not p.waived])} function(s): {title}"
             for kind, title in {p.kind: p.title for p in doc.attack_paths}.items()]
    failing = sorted((r for rows in pillars.values() for r in rows if r["counts"]["FAIL"]),
                     key=lambda r: (-r["meta"].severity.rank, -r["counts"]["FAIL"]))
    risks += [f"{r['counts']['FAIL']} function(s): {r['meta'].title} ({r['meta'].severity.value})" for r in failing]
    return risks[:8]


def render_html(doc: ScanDocument, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    by_function: dict[str, list[Finding]] = defaultdict(list)
    for finding in doc.findings:
        by_function[finding.resource_id].append(finding)
    pillars = pillar_rows(doc)
    by_cloud = Counter(fn.provider for fn in doc.functions)
    unassessed = Counter(f.check_id for f in doc.findings if f.status == Status.NOT_ASSESSED)
    return _env.get_template("report.html.j2").render(
        doc=doc, options=options, logo=logo_uri(options.logo), pillars=pillars, by_cloud=by_cloud,
        unassessed=unassessed, top_risks=top_risks_of(doc, pillars),
        payload=_json_for_script(_payload(doc, by_function)),
        worst=sorted((s for s in doc.scores.functions if s.overall.score is not None),
                     key=lambda s: s.overall.score or 0)[:10],
        names={fn.id: fn.name for fn in doc.functions}, charts=summary_charts(doc), trend=trend_charts(doc),
        graphs=path_graphs(doc), plan=plan_of(doc), plan_rows=PLAN_ROWS, path_rows=PATH_ROWS,
    )


def render_diff_html(diff: ScanDiff) -> str:
    return _env.get_template("diff.html.j2").render(diff=diff)
