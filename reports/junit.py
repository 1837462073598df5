"""JUnit XML: one test case per check x function, so CI systems show posture like test results.

One test suite per function, written as the functions stream by; the totals on the root element come
from the document's summary, so nothing is held back to count.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from reports.streams import text_stream
from scanner.document import ScanDocument
from scanner.findings import Finding, Status
from scanner.results import FunctionResult


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


def _suite(result: FunctionResult) -> ET.Element:
    findings = result.findings
    suite = ET.Element(
        "testsuite", name=result.function.id, tests=str(len(findings)),
        failures=str(sum(f.status == Status.FAIL and not f.waived for f in findings)),
        skipped=str(sum(f.status not in (Status.PASS, Status.FAIL) or f.waived for f in findings)),
        errors="0",
    )
    suite.extend(_case(f) for f in findings)
    ET.indent(suite, level=1)
    return suite


def render_junit(doc: ScanDocument, out: BinaryIO) -> None:
    tests = sum(doc.summary.findings_by_status.values())
    failures = sum(doc.summary.failures_by_severity.values())  # failing and not waived
    with text_stream(out) as text:
        text.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="ztscan" tests={quoteattr(str(tests))} '
                   f'failures={quoteattr(str(failures))}>')
        for result in doc.results():
            text.write("\n  " + ET.tostring(_suite(result), encoding="unicode").rstrip())
        text.write("\n</testsuites>\n")
