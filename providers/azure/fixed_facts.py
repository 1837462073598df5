"""Facts Azure Functions fixes for every app: concepts it does not have, stated rather than left unset."""

from __future__ import annotations

from typing import Any

FUNCTION_APP_FIXED_FACTS: dict[str, Any] = {
    # A managed identity has no trust policy: only the app it belongs to can use it.
    "identity.trust": None,
    "secrets.store_references": [],
    "encryption.cmk_covers_code": False,  # no customer-managed key for the app's configuration
    "supply_chain.image_registry": None,  # code packages; a container app names its registry
    "supply_chain.build_identity": None,
    "supply_chain.deprecated_registry": None,
    "monitoring.failure_destination": None,
    # Log retention lives in the Application Insights / Log Analytics workspace, not on the app.
    "monitoring.log_retention_days": None,
}
