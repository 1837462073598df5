"""The remediation plan: grouping by the change that fixes findings, ranking by estate score, `ztscan plan`,
and the end-to-end promise: make the first change on the AWS demo estate and the score moves as predicted."""

from __future__ import annotations

import copy
import dataclasses
import json
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import reports
from scanner.demo.aws import estate as aws_estate
from scanner.demo.aws import fixtures
from scanner.demo.aws.proxy import ProxyState, aws_proxy
from scanner.document import ScanDocument
from scanner.findings import Status
from scanner.grading import Grades, score_function
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.remediation_plan import plan_of_results
from scanner.run import assemble
from tests.conftest import CliResult, findings_of, run_cli


def _fn(i: int, role: str, admin: bool = False, public: bool = False) -> ServerlessFunction:
    fn = ServerlessFunction(provider="aws", account="111122223333", region="us-east-1", id=f"fn:{i}",
                            name=f"fn-{i}", kind="lambda")
    fn.identity.kind = "aws_iam_role"
    fn.identity.principal = role
    if admin:
        fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
    if public:
        fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                auth="none", evidence="AuthType NONE")]
    return fn


def _doc(functions: list[ServerlessFunction]) -> ScanDocument:
    return assemble({"test": Collection(functions=functions)}, datetime.now(UTC), date(2026, 11, 28))


def _replay(doc: ScanDocument, upto: int) -> int:
    """The estate score with the first `upto` changes' findings passing, by grading itself."""
    fixed = set()
    for change in doc.remediation_plan.changes[:upto]:
        fixed |= {f.id for f in doc.findings if f.status == Status.FAIL and not f.waived
                  and f.check_id in change.checks and f.resource_id in change.functions}
    findings = [dataclasses.replace(f, status=Status.PASS) if f.id in fixed else f for f in doc.findings]
    grades = Grades()
    for fn in doc.functions:
        grades.add(fn, score_function(fn.id, [f for f in findings if f.resource_id == fn.id]))
    return grades.scores().estate.overall.score


def test_one_role_is_one_change_touching_every_function_that_runs_as_it() -> None:
    doc = _doc([_fn(0, "role/admin", admin=True), _fn(1, "role/admin", admin=True), _fn(2, "role/ok")])
    plan = doc.remediation_plan
    change = next(c for c in plan.changes if c.kind == "least-privilege")
    assert change.target == "role/admin" and change.functions == ["fn:0", "fn:1"]
    assert "ZT-IAM-001" in change.checks and change.findings >= 2
    shared = next(c for c in plan.changes if c.kind == "dedicated-identity")
    assert shared.function_names == ["fn-0", "fn-1"], "both functions share role/admin (ZT-IAM-004)"
    assert plan.changes[0].key == change.key, "the admin role costs most, so it comes first"
    assert plan.estate_score == doc.scores.estate.overall.score


def test_each_step_predicts_what_grading_computes_with_those_findings_passing() -> None:
    functions = [_fn(i, f"role/{i % 3}", admin=i % 4 == 0, public=i % 5 == 0) for i in range(20)]
    doc = _doc(functions)
    plan = doc.remediation_plan
    assert plan.changes_total == len(plan.changes) > 3
    for n, change in enumerate(plan.changes, 1):
        assert _replay(doc, n) == change.estate_score_after, change.title
    previous = plan.estate_score
    for change in plan.changes:
        assert change.gain == change.estate_score_after - previous
        previous = change.estate_score_after
    assert plan.score_after_all == plan.changes[-1].estate_score_after == 100
    assert plan.changes[plan.headline_changes - 1].estate_score_after == plan.headline_score


def test_a_function_setting_without_a_shared_target_is_its_own_change() -> None:
    doc = _doc([_fn(0, "role/a", public=True), _fn(1, "role/b", public=True)])
    public = [c for c in doc.remediation_plan.changes if "ZT-NET-001" in c.checks]
    assert [(c.kind, c.functions) for c in public] == [("function-setting", ["fn:0"]), ("function-setting", ["fn:1"])]


def test_waived_findings_are_not_planned_and_an_empty_estate_has_no_plan() -> None:
    doc = _doc([_fn(0, "role/a", public=True)])
    assert any("ZT-NET-001" in c.checks for c in doc.remediation_plan.changes)
    waived = _doc([_fn(0, "role/a", public=True)])
    for f in waived.findings:
        f.waived = True
    assert plan_of_results(waived.results(), waived.checks) is None
    assert _doc([]).remediation_plan is None


