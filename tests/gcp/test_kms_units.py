"""CryptoKey -> KeyFacts: state of the primary version and rotation
(https://cloud.google.com/kms/docs/key-states, https://cloud.google.com/kms/docs/key-rotation)."""

from __future__ import annotations

import json

import pytest
from google.cloud import kms_v1

from providers.gcp import kms
from providers.gcp.outcome import Outcome
from scanner.demo.gcp.builders import crypto_key


def facts(**kwargs: object) -> tuple[object, object]:
    key = kms_v1.CryptoKey.from_json(json.dumps(crypto_key("projects/p/k", **kwargs)))
    got, gap = kms.key_facts("projects/p/k", Outcome(value=key))
    return (got.state, got.rotation_enabled), gap


@pytest.mark.parametrize(
    ("state", "expected"),
    [("ENABLED", "enabled"), ("DISABLED", "disabled"), ("DESTROY_SCHEDULED", "pending_deletion"),
     ("DESTROYED", "unavailable"), ("PENDING_GENERATION", "other"), (None, "unavailable")],
)
def test_primary_state(state: str | None, expected: str) -> None:
    assert facts(state=state) == ((expected, True), None)


def test_rotation_only_with_a_period() -> None:
    assert facts(rotation_days=None) == (("enabled", False), None)


def test_refused_read_is_unknown_with_its_reason() -> None:
    got, gap = kms.key_facts("projects/p/k", None)
    assert (got.state, got.rotation_enabled) == (None, None)
    assert gap == "Cloud KMS cryptoKeys.get on projects/p/k failed: not fetched"
