"""Check metadata, verdicts and findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass as pydantic_dataclass


class Severity(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.critical: 4, Severity.high: 3, Severity.medium: 2, Severity.low: 1, Severity.info: 0}


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    NOT_ASSESSED = "NOT_ASSESSED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Pillar(StrEnum):
    identity = "identity"
    network = "network"
    secrets = "secrets"
    encryption = "encryption"
    runtime = "runtime"
    monitoring = "monitoring"


class Remediation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    console: str = Field(description="Steps in the cloud console")
    cli: str | None = Field(None, description="A CLI command that fixes it")
    terraform: str | None = Field(None, description="The Terraform setting that fixes it")


class CheckMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    pillar: Pillar
    severity: Severity
    rationale: str = Field(description="Why it matters under zero trust")
    risk: str = Field(description="What an attacker can do when it fails")
    remediation: dict[str, Remediation] = Field(description="Per provider name")
    references: list[str] = Field(default_factory=list)
    compliance: dict[str, list[str]] = Field(default_factory=dict, description="Framework -> control ids")
    providers: list[str] | None = Field(None, description="Clouds where the concept exists; None = all")


@dataclass(frozen=True)
class Verdict:
    """What a check concludes for one function."""

    status: Status
    evidence: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def fail_if(cls, evidence: list[str] | tuple[str, ...], passed: str = "") -> Verdict:
        """FAIL with the evidence when there is any, else PASS (with what was checked)."""
        if evidence:
            return cls(Status.FAIL, tuple(evidence))
        return cls(Status.PASS, (passed,) if passed else ())

    @classmethod
    def not_applicable(cls, why: str) -> Verdict:
        return cls(Status.NOT_APPLICABLE, (why,))


Delta = Literal["new", "changed", "unchanged", "resolved", "removed"]


# A slotted pydantic dataclass rather than a BaseModel: a scan holds one finding per check and
# function (21,000 for 600 functions), and a model's per-instance dict and field set cost ~1 KB each.
@pydantic_dataclass(slots=True, kw_only=True, config=ConfigDict(extra="forbid"))
class Finding:
    id: str = Field(description="Stable across scans: hash of check id and resource id")
    check_id: str
    title: str
    pillar: Pillar
    severity: Severity
    status: Status
    provider: str
    account: str
    region: str
    resource_id: str
    resource_name: str
    evidence: list[str] = Field(default_factory=list)
    waived: bool = False
    waiver: dict[str, str] | None = None
    # Filled from the history store when the scan writes history; None for a scan without one.
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    delta: Delta | None = Field(None, description="Against the previous scan of the same scope")

    @staticmethod
    def stable_id(check_id: str, resource_id: str) -> str:
        return hashlib.sha256(f"{check_id}\x00{resource_id}".encode()).hexdigest()[:20]
