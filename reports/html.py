"""The self-contained HTML report (jinja2, autoescaped: every cloud string renders as text)."""

from __future__ import annotations

from collections import Counter, defaultdict

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from scanner.diff import ScanDiff
from scanner.document import ScanDocument
from scanner.findings import Finding, Status

_env = Environment(
    loader=PackageLoader("reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

_STATUS_ORDER = {Status.FAIL: 0, Status.NOT_ASSESSED: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 3}


def _sort_key(f: Finding) -> tuple[int, int, str, str]:
    return (_STATUS_ORDER[f.status], -f.severity.rank, f.check_id, f.resource_name)


def render_diff_html(diff: ScanDiff) -> str:
    return _env.get_template("diff.html.j2").render(diff=diff)


def render_html(doc: ScanDocument) -> str:
    by_function: dict[str, list[Finding]] = defaultdict(list)
    for finding in doc.findings:
        by_function[finding.resource_id].append(finding)
    failing = Counter(f.resource_id for f in doc.findings if f.status == Status.FAIL and not f.waived)
    return _env.get_template("report.html.j2").render(
        doc=doc,
        findings=sorted(doc.findings, key=_sort_key),
        by_function={k: sorted(v, key=_sort_key) for k, v in by_function.items()},
        failing=failing,
        checks={c.id: c for c in doc.checks},
    )
