"""A Markdown summary for a pull-request comment or a chat message."""

from __future__ import annotations

from scanner.document import ScanDocument
from scanner.findings import Status


def _md(text: str) -> str:
    """Cloud strings are data: escape what Markdown or a chat client would interpret."""
    for ch in "\\`*_{}[]<>()#+!|":
        text = text.replace(ch, "\\" + ch)
    return text.replace("\n", " ")


def render_markdown(doc: ScanDocument, limit: int = 20) -> str:
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
    failing = sorted((f for f in doc.findings if f.status == Status.FAIL and not f.waived),
                     key=lambda f: (-f.severity.rank, f.check_id, f.resource_name))
    if failing:
        lines += ["", "### Top findings", "", "| severity | check | function | evidence |", "| --- | --- | --- | --- |"]
        lines += [f"| {f.severity.value} | {f.check_id} {_md(f.title)} | {_md(f.resource_name)} | "
                  f"{_md('; '.join(f.evidence))[:200]} |" for f in failing[:limit]]
        if len(failing) > limit:
            lines.append(f"\n…and {len(failing) - limit} more in the full report.")
    if s.targets_incomplete:
        lines += ["", f"⚠ {s.targets_incomplete} target(s) not fully assessed: see the report."]
    return "\n".join(lines) + "\n"
