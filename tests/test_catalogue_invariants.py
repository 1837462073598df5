"""Catalogue-wide rules every check must keep, on every cloud, whatever its logic."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml

from scanner import registry
from scanner.collected import NOT_COLLECTED, mark_uncollected
from scanner.inventory import ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble

PILLARS = ("identity", "network", "secrets", "encryption", "runtime", "supply_chain", "monitoring", "tags")


def _unreadable(provider: str) -> ServerlessFunction:
    fn = ServerlessFunction(provider=provider, account="acct", region="r1", id=f"{provider}:fn", name="fn",
                            kind="test")
    for pillar in PILLARS:
        fn.mark_unknown(pillar, "AccessDenied: injected")
    return fn


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_no_check_passes_when_the_facts_could_not_be_read(provider: str) -> None:
    doc = assemble({provider: Collection(functions=[_unreadable(provider)])}, datetime.now(UTC), date(2026, 11, 28))
    checks = {c.meta.id: c.meta for c in registry.checks()}
    assert len(doc.findings) == len(checks) >= 30
    for finding in doc.findings:
        scope = checks[finding.check_id].providers
        expected = "NOT_APPLICABLE" if scope is not None and provider not in scope else "NOT_ASSESSED"
        assert finding.status == expected, (finding.check_id, finding.status, finding.evidence)
        if expected == "NOT_ASSESSED":
            assert any("AccessDenied: injected" in e or "not read" in e for e in finding.evidence), finding.evidence


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_no_check_passes_on_a_function_whose_provider_collected_nothing(provider: str) -> None:
    """Empty lists and False are the fields' defaults: unassigned, they mean "never read", not "none"."""
    bare = ServerlessFunction(provider=provider, account="acct", region="r1", id=f"{provider}:fn", name="fn",
                              kind="test")
    doc = assemble({provider: Collection(functions=[bare])}, datetime.now(UTC), date(2026, 11, 28))
    statuses = {f.check_id: f.status.value for f in doc.findings}
    assert "PASS" not in statuses.values() and "FAIL" not in statuses.values(), statuses
    assert set(doc.functions[0].unknown) == {"tags", *PILLARS[:-1]}
    assert doc.incomplete and doc.scores.estate is not None and doc.scores.estate.overall.grade == "n/a"


def test_a_fact_assigned_empty_is_collected_and_a_partly_filled_section_lists_only_its_gaps() -> None:
    fn = ServerlessFunction(provider="aws", account="acct", region="r1", id="aws:fn", name="fn", kind="test")
    fn.network.invocation = []
    fn.network.private_network.attached = False
    mark_uncollected(fn)
    assert "network.invocation" not in fn.unknown and "network.private_network.attached" not in fn.unknown
    assert fn.unknown["network.cors"] == NOT_COLLECTED
    assert fn.unknown["network.private_network.subnets"] == NOT_COLLECTED
    assert fn.unknown["identity"] == NOT_COLLECTED and "identity.admin" not in fn.unknown


def test_every_check_has_complete_metadata() -> None:
    for check in registry.checks():
        meta = check.meta
        assert meta.rationale and meta.risk and meta.references, meta.id
        clouds = meta.providers or ["aws", "azure", "gcp"]
        missing = set(clouds) - set(meta.remediation)
        assert not missing, f"{meta.id} lacks remediation for {missing}"
        for cloud in clouds:
            fix = meta.remediation[cloud]
            assert fix.console and (fix.cli or fix.terraform), (meta.id, cloud)
        assert meta.compliance, meta.id


@pytest.mark.parametrize(("provider", "runtime"), [("aws", "nodejs22.x"), ("azure", "node|22"), ("gcp", "nodejs22")])
def test_runtime_support_windows_are_judged_against_the_scan_date(provider: str, runtime: str) -> None:
    """The same runtime (end of support 2027-04-30) seen from three scan dates, on every cloud."""
    fn = ServerlessFunction(provider=provider, account="a", region="r", id=f"{provider}:fn", name="fn", kind="test")
    fn.runtime.name, fn.runtime.deprecated_on, fn.runtime.lifecycle_source = runtime, date(2027, 4, 30), "data"

    def statuses(on: date) -> tuple[str, str]:
        doc = assemble({provider: Collection(functions=[fn.model_copy(deep=True)])}, datetime.now(UTC), on)
        found = {f.check_id: f.status.value for f in doc.findings}
        return found["ZT-RUN-001"], found["ZT-RUN-002"]

    assert statuses(date(2026, 11, 28)) == ("PASS", "PASS")
    assert statuses(date(2027, 3, 1)) == ("PASS", "FAIL")
    assert statuses(date(2027, 5, 1)) == ("FAIL", "NOT_APPLICABLE")


def test_no_metadata_file_names_a_key_twice() -> None:
    """YAML keeps the last of two equal keys silently; a merge that duplicates a check's entry (or a
    cloud's remediation) must fail here instead of quietly replacing metadata."""

    class StrictLoader(yaml.SafeLoader):
        pass

    def mapping(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        keys = [loader.construct_object(k) for k, _ in node.value]
        assert len(keys) == len(set(keys)), f"duplicate keys at line {node.start_mark.line + 1}"
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    files = sorted((Path(__file__).parent.parent / "checks").glob("*.yaml"))
    assert len(files) == 6
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)
