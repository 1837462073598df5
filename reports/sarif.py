"""SARIF 2.1.0: failing findings as results, checks as rules, for code-scanning dashboards.

Cloud resources are not files, so results carry logical locations (the resource id). Waived findings
appear as results with an external suppression, as SARIF defines for accepted risks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from reports.streams import json_array, text_stream
from scanner.document import FindingChange, ScanDocument
from scanner.findings import Finding, Severity, Status

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# GitHub's security-severity scale: >= 9 critical, >= 7 high, >= 4 medium, > 0 low.
SECURITY_SEVERITY = {Severity.critical: "9.5", Severity.high: "8.0", Severity.medium: "5.5",
                     Severity.low: "3.0", Severity.info: "0.0"}
LEVEL = {Severity.critical: "error", Severity.high: "error", Severity.medium: "warning",
         Severity.low: "note", Severity.info: "note"}
# A result present now: SARIF's baselineState against the previous scan (None: not in it, or waived anew).
BASELINE = {"new": "new", None: "new", "unchanged": "unchanged", "changed": "updated", "resolved": "updated"}


def _location(name: str, resource_id: str) -> list[dict[str, Any]]:
    return [{"logicalLocations": [{"name": name, "fullyQualifiedName": resource_id, "kind": "resource"}]}]


def _absent(c: FindingChange, rule_index: dict[str, int]) -> dict[str, Any]:
    """A result the previous scan had and this one does not (resolved, or its function removed)."""
    return {"ruleId": c.check_id, "ruleIndex": rule_index[c.check_id], "level": "none", "baselineState": "absent",
            "message": {"text": f"{c.title}: {c.resource_name} ({c.delta})"},
            "locations": _location(c.resource_name, c.resource_id),
            "partialFingerprints": {"ztscanFindingId/v1": c.finding_id},
            "properties": {"provider": c.provider, "account": c.account, "region": c.region,
                           "severity": c.severity.value, "delta": c.delta}}


def _results(doc: ScanDocument, index: dict[str, int]) -> Iterator[dict[str, Any]]:
    for fn_result in doc.results():
        for f in fn_result.findings:
            if f.status == Status.FAIL and f.check_id in index:
                result = _result(f, index)
                if doc.history is not None:
                    result["baselineState"] = BASELINE[f.delta]
                yield result
    if doc.history is not None:
        yield from (_absent(c, index) for c in doc.history.changes
                    if c.delta in ("resolved", "removed") and c.status != Status.FAIL and c.check_id in index)


def _result(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.check_id,
        "ruleIndex": rule_index[f.check_id],
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.title}: {f.resource_name}" + (f" ({'; '.join(f.evidence)})" if f.evidence else "")},
        "locations": _location(f.resource_name, f.resource_id),
        "partialFingerprints": {"ztscanFindingId/v1": f.id},
        "properties": {"provider": f.provider, "account": f.account, "region": f.region,
                       "severity": f.severity.value, "pillar": f.pillar.value},
    }
    if f.waived and f.waiver:
        result["suppressions"] = [{"kind": "external", "status": "accepted",
                                   "justification": f"{f.waiver['reason']} (owner {f.waiver['owner']}, "
                                                    f"expires {f.waiver['expires']})"}]
    return result


_RESULTS = "\x00results\x00"  # where the streamed results go in the indented skeleton


def render_sarif(doc: ScanDocument, out: BinaryIO) -> None:
    rules = []
    for meta in doc.checks:
        fixes = "\n".join(f"{cloud}: {r.console}" + (f" CLI: {r.cli}" if r.cli else "")
                          for cloud, r in meta.remediation.items())
        rules.append({
            "id": meta.id,
            "name": meta.id.replace("-", ""),
            "shortDescription": {"text": meta.title},
            "fullDescription": {"text": f"{meta.rationale} Risk: {meta.risk}"},
            "help": {"text": fixes or meta.title},
            "helpUri": meta.references[0] if meta.references else None,
            "defaultConfiguration": {"level": LEVEL[meta.severity]},
            "properties": {"security-severity": SECURITY_SEVERITY[meta.severity],
                           "tags": ["security", "zero-trust", meta.pillar.value]},
        })
    rules = [{k: v for k, v in r.items() if v is not None} for r in rules]
    index = {r["id"]: i for i, r in enumerate(rules)}
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ztscan", "version": doc.tool.version,
                                "informationUri": "https://github.com/ztscan/ztscan", "rules": rules}},
            "automationDetails": {"id": f"ztscan/{doc.scan.id}"},
            "invocations": [{"executionSuccessful": not doc.incomplete,
                             "startTimeUtc": doc.scan.started_at.isoformat().replace("+00:00", "Z"),
                             "endTimeUtc": doc.scan.finished_at.isoformat().replace("+00:00", "Z")}],
            "results": _RESULTS,
        }],
    }
    head, tail = json.dumps(sarif, indent=2).split(json.dumps(_RESULTS))
    with text_stream(out) as text:
        json_array(text, _results(doc, index), prefix=head, suffix=tail + "\n")
