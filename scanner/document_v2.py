"""The scan file, schema 2.x: the wire model behind ``--format json``, its JSON Schema and its validation.

Check metadata is written once; each function carries its facts, its score and its findings keyed by
check id, with nothing that repeats the function or the check; identity sharing is written as groups.
Whatever a reader can restore exactly is left out of a function's entry: fields at their default (the JSON
Schema gives each default), a finding id that is the stable hash of its check and function, a score's
coverage (assessed / applicable). ``to_document`` restores them.
The in-memory ScanDocument is what the scan and every report work with; this module converts between
the two, one function at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from scanner.document import (
    SCHEMA_ID,
    DocumentParts,
    FunctionScore,
    GroupScore,
    ScanDocument,
    Score,
    Scores,
)
from scanner.findings import CheckMeta, Delta, Finding, Status
from scanner.inventory import ServerlessFunction
from scanner.results import FunctionResult

_HISTORY = ("first_seen", "last_seen", "delta")


class FindingEntry(BaseModel):
    """One check's finding on the function that holds it. Fields at their default are left out of the file
    (the writer serialises with exclude_defaults), but the evidence is always written; a NOT_APPLICABLE
    finding keeps no history (first_seen, last_seen, delta): there is nothing to track."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None, description="Stable across scans. Left out when it is the first 20 hex digits of the SHA-256 of "
                          "the check id, a NUL byte and the function id (the id every finding has unless a later "
                          "schema says otherwise)")
    status: Status
    evidence: list[str] = Field(default_factory=list)
    waived: bool = False
    waiver: dict[str, str] | None = Field(None, description="reason, owner, expires of the waiver applied")
    first_seen: datetime | None = Field(
        None, description="Set when the scan wrote history (the document has `history`); left out when it is the "
                          "scan's finished_at (first seen by this scan)")
    last_seen: datetime | None = Field(
        None, description="Left out when it is the scan's finished_at (a finding present in this scan)")
    delta: Delta | None = Field(
        None, description="Against the previous scan of the same scope; left out when `unchanged` on a finding "
                          "that has a first_seen of its own (first seen before this scan)")

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler):
        # No return annotation: with one, pydantic would publish this model's schema as a bare object.
        data = handler(self)
        data.setdefault("evidence", list(self.evidence))
        if self.status == Status.NOT_APPLICABLE:
            return {k: v for k, v in data.items() if k not in _HISTORY}
        return data

    @classmethod
    def of(cls, f: Finding, finished_at: datetime) -> FindingEntry:
        # The id is derivable from the check and the function: ~28 bytes per finding.
        own_id = None if f.id == Finding.stable_id(f.check_id, f.resource_id) else f.id
        # Both stamps are most often the scan's own time: a lossless saving of ~60 bytes per finding.
        first_seen = None if f.first_seen == finished_at else f.first_seen
        last_seen = None if f.last_seen == finished_at else f.last_seen
        # A finding first seen before this scan and still here is almost always unchanged: the default.
        delta = None if first_seen is not None and f.delta == "unchanged" else f.delta
        return cls.model_construct(id=own_id, status=f.status, evidence=f.evidence, waived=f.waived,
                                   waiver=f.waiver, first_seen=first_seen, last_seen=last_seen, delta=delta)


def _coverage(assessed: int, applicable: int) -> float | None:
    """A score's coverage as scanner.grading computes it."""
    return assessed / applicable if applicable else None


class CompactScore(Score):
    """A Score inside a function entry: fields at their default are left out, and so is the coverage, which is
    always assessed / applicable (None when nothing applies): reading the file computes it again."""

    @model_serializer(mode="wrap")
    def _compact(self, handler: SerializerFunctionWrapHandler):
        data = handler(self)
        if self.coverage == _coverage(self.assessed, self.applicable):
            data.pop("coverage", None)
        return data

    @model_validator(mode="after")
    def _derive_coverage(self) -> CompactScore:
        if "coverage" not in self.model_fields_set:
            self.coverage = _coverage(self.assessed, self.applicable)
        return self


class FunctionScoreEntry(BaseModel):
    """The function's score: overall and per pillar (the function is the entry that holds it)."""

    overall: CompactScore
    pillars: dict[str, CompactScore] = Field(default_factory=dict)


