"""OCSF Detection Findings (class 2004), built and validated with py-ocsf-models, for SIEMs and
security lakes. One event per assessed finding; NOT_APPLICABLE ones carry no information and are left out.

With history, a failing finding is New only in the scan where it started failing (InProgress after), and a
finding that was failing and is gone now (resolved, or removed with its function) gets a Resolved event.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, BinaryIO

from py_ocsf_models.events.findings.activity_id import ActivityID
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from py_ocsf_models.events.findings.detection_finding_type_id import DetectionFindingTypeID
from py_ocsf_models.events.findings.severity_id import SeverityID
from py_ocsf_models.events.findings.status_id import StatusID
from py_ocsf_models.objects.account import Account, TypeID
from py_ocsf_models.objects.cloud import Cloud
from py_ocsf_models.objects.finding_info import FindingInformation
from py_ocsf_models.objects.metadata import Metadata
from py_ocsf_models.objects.product import Product
from py_ocsf_models.objects.remediation import Remediation
from py_ocsf_models.objects.resource_details import ResourceDetails

from reports.streams import json_array, text_stream
from scanner.document import FindingChange, ScanDocument
from scanner.findings import CheckMeta, Finding, Severity, Status

SEVERITY = {Severity.critical: SeverityID.Critical, Severity.high: SeverityID.High, Severity.medium: SeverityID.Medium,
            Severity.low: SeverityID.Low, Severity.info: SeverityID.Informational}
ACCOUNT_TYPE = {"aws": TypeID.AWS_Account, "gcp": TypeID.GCP_Account, "azure": TypeID.Azure_AD_Account}
RESOURCE_TYPE = {"aws": "AwsLambdaFunction", "azure": "AzureFunctionApp", "gcp": "GcpCloudFunction"}


def _status(f: Finding) -> StatusID:
    if f.waived:
        return StatusID.Suppressed
    if f.delta in ("resolved", "removed"):
        return StatusID.Resolved
    if f.status == Status.FAIL and f.delta in ("unchanged", "changed"):
        return StatusID.InProgress
    return {Status.FAIL: StatusID.New, Status.PASS: StatusID.Resolved}.get(f.status, StatusID.Other)


def _ms(value: datetime | None) -> int | None:
    return int(value.timestamp() * 1000) if value else None


def _gone(c: FindingChange, meta: CheckMeta) -> Finding:
    """A finding absent from this scan, as the last scan saw it, for its closing event."""
    return Finding(id=c.finding_id, check_id=c.check_id, title=c.title, pillar=meta.pillar,
                   severity=c.severity, status=Status.NOT_APPLICABLE, provider=c.provider or "",
                   account=c.account or "", region=c.region or "", resource_id=c.resource_id,
                   resource_name=c.resource_name,
                   evidence=["function removed" if c.delta == "removed" else "no longer reported"], delta=c.delta)


def _event(f: Finding, meta: CheckMeta | None, doc: ScanDocument, time_ms: int) -> DetectionFinding:
    fix = meta.remediation.get(f.provider) if meta else None
    return DetectionFinding(
        metadata=Metadata(product=Product(name="ztscan", vendor_name="ztscan", version=doc.tool.version),
                          uid=f.id, event_code=f.check_id, correlation_uid=doc.scan.id,
                          profiles=["cloud"]),
        activity_id=ActivityID.Create,
        activity_name="Create",
        type_uid=DetectionFindingTypeID.Create,
        type_name="Detection Finding: Create",
        severity_id=SEVERITY[f.severity],
        severity=f.severity.value.capitalize(),
        status_id=_status(f),
        status_code=f.status.value,
        status_detail="; ".join(f.evidence)[:2000],
        time=time_ms,
        time_dt=doc.scan.finished_at,
        finding_info=FindingInformation(uid=f.id, title=f.title, desc=meta.rationale if meta else f.title,
                                        types=[f"zero-trust/{f.pillar.value}"], created_time=time_ms,
                                        first_seen_time=_ms(f.first_seen), last_seen_time=_ms(f.last_seen)),
        resources=[ResourceDetails(uid=f.resource_id, name=f.resource_name, region=f.region,
                                   type=RESOURCE_TYPE.get(f.provider, "ServerlessFunction"),
                                   cloud_partition=f.provider)],
        cloud=Cloud(provider=f.provider, region=f.region,
                    account=Account(uid=f.account, name=f.account,
                                    type_id=ACCOUNT_TYPE.get(f.provider, TypeID.Other))),
        remediation=Remediation(desc=fix.console, references=meta.references or None) if fix and meta else None,
        risk_details=meta.risk if meta else None,
        message=f"{f.title}: {f.resource_name}",
        unmapped={"waiver": f.waiver} if f.waiver else None,
    )


def _events(doc: ScanDocument) -> Iterator[dict[str, Any]]:
    checks = {c.id: c for c in doc.checks}
    time_ms = int(doc.scan.finished_at.timestamp() * 1000)

    def event(f: Finding) -> dict[str, Any]:
        return _event(f, checks.get(f.check_id), doc, time_ms).model_dump(mode="json", exclude_none=True)

    for result in doc.results():
        yield from (event(f) for f in result.findings if f.status != Status.NOT_APPLICABLE)
    if doc.history:
        yield from (event(_gone(c, checks[c.check_id])) for c in doc.history.changes
                    if c.delta in ("resolved", "removed") and c.status is None and c.check_id in checks)


def render_ocsf(doc: ScanDocument, out: BinaryIO) -> None:
    with text_stream(out) as text:
        json_array(text, _events(doc), suffix="\n")
