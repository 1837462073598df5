"""Three scans of one moto estate into a history store, on SQLite and on PostgreSQL: between them a
weakness is fixed, a function is deleted, and a new weakness appears. The store, the JSON document,
SARIF (baselineState, SARIF 2.1.0 section 3.27.24) and OCSF (finding_info.first_seen_time, status_id)
must all tell the same story.
https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/sarif-v2.1.0-os.html#_Toc34317647
https://schema.ocsf.io/1.3.0/classes/detection_finding
"""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqlalchemy import create_engine, text

from scanner.demo.aws.fixtures import PUBLIC_URL, DemoFunction
from tests.conftest import CliResult, findings_of, run_cli, seeded_aws
from tests.history_stores import BACKENDS, store_for

FUNCTIONS = [
    DemoFunction("public-api", "python3.12", "reader", url_auth="NONE", permissions=[PUBLIC_URL]),
    DemoFunction("worker", "python3.12", "reader"),
    DemoFunction("legacy", "python3.12", "orders-admin", url_auth="NONE", permissions=[PUBLIC_URL]),
]
URL_CHECK = "ZT-NET-001"


@dataclass
class Story:
    store: str
    scans: list[CliResult]

    def finding(self, scan: int, check_id: str, name: str) -> dict[str, Any]:
        return self.scans[scan].finding(check_id, name)

    def report(self, scan: int, filename: str) -> Any:
        return json.loads((self.scans[scan].out_dir / filename).read_text())


def _scan(endpoint: str, env: dict[str, str], out: Path, store: str) -> CliResult:
    result = run_cli(["scan", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1", "--store", store,
                      "--format", "json,sarif,ocsf", "--out", str(out)], out, env)
    assert result.code in (0, 1), result.stderr
    return result


@pytest.fixture(scope="module", params=BACKENDS)
def story(request: pytest.FixtureRequest, moto_endpoint: str, aws_env: dict[str, str],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    tmp = tmp_path_factory.mktemp(f"story-{request.param}")
    with store_for(request.param, tmp) as store:
        urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).close()
        with seeded_aws(moto_endpoint, FUNCTIONS) as endpoint:
            lam = boto3.client("lambda", endpoint_url=moto_endpoint, region_name="us-east-1", **{
                k.lower(): v for k, v in aws_env.items() if k != "AWS_DEFAULT_REGION"})
            scans = [_scan(endpoint, aws_env, tmp / "1", store)]
            # The fix: the URL requires IAM, and the public statement goes (AWS_IAM with Principal "*"
            # would still admit every AWS account).
            lam.update_function_url_config(FunctionName="public-api", AuthType="AWS_IAM")
            lam.remove_permission(FunctionName="public-api", StatementId=PUBLIC_URL["StatementId"])
            lam.delete_function(FunctionName="legacy")
            scans.append(_scan(endpoint, aws_env, tmp / "2", store))
            # A new weakness: a URL anyone may call (AuthType NONE and the public statement AWS requires).
            lam.create_function_url_config(FunctionName="worker", AuthType="NONE")
            lam.add_permission(FunctionName="worker", Action="lambda:InvokeFunctionUrl", **{
                k: v for k, v in PUBLIC_URL.items() if k != "Action"})
            scans.append(_scan(endpoint, aws_env, tmp / "3", store))
            yield Story(store, scans)


def test_the_summary_line_counts_each_scan_against_the_last(story: Story) -> None:
    lines = [next(line for line in s.stderr.splitlines() if line.startswith("ztscan: history:")) for s in story.scans]
    assert "(first scan of this scope)" in lines[0]
    assert " 0 new, 1 resolved, " in lines[1] and " removed since scan " in lines[1]
    # A public URL fails two checks (anonymous invoke, and no CORS allow-list) and changes the evidence
    # of the checks that count invocation paths (their PASS now names one path).
    assert lines[2].startswith("ztscan: history: 2 new, 0 resolved, 6 changed, 0 removed since scan ")
    assert story.scans[2].document["history"]["previous_scan_id"] == story.scans[1].document["scan"]["id"]


def test_json_findings_carry_delta_first_and_last_seen(story: Story) -> None:
    finished = [s.document["scan"]["finished_at"] for s in story.scans]
    first = story.finding(0, URL_CHECK, "public-api")
    assert (first["delta"], first["first_seen"], first["last_seen"]) == ("new", finished[0], finished[0])
    fixed = story.finding(1, URL_CHECK, "public-api")
    assert fixed["status"] == "PASS" and fixed["delta"] == "resolved"
    appeared = story.finding(2, URL_CHECK, "worker")
    assert (appeared["delta"], appeared["first_seen"]) == ("new", finished[2])
    # A failing finding that stays keeps its first sighting.
    kept = next(f for f in findings_of(story.scans[2].document)
                if f["resource_name"] == "worker" and f["status"] == "FAIL" and f["check_id"] != URL_CHECK)
    assert (kept["delta"], kept["first_seen"], kept["last_seen"]) == ("unchanged", finished[0], finished[2])


