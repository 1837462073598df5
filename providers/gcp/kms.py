"""Cloud KMS keys used as CMEK: the primary version's state and the rotation schedule, read once
per key (cryptoKeys.get) however many functions use it.

Reference: https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys
"""

from __future__ import annotations

from typing import Any

from providers.gcp.clients import describe
from providers.gcp.outcome import Outcome
from scanner.inventory import KeyFacts

# CryptoKeyVersion.state -> KeyFacts.state (https://cloud.google.com/kms/docs/key-states)
_STATES = {
    "ENABLED": "enabled",
    "DISABLED": "disabled",
    "DESTROY_SCHEDULED": "pending_deletion",
    "DESTROYED": "unavailable",
    "PENDING_IMPORT": "pending_import",
    "IMPORT_FAILED": "unavailable",
    "GENERATION_FAILED": "unavailable",
    "PENDING_EXTERNAL_DESTRUCTION": "pending_deletion",
    "EXTERNAL_DESTRUCTION_FAILED": "unavailable",
}


def key_facts(key_id: str, outcome: Outcome | None) -> tuple[KeyFacts, str | None]:
    """The key's facts, and why its state and rotation could not be read (None when they were)."""
    if outcome is None or outcome.error is not None:
        cause = describe(outcome.error) if outcome and outcome.error else "not fetched"
        return KeyFacts(key_id=key_id, customer_managed=True, state=None, rotation_enabled=None), (
            f"Cloud KMS cryptoKeys.get on {key_id} failed: {cause}"
        )
    key: Any = outcome.value
    # A symmetric key without a primary version cannot encrypt or decrypt anything.
    state = _STATES.get(key.primary.state.name, "other") if "primary" in key else "unavailable"
    # Automatic rotation is on when the key has a rotation period (nextRotationTime comes with it).
    rotation = key.rotation_period.total_seconds() > 0
    return KeyFacts(key_id=key_id, customer_managed=True, state=state, rotation_enabled=rotation), None
