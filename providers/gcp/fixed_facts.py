"""Facts Cloud Functions fixes for every function: concepts it does not have, stated rather than left unset."""

from __future__ import annotations

from typing import Any

CLOUD_FUNCTION_FIXED_FACTS: dict[str, Any] = {
    "identity.is_default": False,
    "identity.default_reason": None,
    # A service account has no trust policy; who may act as it is an IAM grant on the account.
    "identity.trust": None,
    "network.ingress_restrictions": [],
    "network.private_endpoints": 0,
    "network.cors": None,
    "network.platform_auth": None,
    "network.client_certificates": None,
    "network.management": None,
    "network.private_network.subnets": [],
    "network.private_network.security_groups": [],
    "network.private_network.availability_zones": None,
    "encryption.cmk": None,
    # TLS is terminated by Google's front end with a Google-managed policy, not a per-function setting.
    "encryption.min_tls_version": None,
    "encryption.scm_min_tls_version": None,
    "runtime.architectures": [],
    "runtime.host_version": None,
    "supply_chain.code_signing": None,
    "supply_chain.layers": None,
    "monitoring.tracing": None,
    "monitoring.app_insights": None,
    "monitoring.failure_destination": None,
    "monitoring.log_retention_days": None,
}