def test_history_changes_name_resolved_and_removed_findings(story: Story) -> None:
    changes = story.scans[1].document["history"]["changes"]
    resolved = {(c["check_id"], c["resource_name"]) for c in changes if c["delta"] == "resolved"}
    removed = {(c["check_id"], c["resource_name"]) for c in changes if c["delta"] == "removed"}
    assert resolved == {(URL_CHECK, "public-api")}
    assert (URL_CHECK, "legacy") in removed and all(name == "legacy" for _, name in removed)
    assert story.scans[1].document["history"]["counts"]["removed"] == len(removed)
    trend = story.scans[2].document["history"]["trend"]
    assert [p["scan_id"] for p in trend] == [s.document["scan"]["id"] for s in story.scans]


def test_sarif_baseline_state(story: Story) -> None:
    def states(scan: int) -> dict[tuple[str, str], str]:
        results = story.report(scan, "ztscan.sarif")["runs"][0]["results"]
        return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["name"]): r["baselineState"] for r in results}

    assert states(0)[(URL_CHECK, "public-api")] == "new"
    second = states(1)
    assert second[(URL_CHECK, "public-api")] == "absent" and second[(URL_CHECK, "legacy")] == "absent"
    third = states(2)
    assert third[(URL_CHECK, "worker")] == third[("ZT-NET-005", "worker")] == "new"
    assert {v for k, v in third.items() if k[1] == "worker" and k[0] not in (URL_CHECK, "ZT-NET-005")} == {"unchanged"}


def test_ocsf_status_and_sighting_times(story: Story) -> None:
    def event(scan: int, check_id: str, name: str) -> dict[str, Any]:
        return next(e for e in story.report(scan, "ztscan.ocsf.json")
                    if e["metadata"]["event_code"] == check_id and e["resources"][0]["name"] == name)

    first = event(0, URL_CHECK, "public-api")
    assert first["status_id"] == 1 and first["finding_info"]["first_seen_time"] == first["finding_info"][
        "last_seen_time"]
    assert event(1, URL_CHECK, "public-api")["status_id"] == 4  # Resolved
    gone = event(1, URL_CHECK, "legacy")
    assert gone["status_id"] == 4 and gone["status_detail"] == "function removed"
    appeared = event(2, URL_CHECK, "worker")
    assert appeared["status_id"] == 1
    assert appeared["finding_info"]["first_seen_time"] > first["finding_info"]["first_seen_time"]


def test_the_store_holds_the_same_story(story: Story) -> None:
    ids = [s.document["scan"]["id"] for s in story.scans]
    url = story.store if "://" in story.store else f"sqlite:///{story.store}"
    engine = create_engine(url)
    with engine.connect() as conn:
        absences = dict(conn.execute(text(
            "SELECT f.resource_name, a.delta FROM scan_absences a JOIN findings f USING (finding_id) "
            "WHERE a.scan_id = :s AND f.check_id = :c"), {"s": ids[1], "c": URL_CHECK}).all())
        assert absences == {"legacy": "removed"}
        state = conn.execute(text("SELECT resource_name, status, present, last_scan_id, delta FROM findings "
                                  "WHERE check_id = :c ORDER BY resource_name"), {"c": URL_CHECK}).all()
        # legacy was last seen in the first scan; the second one noticed it was gone.
        assert [(*r[:2], bool(r[2]), *r[3:]) for r in state] == [("legacy", "FAIL", False, ids[0], "removed"),
                                             ("public-api", "PASS", True, ids[2], "unchanged"),
                                             ("worker", "FAIL", True, ids[2], "new")]
        deltas = conn.execute(text("SELECT deltas FROM scans WHERE id = :s"), {"s": ids[1]}).scalar_one()
        assert (json.loads(deltas) if isinstance(deltas, str) else deltas)["resolved"] == 1
        open_rows = conn.execute(text("SELECT resource_name, age_days FROM open_failing_findings "
                                      "WHERE check_id = :c"), {"c": URL_CHECK}).all()
        assert [r[0] for r in open_rows] == ["worker"] and 0 <= open_rows[0][1] < 1
        grades = conn.execute(text("SELECT COUNT(*) FROM account_grades")).scalar_one()
        assert grades == 3
        daily = conn.execute(text("SELECT SUM(failing) FROM daily_failing_counts WHERE check_id = :c"),
                             {"c": URL_CHECK}).scalar_one()
        assert daily == 3  # public-api, legacy and worker each failed on this day
    engine.dispose()
    if "://" not in story.store:
        assert sqlite3.connect(story.store).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
