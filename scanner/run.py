"""One scan: collect from each provider, evaluate every check, assemble the document."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from scanner import registry, runtimes
from scanner.collected import mark_uncollected
from scanner.document import ScanDocument, ScanMeta, shared_groups
from scanner.engine import evaluate_function, identity_groups, link_shared_identities
from scanner.findings import Severity
from scanner.provider import Collection, ProgressSink, Provider
from scanner.totals import Totals
from scanner.waivers import Waiver

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def collect_all(providers: list[Provider], progress: ProgressSink) -> dict[str, Collection]:
    return {p.name: p.collect(progress) for p in providers}


def assemble(
    collections: dict[str, Collection], started: datetime, scan_date: date | None = None,
    waivers: list[Waiver] | None = None, frameworks: list[str] | None = None,
) -> ScanDocument:
    """Checks, then per function waivers, grades and every total (scanner/totals.py)."""
    scan_date = scan_date or started.date()
    functions = [fn for c in collections.values() for fn in c.functions]
    targets = [t for c in collections.values() for t in c.targets]
    for fn in functions:
        mark_uncollected(fn)
    link_shared_identities(functions)
    checks = registry.checks()
    ctx = registry.ScanContext(scan_date=scan_date)
    totals = Totals([c.meta for c in checks], waivers or [], scan_date, frameworks)
    results = [totals.add(fn, evaluate_function(fn, checks, ctx)) for fn in functions]
    agg = totals.finish(targets)
    return ScanDocument(
        scan=ScanMeta(
            id=str(uuid.uuid4()),
            started_at=started,
            finished_at=datetime.now(UTC),
            scan_date=scan_date.isoformat(),
            providers=sorted(collections),
            scope={name: c.scope for name, c in collections.items()},
            runtime_data=runtimes.data_version(),
            plugin_errors=list(registry.load_errors),
            api_calls={name: c.api_calls for name, c in collections.items() if c.api_calls},
        ),
        targets=targets,
        checks=[c.meta for c in checks],
        functions=functions,
        findings=[f for r in results for f in r.findings],
        identity_groups=shared_groups(identity_groups(functions)),
        attack_paths=agg.attack_paths,
        # In memory the document still lists each function's score (schema 1.x); a streaming scan spills them.
        scores=agg.scores.model_copy(update={"functions": [r.score for r in results]}),
        compliance=agg.compliance,
        waivers=agg.waivers,
        summary=agg.summary,
        remediation_plan=agg.remediation_plan,
    )


def exit_code(doc: ScanDocument, fail_on: Severity | None) -> int:
    """1 when the gate trips (it matters most to CI), else 3 when something went unassessed."""
    if fail_on is not None and doc.gate_trips(fail_on):
        return EXIT_FINDINGS
    if doc.incomplete:
        return EXIT_INCOMPLETE
    return EXIT_OK
