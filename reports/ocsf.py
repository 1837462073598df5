"""OCSF Detection Findings (class 2004), built and validated with py-ocsf-models, for SIEMs and
security lakes. One event per assessed finding; NOT_APPLICABLE ones carry no information and are left out."""

from __future__ import annotations

import json

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

from scanner.document import ScanDocument
from scanner.findings import CheckMeta, Finding, Severity, Status

SEVERITY = {Severity.critical: SeverityID.Critical, Severity.high: SeverityID.High, Severity.medium: SeverityID.Medium,
            Severity.low: SeverityID.Low, Severity.info: SeverityID.Informational}
ACCOUNT_TYPE = {"aws": TypeID.AWS_Account, "gcp": TypeID.GCP_Account, "azure": TypeID.Azure_AD_Account}
RESOURCE_TYPE = {"aws": "AwsLambdaFunction", "azure": "AzureFunctionApp", "gcp": "GcpCloudFunction"}


def _status(f: Finding) -> StatusID:
    if f.waived:
        return StatusID.Suppressed
    return {Status.FAIL: StatusID.New, Status.PASS: StatusID.Resolved}.get(f.status, StatusID.Other)


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
                                        types=[f"zero-trust/{f.pillar.value}"], created_time=time_ms),
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


def render_ocsf(doc: ScanDocument) -> str:
    checks = {c.id: c for c in doc.checks}
    time_ms = int(doc.scan.finished_at.timestamp() * 1000)
    events = [_event(f, checks.get(f.check_id), doc, time_ms).model_dump(mode="json", exclude_none=True)
              for f in doc.findings if f.status != Status.NOT_APPLICABLE]
    return json.dumps(events, indent=2) + "\n"
