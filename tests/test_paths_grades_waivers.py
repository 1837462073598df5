"""Attack paths, grades, compliance and waivers over a real AWS scan (moto behind the proxy)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.demo.aws import estate as aws_estate
from scanner.demo.aws import fixtures
from scanner.demo.aws.proxy import ProxyState, aws_proxy
from tests.conftest import CliResult, run_cli


@pytest.fixture(scope="module")
def endpoint(moto_endpoint: str) -> Iterator[str]:
    recorded = aws_estate.seed(moto_endpoint)
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded)) as (proxied, _):
        yield proxied


def scan(endpoint: str, env: dict[str, str], out: Path, *extra: str) -> CliResult:
    return run_cli(["scan", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1,eu-west-1",
                    "--format", "json,html", "--out", str(out), *extra], out, env)


@pytest.fixture(scope="module")
def result(endpoint: str, aws_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> CliResult:
    return scan(endpoint, aws_env, tmp_path_factory.mktemp("paths"))


def _paths(result: CliResult, name: str) -> set[str]:
    return {p["kind"] for p in result.document["attack_paths"] if p["function_name"] == name}


def test_attack_paths_join_anonymous_invoke_with_privilege_and_secrets(result: CliResult) -> None:
    # AdministratorAccess also rewrites other functions: the lateral path is the anonymous one.
    assert _paths(result, "orders-api") == {"anonymous-invoke-to-privileged-identity",
                                            "anonymous-invoke-to-secrets", "anonymous-invoke-to-lateral-movement"}
    assert _paths(result, "payments-webhook") == {"anonymous-invoke-to-secrets"}
    assert _paths(result, "report-builder") == {"lateral-movement"}
    assert _paths(result, "image-resizer") == set() and _paths(result, "health-check") == set()
    first = result.document["attack_paths"][0]
    assert first["severity"] == "critical" and len(first["finding_ids"]) >= 2
    privileged = next(p for p in result.document["attack_paths"]
                      if p["function_name"] == "orders-api" and p["kind"] == "anonymous-invoke-to-privileged-identity")
    assert any("AdministratorAccess" in fact for fact in privileged["facts"]), privileged["facts"]
    assert 'id="attack-paths"' in (result.out_dir / "ztscan.html").read_text()


def test_one_critical_finding_caps_the_function_grade(result: CliResult) -> None:
    scores = {fn["name"]: fn["score"] for fn in result.document["functions"]}
    orders = scores["orders-api"]["overall"]
    assert orders["grade"] == "F" and orders["score"] <= 49 and orders["failing"]["critical"] >= 1
    assert scores["orders-api"]["pillars"]["network"]["grade"] == "F"
    estate = result.document["scores"]["estate"]
    assert estate["functions"] == len(fixtures.FUNCTIONS)
    assert [a["account"] for a in result.document["scores"]["accounts"]] == [fixtures.DEMO_ACCOUNT]
    best = max(scores.values(), key=lambda s: s["overall"]["score"])
    assert best["overall"]["score"] > orders["score"]


def test_compliance_reports_pass_rates_and_failing_controls(
    endpoint: str, aws_env: dict[str, str], tmp_path: Path
) -> None:
    only = scan(endpoint, aws_env, tmp_path, "--compliance", "cis-aws")
    frameworks = only.document["compliance"]
    assert [f["id"] for f in frameworks] == ["CIS-AWS-Compute"]
    controls = {c["control"]: c for c in frameworks[0]["controls"]}
    assert controls["4.6"]["status"] == "FAIL" and controls["4.6"]["failing"] >= 2
    assert 0 <= frameworks[0]["pass_rate"] < 1
    assert "CIS AWS Compute Services Benchmark" in only.stderr and "failing: " in only.stderr
    unknown = scan(endpoint, aws_env, tmp_path, "--compliance", "pci-9000")
    assert unknown.code == 2 and "unknown framework 'pci-9000'" in unknown.stderr


def test_waivers_mark_findings_and_expired_ones_stop_applying(
    endpoint: str, aws_env: dict[str, str], tmp_path: Path
) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "waivers:\n"
        "  - check: ZT-NET-001\n    resource: payments-*\n    reason: public webhook, signed payloads\n"
        "    owner: payments-team\n    expires: 2099-01-01\n"
        "  - check: ZT-SEC-*\n    resource: billing-export\n    reason: rotating next sprint\n"
        "    owner: finance\n    expires: 2020-01-01\n"
    )
    waived = scan(endpoint, aws_env, tmp_path / "out", "--waivers", str(waivers))
    finding = waived.finding("ZT-NET-001", "payments-webhook")
    assert finding["status"] == "FAIL" and finding["waived"] is True
    assert finding["waiver"] == {"reason": "public webhook, signed payloads", "owner": "payments-team",
                                 "expires": "2099-01-01"}
    assert waived.finding("ZT-SEC-001", "billing-export")["waived"] is False
    uses = {u["check_id"]: u for u in waived.document["waivers"]}
    assert uses["ZT-NET-001"]["matched"] == 1 and uses["ZT-SEC-*"]["expired"] is True
    assert "expired on 2020-01-01 and no longer applies" in waived.stderr
    assert _paths(waived, "payments-webhook") == {"anonymous-invoke-to-secrets"}


@pytest.mark.parametrize(("content", "message"), [
    ("waivers:\n  - check: ZT-NET-001\n    reason: known risk\n", "waivers.0.owner: Field required"),
    ("waivers: [", "is not valid YAML"),
    ("waivers:\n  - check: A\n    reason: why not\n    owner: me\n    expires: someday\n", "expires"),
])
def test_malformed_waiver_file_is_a_one_line_error(
    endpoint: str, aws_env: dict[str, str], tmp_path: Path, content: str, message: str
) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(content)
    bad = scan(endpoint, aws_env, tmp_path, "--waivers", str(waivers))
    assert bad.code == 2 and message in bad.stderr
    assert bad.stderr.strip().splitlines()[-1].startswith("ztscan: error: waiver file")
