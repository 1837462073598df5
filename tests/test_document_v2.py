"""Schema 2.0 and its compatibility: the compact file, 1.x files still read by report/diff/plan, and JSON Lines.

tests/data/scan-1.1.0.json was written by ztscan on main before schema 2.0 (3 AWS functions, two on one
role, one waiver), so the 1.x reading is tested against a real 1.x file, not one built by today's code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.document import ScanDocument
from scanner.findings import Status
from tests.conftest import expanded, facts_of, findings_of, run_cli, shared_with

V1 = Path(__file__).parent / "data" / "scan-1.1.0.json"
SCHEMA = Path(__file__).parent.parent / "schema" / "ztscan-scan-2.schema.json"
JOINED = ("check_id", "title", "pillar", "severity", "provider", "account", "region", "resource_id",
          "resource_name")


@pytest.fixture(scope="module")
def v1() -> dict[str, Any]:
    return json.loads(V1.read_text())


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 1.x file re-rendered by ``ztscan report`` as 2.0 JSON, JSON Lines and HTML."""
    out = tmp_path_factory.mktemp("v2")
    result = run_cli(["report", str(V1), "--format", "json,jsonl,html", "--out", str(out)])
    assert result.code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def v2(converted: Path) -> dict[str, Any]:
    return json.loads((converted / "ztscan.json").read_text())


