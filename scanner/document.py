"""The scan document: what every report renders and what ``--format json`` writes."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from scanner import __version__
from scanner.findings import CheckMeta, Finding, Severity, Status
from scanner.inventory import ServerlessFunction
from scanner.provider import TargetStatus
from scanner.results import FunctionResult, MemoryResults, ResultSource

# Bump the major version on any breaking change to the document; consumers key on it.
SCHEMA_VERSION = "2.0.0"
SCHEMA_MAJOR = SCHEMA_VERSION.split(".")[0]
SCHEMA_ID = f"https://ztscan.dev/schema/scan-{SCHEMA_VERSION}.json"
READABLE_MAJORS = ("1", SCHEMA_MAJOR)  # load() converts 1.x files into today's document


class ToolInfo(BaseModel):
    name: str = "ztscan"
    version: str = __version__


class ScanMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    started_at: datetime
    finished_at: datetime
    scan_date: str = Field(description="The date checks were evaluated against (YYYY-MM-DD)")
    providers: list[str]
    scope: dict[str, dict[str, list[str] | str]] = Field(default_factory=dict)
    runtime_data: str = Field(description="Version of the runtime end-of-support data used")
    plugin_errors: list[str] = Field(default_factory=list)
    api_calls: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Per provider: HTTP requests sent by operation, retries included"
    )


class Score(BaseModel):
    """A 0-100 score and its letter grade (the formula is documented in the README's Grading section)."""

    score: int | None = Field(ge=0, le=100, description="None when nothing in the scope was assessed")
    grade: str = Field(description="A (best) to F, or n/a when nothing in the scope was assessed")
    failing: dict[str, int] = Field(default_factory=dict, description="Failing findings by severity")
    capped_by: str | None = Field(None, description="Why the grade was capped (e.g. a critical finding)")
    assessed: int = Field(0, description="Findings that were assessed (PASS or FAIL)")
    applicable: int = Field(0, description="Findings that apply (every status but NOT_APPLICABLE)")
    coverage: float | None = Field(
        None, ge=0, le=1, description="assessed / applicable: how much of the scope the grade speaks for"
    )
    reason: str | None = Field(None, description="Why there is no grade (n/a)")

    def detail(self) -> str:
        """What stands beside the letter: "(72), 60% of checks assessed" or "(nothing could be assessed)"."""
        if self.score is None:
            return f"({self.reason})" if self.reason else ""
        text = f"({self.score})"
        if self.coverage is not None and self.coverage < 1:
            # Floored: 99.6% assessed must not read as "100%".
            text += f", {math.floor(self.coverage * 100)}% of checks assessed"
        return text

    def label(self) -> str:
        """The grade as people read it: "C (72), 60% of checks assessed" or "n/a (nothing could be assessed)"."""
        return f"{self.grade} {self.detail()}".strip()


class FunctionScore(BaseModel):
    function_id: str
    overall: Score
    pillars: dict[str, Score] = Field(default_factory=dict)


class GroupScore(BaseModel):
    """An account/subscription/project, or the whole estate."""

    provider: str | None = None
    account: str | None = None
    overall: Score
    pillars: dict[str, Score] = Field(default_factory=dict)
    functions: int = 0


class Scores(BaseModel):
    functions: list[FunctionScore] = Field(default_factory=list)
    accounts: list[GroupScore] = Field(default_factory=list)
    estate: GroupScore | None = None


class AttackPath(BaseModel):
    """A cross-pillar risk that no single check shows: facts joined on one function."""

    id: str = Field(description="Stable across scans: hash of the path kind and the function id")
    kind: str = Field(description="e.g. anonymous-invoke-to-admin, anonymous-invoke-to-secrets, lateral-movement")
    title: str
    severity: Severity
    function_id: str
    function_name: str
    provider: str
    account: str
    region: str
    facts: list[str] = Field(description="The facts the path joins, each in plain words")
    finding_ids: list[str] = Field(default_factory=list, description="Findings the path is built from")
    waived: bool = False


class ComplianceControl(BaseModel):
    control: str
    checks: list[str]
    status: Status = Field(description="FAIL if any mapped finding fails; NOT_ASSESSED if any could not be")
    failing: int = 0
    passing: int = 0
    not_assessed: int = 0


class ComplianceFramework(BaseModel):
    id: str
    title: str
    pass_rate: float = Field(ge=0, le=1, description="Share of assessed controls that pass")
    controls: list[ComplianceControl]


class WaiverUse(BaseModel):
    """A waiver from the waiver file, and what it did in this scan."""

    check_id: str
    resource: str = "*"
    reason: str
    owner: str
    expires: str
    expired: bool
    matched: int = Field(0, description="Findings it waived")


class Summary(BaseModel):
    functions: int
    findings_by_status: dict[str, int]
    failures_by_severity: dict[str, int]
    targets_incomplete: int
    unknown_facts: dict[str, int] = Field(
        default_factory=dict, description="Fact path that could not be read -> number of functions, most first"
    )


class TrendPoint(BaseModel):
    """One earlier (or this) scan of the same scope, for trend charts."""

    scan_id: str
    finished_at: datetime
    estate_score: int | None = Field(None, description="None where nothing was assessed")
    estate_grade: str | None = None
    failing: dict[str, int] = Field(default_factory=dict, description="Failing findings by severity")


class FindingChange(BaseModel):
    """A finding that is new, resolved, changed or whose function was removed since the previous scan."""

    finding_id: str
    check_id: str
    title: str
    severity: Severity
    resource_id: str
    resource_name: str
    provider: str | None = None
    account: str | None = None
    region: str | None = None
    delta: str = Field(description="new, changed, resolved or removed")
    status: Status | None = Field(None, description="Status now; None for a resolved or removed finding")


class HistorySummary(BaseModel):
    """What the history store says about this scan: the delta against the previous scan and the trend."""

    store: str = Field(description="Where history is kept (a path or a URL with no password)")
    previous_scan_id: str | None = None
    counts: dict[str, int] = Field(default_factory=dict, description="new/changed/unchanged/resolved/removed")
    changes: list[FindingChange] = Field(
        default_factory=list, description="New, changed, resolved and removed findings, the most severe first; "
        "at most 500 (changes_total counts them all)")
    changes_total: int = Field(0, ge=0, description="New, changed, resolved and removed findings in all: "
                               "how many changes lists, plus those left out of it")
    trend: list[TrendPoint] = Field(default_factory=list, description="Oldest first, this scan last")

    @model_validator(mode="after")
    def _every_change_listed_unless_counted(self) -> HistorySummary:
        # A document written before changes were capped lists every change and has no total.
        if "changes_total" not in self.model_fields_set:
            self.changes_total = len(self.changes)
        return self


class PlanChange(BaseModel):
    """One change (a role, a key, a runtime upgrade, one function's setting) and what fixing it gains."""

    key: str = Field(description="Stable id of the change: its kind and its target")
    kind: str = Field(description="least-privilege, identity-trust, dedicated-identity, runtime-upgrade, "
                      "key-state, key-rotation or function-setting")
    title: str
    provider: str
    target: str = Field(description="The role, key, runtime or function the change is made on")
    checks: list[str] = Field(description="Checks whose failing findings the change fixes")
    findings: int = Field(description="Failing findings the change fixes")
    functions: list[str] = Field(description="Ids of the functions the change touches")
    function_names: list[str]
    remediation: str = Field(description="How to make the change (the check's console steps)")
    gain: int = Field(description="Estate score points gained, after the changes ranked above it")
    estate_score_after: int = Field(description="Estate score once this and every change above it are made")
    estate_grade_after: str


class RemediationPlan(BaseModel):
    """Failing findings grouped by the one change that fixes them, ranked by what each adds to the estate score."""

    estate_score: int
    estate_grade: str
    headline_changes: int = Field(description="The fewest top changes that reach grade C (or the plan's final grade "
                                  "when that is lower or the estate is already at C or better)")
    headline_score: int
    headline_grade: str
    score_after_all: int
    grade_after_all: str
    changes_total: int
    changes: list[PlanChange] = Field(default_factory=list, description="Best first; at most the top 100")


class IdentityGroup(BaseModel):
    """One principal that two or more scanned functions run as."""

    provider: str
    principal: str
    functions: list[str] = Field(description="Ids of the functions that run as it, sorted")


def shared_groups(index: dict[tuple[str, str], tuple[str, ...]]) -> list[IdentityGroup]:
    """The document's identity_groups from the engine's identity index: principals of 2 or more functions."""
    return [IdentityGroup(provider=provider, principal=principal, functions=list(ids))
            for (provider, principal), ids in sorted(index.items()) if len(ids) > 1]


class DocumentParts(BaseModel):
    """What the scan in memory and the file it is written as share: everything but the per-function bulk."""

    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo = Field(default_factory=ToolInfo)
    scan: ScanMeta
    targets: list[TargetStatus]
    checks: list[CheckMeta] = Field(description="Every check evaluated, once; findings refer to them by id")
    identity_groups: list[IdentityGroup] = Field(
        default_factory=list, description="Principals that 2 or more scanned functions run as")
    attack_paths: list[AttackPath] = Field(default_factory=list)
    compliance: list[ComplianceFramework] = Field(default_factory=list)
    waivers: list[WaiverUse] = Field(default_factory=list)
    summary: Summary
    history: HistorySummary | None = Field(None, description="Present when the scan wrote to a history store")
    remediation_plan: RemediationPlan | None = Field(None, description="What to fix first; None when nothing fails")


class ScanDocument(DocumentParts):
    """The scan in memory. The file it is written as (schema 2.x) is scanner.document_v2.ScanFile."""

    # Per-function bulk of a scan held in memory; a streaming scan leaves them empty and reads results().
    functions: list[ServerlessFunction] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    scores: Scores = Field(default_factory=Scores)
    # Where results() reads from when they are not the lists above: the spill store of a streaming scan.
    _source: ResultSource | None = PrivateAttr(None)

    def results(self) -> Iterator[FunctionResult]:
        """Each function with its findings and score, one at a time: what every report iterates."""
        yield from self._source if self._source is not None else MemoryResults(
            self.functions, self.findings, self.scores.functions)

    def update_results(self, results: Sequence[FunctionResult]) -> None:
        """Write back findings stamped after the fact (history's deltas) to where results() reads them."""
        if self._source is not None:
            self._source.update(results)

    @property
    def function_count(self) -> int:
        return len(self._source) if self._source is not None else len(self.functions)

    @property
    def incomplete(self) -> bool:
        """Something in scope was not assessed: a target, a fact behind a finding, or a plugin."""
        return bool(
            self.summary.targets_incomplete
            or self.summary.findings_by_status.get(Status.NOT_ASSESSED.value)
            or self.scan.plugin_errors
        )

    def failing(self, at_least: Severity) -> list[Finding]:
        return [f for r in self.results() for f in r.findings
                if f.status == Status.FAIL and not f.waived and f.severity.rank >= at_least.rank]

    def gate_trips(self, at_least: Severity) -> bool:
        """Any unwaived failure at or above the severity (from the summary: no pass over the findings)."""
        return any(n for severity, n in self.summary.failures_by_severity.items()
                   if Severity(severity).rank >= at_least.rank)


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the scan file: generated from its wire model."""
    from scanner.document_v2 import ScanFile

    schema = ScanFile.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


class DocumentError(Exception):
    pass


def _from_v1(raw: dict[str, Any]) -> ScanDocument:
    """A 1.x file: its lists are today's in-memory fields; identity groups and the plan are derived."""
    from scanner.engine import identity_groups
    from scanner.remediation_plan import plan_of_results

    doc = ScanDocument.model_validate(raw)
    doc.identity_groups = shared_groups(identity_groups(doc.functions))
    if doc.remediation_plan is None:  # saved before plans existed (or nothing fails: the plan is None again)
        doc.remediation_plan = plan_of_results(doc.results(), doc.checks)
    return doc


def _from_v2(raw: dict[str, Any]) -> ScanDocument:
    from scanner.document_v2 import ScanFile, to_document

    return to_document(ScanFile.model_validate(raw))


def load(path: Path) -> ScanDocument:
    """Read a saved scan (schema 1.x or 2.x), with a one-line error for anything that is not one."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise DocumentError(f"{path} is not JSON: {exc.msg} at line {exc.lineno}") from exc
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    major = version.split(".")[0] if isinstance(version, str) else None
    if major not in READABLE_MAJORS:
        raise DocumentError(f"{path} is not a ztscan scan document (schema {' or '.join(READABLE_MAJORS)}.x)")
    try:
        return _from_v1(raw) if major == "1" else _from_v2(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DocumentError(f"{path} is not a valid scan document: {where}: {first['msg']}") from exc
    except ValueError as exc:
        raise DocumentError(f"{path} is not a valid scan document: {exc}") from exc
