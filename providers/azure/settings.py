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


# Settings that hold a storage connection string for the host: its own storage, and the Azure Files
# content share of Windows and Elastic Premium apps
# (https://learn.microsoft.com/azure/azure-functions/functions-app-settings#website_contentazurefileconnectionstring).
_KEY_SETTINGS = ("azurewebjobsstorage", "website_contentazurefileconnectionstring")


def _holds_key(value: str) -> bool:
    """A connection string with a shared key or SAS; a Key Vault reference still resolves to one."""
    low = value.lower()
    return "accountkey=" in low or "sharedaccesssignature=" in low or "accountname=" in low or value.startswith(
        "@Microsoft."
    )


def storage_connection(app_settings: dict[str, Any]) -> Literal["account_key", "identity", "none"]:
    """How the Functions host reaches its storage.

    Identity-based connections are the ``AzureWebJobsStorage__*`` settings (accountName, serviceUri,
    blobServiceUri, queueServiceUri, tableServiceUri, credential, clientId)
    (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity);
    a connection string in AzureWebJobsStorage (it wins over the ``__`` settings) or in the content
    share setting WEBSITE_CONTENTAZUREFILECONNECTIONSTRING means a shared account key."""
    lower = {k.lower(): str(v) for k, v in app_settings.items() if v is not None}
    if any(lower.get(name) and _holds_key(lower[name]) for name in _KEY_SETTINGS):
        return "account_key"
    if lower.get("azurewebjobsstorage"):
        return "none"
    if any(k.startswith("azurewebjobsstorage" + s) and lower[k] for k in lower for s in _IDENTITY_SUFFIXES):
        return "identity"
    return "none"


def app_insights(app_settings: dict[str, Any]) -> bool:
    return bool(
        app_settings.get("APPLICATIONINSIGHTS_CONNECTION_STRING") or app_settings.get("APPINSIGHTS_INSTRUMENTATIONKEY")
    )
