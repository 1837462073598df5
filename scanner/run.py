"""One scan: collect from each provider, evaluate every check, assemble the document."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from scanner import compliance, registry, runtimes
from scanner.attack_paths import find_paths
from scanner.collected import mark_uncollected
from scanner.document import ScanDocument, ScanMeta, shared_groups, summarise
from scanner.engine import evaluate, identity_groups, link_shared_identities
from scanner.findings import Severity
from scanner.grading import grade_all
from scanner.provider import Collection, ProgressSink, Provider
from scanner.remediation_plan import build_plan
from scanner.waivers import Waiver, apply_waivers

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


def collect_all(providers: list[Provider], progress: ProgressSink) -> dict[str, Collection]:
    return {p.name: p.collect(progress) for p in providers}


def assemble(
    collections: dict[str, Collection], started: datetime, scan_date: date | None = None,
    waivers: list[Waiver] | None = None, frameworks: list[str] | None = None,
) -> ScanDocument:
    """Checks, then waivers, then what is derived from the findings: paths, grades, compliance."""
    scan_date = scan_date or started.date()
    functions = [fn for c in collections.values() for fn in c.functions]
    targets = [t for c in collections.values() for t in c.targets]
    for fn in functions:
        mark_uncollected(fn)
    link_shared_identities(functions)
    checks = registry.checks()
    findings = evaluate(functions, checks, registry.ScanContext(scan_date=scan_date))
    waiver_uses = apply_waivers(waivers or [], findings, functions, scan_date)
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
        findings=findings,
        identity_groups=shared_groups(identity_groups(functions)),
        attack_paths=find_paths(findings, functions),
        scores=grade_all(functions, findings),
        compliance=compliance.evaluate([c.meta for c in checks], findings, frameworks),
        waivers=waiver_uses,
        summary=summarise(functions, findings, targets),
        remediation_plan=build_plan(functions, findings, [c.meta for c in checks]),
    )


def exit_code(doc: ScanDocument, fail_on: Severity | None) -> int:
    """1 when the gate trips (it matters most to CI), else 3 when something went unassessed."""
    if fail_on is not None and doc.failing(fail_on):
        return EXIT_FINDINGS
    if doc.incomplete:
        return EXIT_INCOMPLETE
    return EXIT_OK
