"""A Markdown summary for a pull-request comment or a chat message."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import BinaryIO

from scanner.document import ScanDocument
from scanner.findings import Finding, Status


def _md(text: str) -> str:
    """Cloud strings are data: escape what Markdown or a chat client would interpret."""
    for ch in "\\`*_{}[]<>()#+!|":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def _failing(doc: ScanDocument) -> Iterator[Finding]:
    for result in doc.results():
        yield from (f for f in result.findings if f.status == Status.FAIL and not f.waived)


def render_markdown(doc: ScanDocument, out: BinaryIO, limit: int = 20) -> None:
    s = doc.summary
    lines = [f"## ztscan: {s.functions} functions, {s.findings_by_status['FAIL']} failing findings", ""]
    if doc.scores.estate:
        e = doc.scores.estate.overall
        lines.append(f"Estate grade **{e.label()}**. Scan {doc.scan.scan_date}, "
                     f"providers: {', '.join(doc.scan.providers)}.")
    lines += ["", "| severity | failing |", "| --- | --- |"]
    lines += [f"| {sev} | {n} |" for sev, n in s.failures_by_severity.items()]
    if doc.attack_paths:
        lines += ["", "### Attack paths", ""]
        lines += [f"- **{p.severity.value}** {_md(p.title)}: `{_md(p.function_name)}` ({p.provider} {p.account})"
                  for p in doc.attack_paths if not p.waived][:limit]
    total = sum(s.failures_by_severity.values())
    # The top `limit` in one pass over the functions, holding no more than `limit` findings.
    failing = heapq.nsmallest(limit, _failing(doc), key=lambda f: (-f.severity.rank, f.check_id, f.resource_name))
    if failing:
        lines += ["", "### Top findings", "", "| severity | check | function | evidence |", "| --- | --- | --- | --- |"]
        lines += [f"| {f.severity.value} | {f.check_id} {_md(f.title)} | {_md(f.resource_name)} | "
                  f"{_md('; '.join(f.evidence))[:200]} |" for f in failing]
        if total > limit:
            lines.append(f"\n…and {total - limit} more in the full report.")
    if s.targets_incomplete:
        lines += ["", f"⚠ {s.targets_incomplete} target(s) not fully assessed: see the report."]
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
