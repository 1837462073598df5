"""The self-contained HTML report (jinja2, autoescaped: every cloud string renders as text).

Summaries are rendered server-side; the inventory and the per-function pages are rendered in the
browser from one embedded JSON payload, so a 5,000-function estate stays a few MB and one file.
The functions are read once (reports/tally.py): each function's payload entry is written to a spool
file as it passes, while the summaries gather; then the template streams out with the spool inside it.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, Field

from reports.streams import text_stream
from reports.tally import WAIVED_ROWS, Tally, tally
from reports.visuals import drawn_paths, path_graphs, summary_charts, trend_charts
from scanner.diff import ScanDiff
from scanner.document import ScanDocument
from scanner.findings import Pillar, Status
from scanner.results import FunctionResult

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


def _json_for_script(payload: Any) -> str:
    """JSON safe inside <script>: no '<' can close the element, whatever the cloud strings hold."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_FACTS = ("identity", "invocation", "endpoint", "private network", "settings", "tags")


class _Payload:
    """The browser's data: check metadata, then one entry per function, spooled to disk as they pass.

    A function's findings are one string, a character per check in the order of ``checks`` (its status code,
    lower case when waived, "-" for no finding), plus the evidence of its failing and unassessed findings in
    that order: a 5,000-function report stays small. Its facts are a list in the order of ``facts``; an empty
    list of unknown facts or of attack paths is left out."""

    CHUNK = 1 << 20

    def __init__(self, doc: ScanDocument, spool: IO[str]) -> None:
        self.index = {c.id: i for i, c in enumerate(doc.checks)}
        self.paths: dict[str, list[list[Any]]] = defaultdict(list)
        for p in doc.attack_paths:
            self.paths[p.function_id].append([p.severity.value, p.title, p.facts])
        checks = [{"id": c.id, "t": c.title, "sev": c.severity.value, "pl": c.pillar.value,
                   "fix": {cloud: [r.console, r.cli or r.terraform or ""] for cloud, r in c.remediation.items()}}
                  for c in doc.checks]
        self.head = _json_for_script({"checks": checks, "facts": _FACTS})[:-1] + ',"functions":['
        self.spool, self.separator = spool, ""

    def add(self, result: FunctionResult) -> None:
        fn, findings, score = result.function, result.findings, result.score
        codes = ["-"] * len(self.index)
        evidence: dict[int, list[str]] = {}
        for f in findings:
            if (i := self.index.get(f.check_id)) is None:
                continue
            codes[i] = _STATUS_CODE[f.status].lower() if f.waived else _STATUS_CODE[f.status]
            # Passing and not-applicable checks go without evidence: the evidence of failures is what a reader
            # needs.
            if f.status in (Status.FAIL, Status.NOT_ASSESSED):
                evidence[i] = [e[:240] for e in f.evidence]
        entry: dict[str, Any] = {
            "n": fn.name, "p": fn.provider, "a": fn.account, "r": fn.region, "id": fn.id, "k": fn.kind,
            "rt": fn.runtime.name or fn.runtime.package_type or "",
            "g": score.overall.grade if score else "", "s": score.overall.score if score else None,
            "f": sum(f.status == Status.FAIL and not f.waived for f in findings),
            "fa": [
                fn.identity.principal or "none",
                [f"{p.via}: {p.principal} ({p.principal_kind}{', narrowed' if p.narrowed else ''})"
                 for p in fn.network.invocation][:20],
                fn.network.endpoint_url or "",
                fn.network.private_network.network_id or "not attached",
                [f"{s.name}: {s.classification}" for s in fn.secrets.settings][:40],
                [f"{k}={v}" for k, v in fn.tags.items()][:20],
            ],
            "x": "".join(codes), "ev": [evidence[i] for i in sorted(evidence)],
        }
        if fn.unknown:
            entry["unknown"] = [f"{k}: {v}" for k, v in fn.unknown.items()]
        if fn.id in self.paths:
            entry["ap"] = self.paths[fn.id]
        self.spool.write(self.separator + _json_for_script(entry))
        self.separator = ","

    def chunks(self) -> Iterator[Markup]:
        """The payload in pieces, for the template to stream (each piece is already safe in <script>)."""
        yield Markup(self.head)
        self.spool.seek(0)
        while chunk := self.spool.read(self.CHUNK):
            yield Markup(chunk)
        yield Markup("]}")


def pillar_rows(doc: ScanDocument, counts: dict[str, Counter[str]]) -> dict[str, list[dict[str, Any]]]:
    """Checks by pillar with their status counts (from the report's pass), most failing first."""
    rows: dict[str, list[dict[str, Any]]] = {p.value: [] for p in Pillar}
    for c in doc.checks:
        rows[c.pillar.value].append({"meta": c, "counts": counts.get(c.id, Counter())})
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


def summaries(doc: ScanDocument, t: Tally) -> dict[str, Any]:
    """What the HTML and PDF templates share, from the document's aggregates and the pass's tally."""
    pillars = pillar_rows(doc, t.counts)
    return {"doc": doc, "pillars": pillars, "top_risks": top_risks_of(doc, pillars), "trend": trend_charts(doc),
            "charts": summary_charts(doc, t.grades), "plan": doc.remediation_plan}


def render_html(doc: ScanDocument, out: BinaryIO, options: ReportOptions | None = None) -> None:
    options = options or ReportOptions()
    shown = drawn_paths(doc)
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool, text_stream(out) as text:
        payload = _Payload(doc, spool)
        t = tally(doc, {p.function_id for p in shown}, each=payload.add)
        text.writelines(_env.get_template("report.html.j2").generate(
            **summaries(doc, t), options=options, logo=logo_uri(options.logo), by_cloud=t.by_cloud,
            unassessed=t.unassessed, payload=payload.chunks(), worst=t.worst, waived=t.waived,
            waived_total=t.waived_total, waived_rows=WAIVED_ROWS, graphs=path_graphs(shown, t.path_functions),
            plan_rows=PLAN_ROWS, path_rows=PATH_ROWS,
        ))


def render_diff_html(diff: ScanDiff) -> str:  # a diff holds only changes: small
    return _env.get_template("diff.html.j2").render(diff=diff)