def test_plan_command_prints_text_and_json(tmp_path: Path) -> None:
    doc = _doc([_fn(0, "role/admin", admin=True, public=True), _fn(1, "role/admin")])
    path = tmp_path / "scan.json"
    path.write_bytes(reports.rendered(doc, "json"))
    text = run_cli(["plan", str(path)])
    assert text.code == 0, text.stderr
    assert "Reduce identity role/admin to least privilege" in text.stdout
    assert f"takes the estate from {doc.scores.estate.overall.grade} ({doc.scores.estate.overall.score})" in text.stdout
    as_json = run_cli(["plan", str(path), "--format", "json"])
    assert json.loads(as_json.stdout) == doc.remediation_plan.model_dump(mode="json")
    old = doc.model_dump(mode="json")  # the in-memory document has the 1.x shape: a 1.x file from before plans
    old.pop("remediation_plan")
    old.pop("identity_groups")
    old["schema_version"] = "1.1.0"
    path.write_text(json.dumps(old))
    rebuilt = run_cli(["plan", str(path), "--format", "json"])
    assert json.loads(rebuilt.stdout) == doc.remediation_plan.model_dump(mode="json"), "an older scan gets a plan too"
    missing = run_cli(["plan", str(tmp_path / "absent.json")])
    assert missing.code == 2 and missing.stderr.count("\n") == 1 and "Traceback" not in missing.stderr


# --- End to end on the AWS demo estate (the whole demo's first change is on GCP, so this scans AWS alone) ---

SAFE_RUNTIMES = {"python": "python3.13", "nodejs": "nodejs22.x", "java": "java21"}
NARROW = fixtures._policy({"Effect": "Allow", "Action": ["dynamodb:GetItem"],
                             "Resource": f"arn:aws:dynamodb:us-east-1:{fixtures.DEMO_ACCOUNT}:table/orders"})


def _apply(change: dict[str, Any], functions: list[fixtures.DemoFunction],
           roles: dict[str, dict[str, Any]]) -> None:
    """Make the plan's change in the estate's seed, the way an engineer would in their IaC."""
    role = change["target"].rsplit("/", 1)[-1]
    if change["kind"] == "least-privilege":
        roles[role] = {**{k: v for k, v in roles[role].items() if k == "trust"}, "inline": NARROW}
    elif change["kind"] == "identity-trust":
        roles[role] = {k: v for k, v in roles[role].items() if k != "trust"}
    elif change["kind"] == "dedicated-identity":
        for spec in functions:
            if spec.role == role:
                roles[f"{role}-{spec.name}"] = copy.deepcopy(roles[role])
                spec.role = f"{role}-{spec.name}"
    elif change["kind"] == "runtime-upgrade":
        for spec in functions:
            if spec.runtime == change["target"]:
                spec.runtime = next(v for k, v in SAFE_RUNTIMES.items() if spec.runtime.startswith(k))
    else:
        pytest.fail(f"the first change is {change['kind']}: teach this test to make it")


def _scan_aws(endpoint: str, env: dict[str, str], out: Path, functions: list[fixtures.DemoFunction],
              roles: dict[str, dict[str, Any]]) -> CliResult:
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
    recorded = aws_estate.seed(endpoint, functions, roles)
    with aws_proxy(endpoint, ProxyState(endpoint, recorded=recorded)) as (proxied, _):
        result = run_cli(["scan", "aws", "--endpoint-url", proxied, "--regions", ",".join(fixtures.REGIONS),
                          "--format", "json", "--out", str(out)], out, env)
    assert result.code in (0, 1), result.stderr
    return result


def test_making_the_first_change_raises_the_score_as_predicted(
    moto_endpoint: str, aws_env: dict[str, str], tmp_path: Path
) -> None:
    functions = copy.deepcopy(fixtures.FUNCTIONS)
    roles = copy.deepcopy(fixtures.ROLES)
    before = _scan_aws(moto_endpoint, aws_env, tmp_path / "before", functions, roles).document
    first = before["remediation_plan"]["changes"][0]
    assert first["provider"] == "aws" and first["gain"] > 0
    _apply(first, functions, roles)
    after = _scan_aws(moto_endpoint, aws_env, tmp_path / "after", functions, roles).document
    assert after["scores"]["estate"]["overall"]["score"] == first["estate_score_after"]
    assert (after["scores"]["estate"]["overall"]["score"] - before["scores"]["estate"]["overall"]["score"]
            == first["gain"])
    fixed = {(f["check_id"], f["resource_id"]) for f in findings_of(before) if f["status"] == "FAIL"} - {
        (f["check_id"], f["resource_id"]) for f in findings_of(after) if f["status"] == "FAIL"}
    assert {c for c, _ in fixed} == set(first["checks"])
