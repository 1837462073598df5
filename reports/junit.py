"""JUnit XML: one test case per check x function, so CI systems show posture like test results."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from scanner.document import ScanDocument
from scanner.findings import Finding, Status


def _case(f: Finding) -> ET.Element:
    case = ET.Element("testcase", classname=f"{f.provider}.{f.account}.{f.region}.{f.resource_name}",
                      name=f"{f.check_id} {f.title}")
    detail = "\n".join(f.evidence)
    if f.status == Status.FAIL and not f.waived:
        failure = ET.SubElement(case, "failure", message=f"[{f.severity.value}] {f.title}", type=f.severity.value)
        failure.text = detail
    elif f.status != Status.PASS:
        why = "waived" if f.waived else f.status.value
        ET.SubElement(case, "skipped", message=f"{why}: {detail}"[:500])
    return case


def render_junit(doc: ScanDocument) -> str:
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for f in doc.findings:
        by_check[f.check_id].append(f)
    suites = ET.Element("testsuites", name="ztscan", tests=str(len(doc.findings)))
    for check_id, findings in sorted(by_check.items()):
        suite = ET.SubElement(
            suites, "testsuite", name=check_id, tests=str(len(findings)),
            failures=str(sum(f.status == Status.FAIL and not f.waived for f in findings)),
            skipped=str(sum(f.status not in (Status.PASS, Status.FAIL) or f.waived for f in findings)),
            errors="0",
        )
        suite.extend(_case(f) for f in findings)
    suites.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