class FunctionEntry(ServerlessFunction):
    """A function's facts, plus its score and its findings keyed by check id. Written with exclude_defaults:
    a fact at its default is left out, and so is a section all at its default (an unread fact is never at a
    default that reads as collected: it is listed in ``unknown``); the computed facts (anonymous_invoke,
    cross_account_invoke) are written wherever their section is."""

    score: FunctionScoreEntry | None = Field(None, description="None when the function was not graded")
    findings: dict[str, FindingEntry] = Field(default_factory=dict, description="Check id -> finding")

    @classmethod
    def of(cls, result: FunctionResult, finished_at: datetime) -> FunctionEntry:
        fn = result.function
        values = {name: getattr(fn, name) for name in ServerlessFunction.model_fields}
        score = result.score
        return cls.model_construct(
            **values,
            score=FunctionScoreEntry.model_construct(overall=_compact(score.overall), pillars={
                pillar: _compact(s) for pillar, s in score.pillars.items()}) if score else None,
            findings={f.check_id: FindingEntry.of(f, finished_at) for f in result.findings},
        )


def _compact(score: Score) -> CompactScore:
    return CompactScore.model_construct(score.model_fields_set, **score.__dict__)


class EstateScores(BaseModel):
    """Scores above the function (each function's own score is in its entry)."""

    accounts: list[GroupScore] = Field(default_factory=list)
    estate: GroupScore | None = None


class ScanFile(DocumentParts):
    """The scan document as ``--format json`` writes it (schema 2.x). ``functions`` comes last: it is streamed."""

    model_config = ConfigDict(json_schema_extra={"$id": SCHEMA_ID})

    scores: EstateScores = Field(default_factory=EstateScores)
    functions: list[FunctionEntry] = Field(default_factory=list)


PARTS = tuple(DocumentParts.model_fields)


def header(doc: ScanDocument, schema_version: str) -> ScanFile:
    """Everything but the functions, which the writer streams after it."""
    values: dict[str, Any] = {name: getattr(doc, name) for name in PARTS}
    scores = EstateScores.model_construct(accounts=doc.scores.accounts, estate=doc.scores.estate)
    return ScanFile.model_construct(**{**values, "schema_version": schema_version, "scores": scores, "functions": []})


def _findings(entry: FunctionEntry, checks: dict[str, CheckMeta], finished_at: datetime,
              recorded: bool) -> Iterable[Finding]:
    """``recorded``: the scan wrote history, so every finding it tracks was stamped, if only with its own time."""
    for check_id, f in entry.findings.items():
        meta = checks.get(check_id)
        if meta is None:
            raise ValueError(f"functions.{entry.id}.findings: {check_id} is not in checks")
        tracked = recorded and f.status != Status.NOT_APPLICABLE
        yield Finding(id=f.id or Finding.stable_id(check_id, entry.id), check_id=check_id, title=meta.title,
                      pillar=meta.pillar, severity=meta.severity,
                      status=f.status, provider=entry.provider, account=entry.account, region=entry.region,
                      resource_id=entry.id, resource_name=entry.name, evidence=f.evidence, waived=f.waived,
                      waiver=f.waiver, delta=f.delta or ("unchanged" if tracked and f.first_seen else None),
                      first_seen=f.first_seen or (finished_at if tracked else None),
                      last_seen=f.last_seen or (finished_at if tracked or f.first_seen else None))


def to_document(wire: ScanFile) -> ScanDocument:
    """The in-memory document of a 2.x file."""
    checks = {c.id: c for c in wire.checks}
    functions: list[ServerlessFunction] = []
    findings: list[Finding] = []
    scores: list[FunctionScore] = []
    for entry in wire.functions:
        findings.extend(_findings(entry, checks, wire.scan.finished_at, wire.history is not None))
        if entry.score is not None:
            scores.append(FunctionScore(function_id=entry.id, overall=Score(**entry.score.overall.__dict__),
                                        pillars={p: Score(**s.__dict__) for p, s in entry.score.pillars.items()}))
        functions.append(ServerlessFunction.model_construct(
            entry.model_fields_set - {"score", "findings"},
            **{name: getattr(entry, name) for name in ServerlessFunction.model_fields}))
    values = {name: getattr(wire, name) for name in PARTS}
    return ScanDocument(**values, functions=functions, findings=findings,
                        scores=Scores(functions=scores, accounts=wire.scores.accounts, estate=wire.scores.estate))
