"""Run one cloud's scan every way its shards can run (inline, local processes, --shard K/N slices
merged back) through the real CLI, and reduce each to what must not depend on where shards ran
(tests.test_shards._outcome: functions, targets, every finding's status and evidence, the scope)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.document import load
from scanner.inventory import ServerlessFunction
from scanner.provider import TargetStatus
from tests.conftest import run_cli
from tests.test_shards import _outcome


@dataclass(frozen=True)
class Scanned:
    path: Path  # the scan's JSON document
    outcome: dict[str, Any]

    def functions(self) -> dict[str, ServerlessFunction]:
        return {r.function.name: r.function for r in load(self.path).results()}

    def target(self, account: str) -> TargetStatus:
        return next(t for t in load(self.path).targets if t.account == account)


def scanned(scan: list[str], env: dict[str, str], out: Path, *extra: str) -> Scanned:
    """``ztscan scan <cloud> ...`` with the extra flags (e.g. --executor local:2), into ``out``."""
    result = run_cli([*scan, "--format", "json", "--out", str(out), "--no-store", *extra], out, env)
    assert result.code in (0, 1, 3) and (out / "ztscan.json").exists(), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return Scanned(out / "ztscan.json", _outcome(out / "ztscan.json"))


def merged_outcome(scan: list[str], env: dict[str, str], out: Path, n: int) -> dict[str, Any]:
    """Run every --shard K/N slice, then ``ztscan merge`` their files: the merged scan's outcome."""
    shards = out / "shards"
    for k in range(1, n + 1):
        result = run_cli([*scan, "--out", str(shards), "--no-store", "--shard", f"{k}/{n}"], shards, env)
        assert result.code in (0, 3) and "Traceback" not in result.stderr, result.stderr
    merged = run_cli(["merge", *(str(shards / f"shard-{k}-of-{n}.json") for k in range(n, 0, -1)),
                      "--out", str(out), "--format", "json", "--no-store"], out, env)
    assert merged.code in (0, 1, 3) and "Traceback" not in merged.stderr, merged.stderr
    return _outcome(out / "ztscan.json")


def targets(outcome: dict[str, Any]) -> dict[str, str]:
    """Account -> target status."""
    return {account: status for account, _, status, _ in outcome["targets"]}


def findings_outside(path: Path, account: str) -> dict[str, Any]:
    """The outcome's findings of a scan document, without those of one account's functions."""
    findings = _outcome(path)["findings"]
    for result in load(path).results():
        if result.function.account == account:
            for finding in result.findings:
                findings.pop(finding.id)
    return findings
