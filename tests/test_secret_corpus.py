"""The secret classifier against real credential formats and the look-alikes that are not secrets.

Every provider calls scanner.secret_values.classify on each setting, so recall and false positives
here are recall and false positives of ZT-SEC-001 on every cloud. The cases live in
tests/secret_corpus_secrets.py and tests/secret_corpus_lookalikes.py, each citing the vendor's format.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote

import pytest

from scanner.inventory import ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from scanner.secret_values import classify, fingerprint, preview
from tests.secret_corpus_lookalikes import LOOK_ALIKES
from tests.secret_corpus_secrets import SECRETS
from tests.secret_corpus_synth import Case, LookAlike

README = Path(__file__).resolve().parents[1] / "README.md"
_URL_PASSWORD = re.compile(r"://[^:/@]*:(.+)@")


def _case_id(case: Case | LookAlike) -> str:
    return f"{case.kind}/{case.name}"


def _hidden_parts(value: str) -> list[str]:
    """The value and, for a URL, its password (raw and decoded): none may appear in a Setting."""
    match = _URL_PASSWORD.search(value)
    return [value] + ([match.group(1), unquote(match.group(1))] if match else [])


@pytest.mark.parametrize("case", SECRETS, ids=_case_id)
def test_real_formats_are_plaintext_secrets(case: Case) -> None:
    setting = classify(case.name, case.value, case.source)
    assert setting.classification == "plaintext_secret", (setting.detectors, setting.reason)
    assert setting.preview is not None and len(setting.preview.rstrip("…")) <= 4
    assert setting.fingerprint == fingerprint(case.value) and len(setting.fingerprint) == 16
    shown = setting.model_dump_json()
    for part in _hidden_parts(case.value):
        assert part not in shown


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=_case_id)
def test_look_alikes_are_not_secrets(case: LookAlike) -> None:
    setting = classify(case.name, case.value)
    assert setting.classification == case.expected, (setting.detectors, setting.reason)
    assert setting.preview is None and setting.fingerprint is None
    if case.expected == "ordinary":
        assert setting.detectors == [], "ZT-SEC-002 would report it"
    if case.public:
        # Public by design: the reason is given, and nothing asks for it to move to the secret store.
        assert setting.reason and setting.detectors == [] and not setting.secret_like_name


def test_recall_is_complete_with_no_false_positive() -> None:
    missed = [_case_id(c) for c in SECRETS if classify(c.name, c.value, c.source).classification != "plaintext_secret"]
    false_positives = [_case_id(c) for c in LOOK_ALIKES
                       if classify(c.name, c.value).classification == "plaintext_secret"]
    recall = 1 - len(missed) / len(SECRETS)
    print(f"\nsecret corpus: recall {recall:.0%} ({len(SECRETS) - len(missed)}/{len(SECRETS)} real formats), "
          f"{len(false_positives)} false positives over {len(LOOK_ALIKES)} look-alikes")
    assert len(SECRETS) >= 60 and len(LOOK_ALIKES) >= 60
    assert missed == [] and false_positives == []


def test_the_readme_lists_exactly_the_corpus_kinds() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- secret-formats -->")[1].split("<!-- /secret-formats -->")[0]
    listed = {" ".join(label.split()) for label in re.findall(r"\*\*([^*]+)\*\*", section)}
    corpus = {c.kind for c in SECRETS} | {c.kind for c in LOOK_ALIKES}
    assert listed - corpus == set(), "a format in the README has no corpus case"
    assert corpus - listed == set(), "a corpus kind is missing from the README's list"


@pytest.mark.parametrize("provider", ["aws", "azure", "gcp"])
def test_public_values_pass_the_secret_checks_and_literals_fail_them(provider: str) -> None:
    """ZT-SEC-002 read "credential-like name" for Application Insights' connection string and failed it on
    every Azure app; the classifier now says why such values are public, the same way on every cloud."""
    public = [c for c in LOOK_ALIKES if c.public]
    leaked = [classify("DATABASE_URL", "postgres://app:Xk9-qL2!mZ7@db:5432/x"), classify("ADMIN_PASSWORD", "admin")]

    def statuses(settings: list) -> dict[str, str]:
        fn = ServerlessFunction(provider=provider, account="acct", region="r1", id=f"{provider}:fn", name="fn",
                                kind="test")
        fn.secrets.settings = settings
        fn.secrets.store_references = []
        fn.secrets.storage_connection = None
        doc = assemble({provider: Collection(functions=[fn])}, datetime.now(UTC), date(2026, 11, 28))
        return {f.check_id: f.status for f in doc.findings if f.check_id in ("ZT-SEC-001", "ZT-SEC-002")}

    assert statuses([classify(c.name, c.value) for c in public]) == {"ZT-SEC-001": "PASS", "ZT-SEC-002": "PASS"}
    assert statuses(leaked) == {"ZT-SEC-001": "FAIL", "ZT-SEC-002": "FAIL"}


def test_preview_reveals_less_of_short_values() -> None:
    assert preview("hunter2") == "h…"
    assert preview("sk_live_51H8xYzAbCdEf") == "sk_l…"
    assert preview("abc") == "…"
