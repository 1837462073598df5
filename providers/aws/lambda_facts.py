"""Facts Lambda fixes for every function: concepts it does not have, stated rather than left unset."""

from __future__ import annotations

from typing import Any

LAMBDA_FIXED_FACTS: dict[str, Any] = {
    # Lambda has no platform-default execution role: every function names a role its owner chose.
    "identity.is_default": False,
    "identity.default_reason": None,
    "network.ingress": None,
    # A function URL or the Invoke API takes no network allow-list of its own.
    "network.ingress_restrictions": [],
    "network.private_endpoints": 0,
    "network.platform_auth": None,
    "network.client_certificates": None,
    "network.management": None,
    "secrets.store_references": [],
    "secrets.storage_connection": None,
    "encryption.cmk_supported": True,
    # KMSKeyArn encrypts environment variables; the code package has its own key setting.
    "encryption.cmk_covers_code": False,
    "encryption.scm_min_tls_version": None,
    "runtime.host_version": None,
    "supply_chain.image_registry": None,
    "supply_chain.deprecated_registry": None,
    "supply_chain.build_identity": None,
    "monitoring.app_insights": None,
    "monitoring.failure_destination_supported": True,
}
