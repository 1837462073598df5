"""App settings and connection strings: classified by name, never kept or logged by value."""

from __future__ import annotations

from typing import Any, Literal

from scanner.inventory import Setting
from scanner.secret_values import classify

_IDENTITY_SUFFIXES = (
    "__accountname",
    "__blobserviceuri",
    "__queueserviceuri",
    "__tableserviceuri",
    "__serviceuri",
    "__credential",
    "__clientid",
)


def classify_settings(app_settings: dict[str, Any], connection_strings: dict[str, Any]) -> list[Setting]:
    out = [
        classify(name, None if value is None else str(value), "app_setting")
        for name, value in sorted(app_settings.items())
    ]
    for name, entry in sorted(connection_strings.items()):
        value = entry.get("value") if isinstance(entry, dict) else entry
        out.append(classify(name, None if value is None else str(value), "connection_string"))
    return out


def storage_connection(app_settings: dict[str, Any]) -> Literal["account_key", "identity", "none"]:
    """How the Functions host reaches AzureWebJobsStorage.

    ``AzureWebJobsStorage__accountName`` / ``__blobServiceUri`` (identity-based connection) means the
    app's managed identity; a connection string (even one behind a Key Vault reference, since what is
    stored there is still the key) means a shared account key."""
    lower = {k.lower(): v for k, v in app_settings.items()}
    if lower.get("azurewebjobsstorage"):
        value = str(lower["azurewebjobsstorage"])
        if (
            "accountkey=" in value.lower()
            or "sharedaccesssignature=" in value.lower()
            or value.startswith("@Microsoft.")
        ):
            return "account_key"
        return "account_key" if "accountname=" in value.lower() else "none"
    if any(k.startswith("azurewebjobsstorage" + s) for k in lower for s in _IDENTITY_SUFFIXES):
        return "identity"
    return "none"


def app_insights(app_settings: dict[str, Any]) -> bool:
    return bool(
        app_settings.get("APPLICATIONINSIGHTS_CONNECTION_STRING") or app_settings.get("APPINSIGHTS_INSTRUMENTATIONKEY")
    )
