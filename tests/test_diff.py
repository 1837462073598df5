"""`ztscan diff`: new, resolved and changed findings and grade changes between two saved scans."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reports
from scanner.inventory import InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from tests.conftest import run_cli


def _function(name: str, public: bool) -> ServerlessFunction:
    fn = ServerlessFunction(provider="aws", account="123456789012", region="us-east-1",
                            id=f"arn:aws:lambda:us-east-1:123456789012:function:{name}", name=name, kind="lambda")
    fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                            auth="none", evidence="function URL AuthType NONE")] if public else []
    return fn


def _save(path: Path, *functions: ServerlessFunction) -> Path:
    doc = assemble({"aws": Collection(functions=list(functions))}, datetime.now(UTC), date(2026, 11, 28))
    path.write_bytes(reports.rendered(doc, "json"))
    return path


@pytest.fixture
def scans(tmp_path: Path) -> tuple[Path, Path]:
    old = _save(tmp_path / "old.json", _function("api", public=True), _function("worker", public=False))
    new = _save(tmp_path / "new.json", _function("api", public=False), _function("worker", public=True),
                _function("fresh", public=True))
    return old, new


def test_diff_lists_new_resolved_and_grade_changes_as_json(scans: tuple[Path, Path]) -> None:
    result = run_cli(["diff", str(scans[0]), str(scans[1]), "--format", "json"])
    assert result.code == 0, result.stderr
    diff = json.loads(result.stdout)
    new = {(c["check_id"], c["resource_name"], c["old_status"], c["new_status"]) for c in diff["new"]}
    assert ("ZT-NET-001", "worker", "PASS", "FAIL") in new and ("ZT-NET-001", "fresh", None, "FAIL") in new
    resolved = {(c["check_id"], c["resource_name"]) for c in diff["resolved"]}
    assert ("ZT-NET-001", "api") in resolved
    grades = {g["scope"].rsplit(":", 1)[-1]: g for g in diff["grades"]}
    assert grades["api"]["new_score"] > grades["api"]["old_score"]
    assert grades["fresh"]["old_grade"] is None


def test_diff_text_html_and_ci_gate(scans: tuple[Path, Path], tmp_path: Path) -> None:
    text = run_cli(["diff", str(scans[0]), str(scans[1])])
    assert text.stdout.splitlines()[0].endswith("new, 1 resolved, 0 changed")
    assert "NEW      critical ZT-NET-001" in text.stdout
    html = run_cli(["diff", str(scans[0]), str(scans[1]), "--format", "html", "--out", str(tmp_path / "d.html")])
    assert html.code == 0 and 'id="scan-diff"' in (tmp_path / "d.html").read_text()
    gate = run_cli(["diff", str(scans[0]), str(scans[1]), "--fail-on-new", "critical"])
    assert gate.code == 1
    same = run_cli(["diff", str(scans[1]), str(scans[1]), "--fail-on-new", "low"])
    assert same.code == 0 and "0 new, 0 resolved, 0 changed" in same.stdout


def test_diff_of_a_non_scan_is_a_usage_error(tmp_path: Path, scans: tuple[Path, Path]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = run_cli(["diff", str(bad), str(scans[1])])
    assert result.code == 2 and "is not a ztscan scan document (schema 1 or 2.x)" in result.stderr