def test_a_1x_file_becomes_a_2_0_file_with_the_same_findings(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    assert v1["schema_version"] == "1.1.0" and v2["schema_version"] == "2.0.0"
    assert "findings" not in v2 and "functions" not in v2["scores"]
    before = {f["id"]: f for f in v1["findings"]}
    after = {f["id"]: f for f in findings_of(v2)}
    assert before.keys() == after.keys() and len(before) == 108
    for fid, old in before.items():
        new = after[fid]
        assert {k: new[k] for k in JOINED} == {k: old[k] for k in JOINED}
        assert (new["status"], new["evidence"], new["waived"], new["waiver"]) == (
            old["status"], old["evidence"], old["waived"], old["waiver"])
    waived = [f for f in after.values() if f["waived"]]
    assert len(waived) == 3 and {f["waiver"]["owner"] for f in waived} == {"platform"}
    assert v2["remediation_plan"] == v1["remediation_plan"] and v2["attack_paths"] == v1["attack_paths"]
    assert v2["summary"] == v1["summary"] and v2["scores"]["estate"] == v1["scores"]["estate"]


def test_function_scores_move_into_their_function(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    old = {s["function_id"]: s for s in v1["scores"]["functions"]}
    for fn in v2["functions"]:
        score, was = fn["score"], old[fn["id"]]
        assert score["overall"]["grade"] == was["overall"]["grade"]
        assert score["overall"]["score"] == was["overall"]["score"]
        assert score["overall"]["failing"] == was["overall"]["failing"]
        assert score["pillars"].keys() == was["pillars"].keys()
        # Fields at their default are left out of a function's score and read back as the default; the
        # coverage is left out too: it is assessed / applicable (None when nothing applies).
        assert "coverage" not in score["overall"] and not any("coverage" in s for s in score["pillars"].values())
        read = {"failing": {}, "capped_by": None, "assessed": 0, "applicable": 0, "reason": None, **score["overall"]}
        read["coverage"] = read["assessed"] / read["applicable"] if read["applicable"] else None
        assert read == was["overall"]


def test_identity_sharing_is_written_once_per_group(v1: dict[str, Any], v2: dict[str, Any]) -> None:
    exposed, worker, quiet = (next(f["id"] for f in v2["functions"] if f["name"] == n)
                              for n in ("exposed", "worker", "quiet"))
    assert v2["identity_groups"] == [{"provider": "aws", "principal": "arn:aws:iam::123456789012:role/shared",
                                      "functions": sorted([exposed, worker])}]
    assert shared_with(v2, exposed) == [worker] and shared_with(v2, quiet) == []
    old = {f["id"]: f["identity"]["shared_with"] for f in v1["functions"]}
    assert all(shared_with(v2, fid) == others for fid, others in old.items())
    assert all("shared_with" not in fn["identity"] for fn in v2["functions"])


def test_findings_keep_nothing_that_repeats_the_function_or_the_check(v2: dict[str, Any]) -> None:
    for fn in v2["functions"]:
        for check_id, f in fn["findings"].items():
            assert not set(f) & {"check_id", "title", "severity", "pillar", "resource_name", "account"}, check_id
            # The id is the stable hash of the check and the function: left out.
            if f["status"] == "NOT_APPLICABLE":  # no history; a waiver that matched it stays
                assert {"status", "evidence"} <= set(f) <= {"status", "evidence", "waived", "waiver"}
            else:
                assert {"status", "evidence"} <= set(f) <= {"status", "evidence", "waived", "waiver",
                                                             "first_seen", "last_seen", "delta"}
    # The facts are the 1.x facts, less the quadratic shared_with, once the defaults left out are restored.
    v1_facts = {f["id"]: f for f in json.loads(V1.read_text())["functions"]}
    for fn in expanded(json.loads(json.dumps(v2)))["functions"]:
        old = v1_facts[fn["id"]]
        old["identity"].pop("shared_with")
        assert facts_of(fn) == old


def test_the_written_file_validates_against_the_published_schema(v2: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(v2, schema)
    broken = json.loads(json.dumps(v2))
    broken["functions"][0]["findings"]["ZT-IAM-001"]["status"] = "MAYBE"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_diff_and_plan_read_1x_and_2x_alike(converted: Path, v1: dict[str, Any]) -> None:
    same = run_cli(["diff", str(V1), str(converted / "ztscan.json"), "--format", "json"])
    assert same.code == 0, same.stderr
    diff = json.loads(same.stdout)
    assert (diff["new"], diff["resolved"], diff["changed"], diff["grades"]) == ([], [], [], [])
    plans = [run_cli(["plan", str(path), "--format", "json"]) for path in (V1, converted / "ztscan.json")]
    assert [p.code for p in plans] == [0, 0]
    assert json.loads(plans[0].stdout) == json.loads(plans[1].stdout) == v1["remediation_plan"]
    again = run_cli(["report", str(converted / "ztscan.json"), "--format", "json", "--out", str(converted / "again")])
    assert again.code == 0, again.stderr
    assert json.loads((converted / "again" / "ztscan.json").read_text()) == json.loads(
        (converted / "ztscan.json").read_text()), "a 2.0 file reads back to the same document"


def test_a_2x_file_naming_an_unknown_check_is_one_line(tmp_path: Path, v2: dict[str, Any]) -> None:
    bad = json.loads(json.dumps(v2))
    bad["functions"][0]["findings"]["ZT-NOPE-001"] = {"id": "x", "status": "PASS", "evidence": []}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = run_cli(["report", str(path), "--out", str(tmp_path / "out")])
    assert result.code == 2 and "ZT-NOPE-001 is not in checks" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_jsonl_has_one_denormalised_line_per_finding(converted: Path, v2: dict[str, Any]) -> None:
    lines = (converted / "ztscan.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    joined = {f["id"]: f for f in findings_of(v2)}
    assert len(records) == len(joined) == 108
    functions = {fn["id"]: fn for fn in v2["functions"]}
    for r in records:
        f, fn = joined[r["finding_id"]], functions[r["function_id"]]
        assert (r["scan_id"], r["finished_at"][:19]) == (v2["scan"]["id"], v2["scan"]["finished_at"][:19])
        assert (r["provider"], r["account"], r["region"], r["function_name"], r["function_kind"]) == (
            fn["provider"], fn["account"], fn["region"], fn["name"], fn["kind"])
        assert r["runtime"] == fn["runtime"]["name"]
        assert (r["check_id"], r["check_title"], r["pillar"], r["severity"], r["status"]) == (
            f["check_id"], f["title"], f["pillar"], f["severity"], f["status"])
        assert (r["waived"], r["evidence"], r["delta"], r["first_seen"]) == (
            f["waived"], f["evidence"], f["delta"], f["first_seen"])
    waived = next(r for r in records if r["waived"])
    assert (waived["check_id"], waived["waiver_owner"], waived["waiver_expires"]) == (
        "ZT-MON-001", "platform", "2027-03-31")
    assert all(r["waiver_owner"] is None for r in records if not r["waived"])
    assert "Sup3r-Secret-Passw0rd!" not in "\n".join(lines)


def test_every_report_of_a_streaming_scan_equals_the_report_of_the_scan_in_memory() -> None:
    """The pipeline's document reads its functions back from the spill store; each report reads them once
    through results(), so it must come out as the report of the same estate assembled in memory."""
    from contextlib import closing
    from datetime import UTC, datetime

    import reports
    from scanner import pipeline
    from scanner.provider import Collection
    from scanner.run import assemble
    from tests.test_pipeline import SCAN_DATE, _shards

    started = datetime.now(UTC)
    functions = sorted((fn for _, c in _shards() for fn in c.functions),
                       key=lambda fn: (fn.provider, fn.account, fn.region, fn.name, fn.id))
    whole = assemble({"aws": Collection(functions=functions, targets=[t for _, c in _shards() for t in c.targets],
                                        scope={"accounts": ["111111111111", "222222222222", "333333333333"]})},
                     started, SCAN_DATE)
    with closing(pipeline.new_spill(started)) as spill:
        streamed = pipeline.run(iter(_shards()), spill, started, SCAN_DATE)
        streamed.scan = whole.scan  # the same scan id and times, so the reports can be compared whole
        assert streamed.functions == [] and streamed.findings == []
        for fmt in ("json", "jsonl", "csv", "junit", "markdown", "sarif", "ocsf", "html"):
            assert reports.rendered(streamed, fmt) == reports.rendered(whole, fmt), fmt
    document = json.loads(reports.rendered(whole, "json"))
    assert len(document["functions"]) == 120 and len(document["identity_groups"]) == 3


def _mixed_scan() -> ScanDocument:
    """300 functions of three clouds with random facts, unknowns and waivers, and findings as a scan that writes
    history stamps them (first seen earlier, some seen now, one with an id of its own)."""
    from datetime import UTC, date, datetime, timedelta

    from scanner.document import HistorySummary
    from scanner.provider import Collection
    from scanner.run import assemble
    from tests.test_totals import _random_estate, _random_waivers

    functions = _random_estate(12)
    for fn in functions:  # the fold's estate is never validated; a scan's spill validates what it reads back
        fn.identity.kind = "aws_iam_role"
    doc = assemble({"mixed": Collection(functions=functions)}, datetime.now(UTC), date(2026, 11, 28),
                   _random_waivers(12))
    finished = doc.scan.finished_at
    for i, f in enumerate(doc.findings):
        if f.status != Status.NOT_APPLICABLE:
            f.first_seen = finished - timedelta(days=i % 3)
            f.last_seen, f.delta = finished, ("unchanged", "new", "changed")[i % 3]
    doc.findings[0].id = "an-id-of-its-own"
    doc.history = HistorySummary(store="history.db", previous_scan_id="before", counts={"new": 1})
    return doc


def test_what_the_file_leaves_out_is_restored_by_reading_it(tmp_path: Path) -> None:
    """Facts at their default, derivable finding ids and coverages are not written; load() restores them, so
    every report rendered from the file equals the report of the scan in memory."""
    import reports
    from scanner.document import load

    doc = _mixed_scan()
    path = tmp_path / "ztscan.json"
    path.write_bytes(reports.rendered(doc, "json"))
    raw = json.loads(path.read_text())
    jsonschema.validate(raw, json.loads(SCHEMA.read_text()))
    entries = raw["functions"]
    facts = [(fn, entry) for fn, entry in zip(doc.functions, entries, strict=True)]
    assert all(("unknown" in e) == bool(fn.unknown) and ("admin" in e["identity"]) == bool(fn.identity.admin)
               and ("cmk" in e.get("encryption", {})) == (fn.encryption.cmk is not None) for fn, e in facts)
    assert {bool(fn.identity.admin) for fn, _ in facts} == {fn.encryption.cmk is None for fn, _ in facts} == {
        True, False}
    assert not any("cmk_supported" in e.get("encryption", {}) or "supply_chain" in e for e in entries)
    # The computed facts are written wherever their section is (a section all at its default is left out).
    assert all({"anonymous_invoke", "cross_account_invoke"} <= set(e["network"]) for e in entries if "network" in e)
    assert any("network" in e for e in entries) and any("network" not in e for e in entries)
    ids = [f.get("id") for fn in entries for f in fn["findings"].values()]
    assert ids.count(None) == len(ids) - 1 and "an-id-of-its-own" in ids
    scores = [s for e in entries for s in [e["score"]["overall"], *e["score"]["pillars"].values()]]
    assert not any("coverage" in s for s in scores)
    read = load(path)
    assert [fn.model_dump() for fn in read.functions] == [fn.model_dump() for fn in doc.functions]
    assert [(f.id, f.status, f.evidence, f.first_seen, f.last_seen, f.delta, f.waiver) for f in read.findings] == [
        (f.id, f.status, f.evidence, f.first_seen, f.last_seen, f.delta, f.waiver) for f in doc.findings]
    assert read.scores == doc.scores
    for fmt in ("json", "jsonl", "csv", "junit", "markdown", "sarif", "ocsf", "html"):
        assert reports.rendered(read, fmt) == reports.rendered(doc, fmt), fmt


def test_a_coverage_that_is_not_assessed_over_applicable_is_written() -> None:
    from scanner.document import Score
    from scanner.document_v2 import CompactScore

    derived = CompactScore(score=90, grade="A", assessed=3, applicable=4, coverage=0.75)
    odd = CompactScore(score=90, grade="A", assessed=3, applicable=4, coverage=0.5)
    assert "coverage" not in derived.model_dump(mode="json") and odd.model_dump(mode="json")["coverage"] == 0.5
    for score in (derived, odd, CompactScore(score=None, grade="n/a", reason="no check applies")):
        read = CompactScore.model_validate_json(score.model_dump_json(exclude_defaults=True))
        assert Score(**read.__dict__) == Score(**score.__dict__)
