"""Waivers: accepted risks, each with a reason, an owner and an expiry date.

A waived finding stays in the output, marked waived; it no longer counts for exit codes, grades or
compliance. An expired waiver stops applying and is reported. A malformed file is an error.
"""

from __future__ import annotations

import fnmatch
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.cli_options import OptionsError
from scanner.document import WaiverUse
from scanner.findings import Finding
from scanner.inventory import ServerlessFunction


class Waiver(BaseModel):
    model_config = ConfigDict(extra="forbid")

    check: str = Field(description="Check id, or a glob such as ZT-NET-*")
    resource: str = Field("*", description="Glob over the function's id or name")
    account: str | None = None
    region: str | None = None
    tags: dict[str, str] = Field(default_factory=dict, description="Every tag must match")
    reason: str = Field(min_length=3)
    owner: str = Field(min_length=1)
    expires: date

    def matches(self, finding: Finding, fn: ServerlessFunction | None) -> bool:
        tags = fn.tags if fn else {}
        return (
            fnmatch.fnmatchcase(finding.check_id, self.check)
            and (fnmatch.fnmatchcase(finding.resource_id, self.resource)
                 or fnmatch.fnmatchcase(finding.resource_name, self.resource))
            and self.account in (None, finding.account)
            and self.region in (None, finding.region)
            and all(tags.get(k) == v for k, v in self.tags.items())
        )


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waivers: list[Waiver]


def load_waivers(path: Path) -> list[Waiver]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OptionsError(f"cannot read waiver file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise OptionsError(f"waiver file {path} is not valid YAML: {' '.join(str(exc).split())}") from exc
    try:
        return WaiverFile.model_validate(raw).waivers
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        raise OptionsError(f"waiver file {path}: {where}: {err['msg']}") from exc


class WaiverIndex:
    """Applies waivers one function at a time. Each finding is tried only against the waivers whose check
    glob matches its check id (globbed over the catalogue once), in file order: the first match waives it."""

    def __init__(self, waivers: list[Waiver], check_ids: list[str], today: date) -> None:
        self.waivers = waivers
        self.expired = [w.expires < today for w in waivers]
        self.matched = [0] * len(waivers)
        self._by_check = {check_id: self._candidates(check_id) for check_id in check_ids}

    def _candidates(self, check_id: str) -> tuple[int, ...]:
        return tuple(i for i, w in enumerate(self.waivers)
                     if not self.expired[i] and fnmatch.fnmatchcase(check_id, w.check))

    def apply(self, fn: ServerlessFunction, findings: list[Finding]) -> None:
        for finding in findings:
            if finding.waived:
                continue
            candidates = self._by_check.get(finding.check_id)
            if candidates is None:  # a check the catalogue given to the index lacks: globbed once, then kept
                candidates = self._by_check[finding.check_id] = self._candidates(finding.check_id)
            for i in candidates:
                waiver = self.waivers[i]
                if waiver.matches(finding, fn):
                    finding.waived = True
                    finding.waiver = {"reason": waiver.reason, "owner": waiver.owner,
                                      "expires": waiver.expires.isoformat()}
                    self.matched[i] += 1
                    break

    def uses(self) -> list[WaiverUse]:
        return [WaiverUse(check_id=w.check, resource=w.resource, reason=w.reason, owner=w.owner,
                          expires=w.expires.isoformat(), expired=expired, matched=matched)
                for w, expired, matched in zip(self.waivers, self.expired, self.matched, strict=True)]
