"""Options of the Azure provider; each field is a CLI flag and a key under ``[azure]`` in the config."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from providers.azure.pacing import QUOTAS
from scanner.pacing import rates_type
from scanner.provider import ProviderOptions

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class Cloud:
    arm: str  # Resource Manager endpoint
    audience: str  # token audience for ARM (the scope is audience + "/.default")
    authority: str  # Entra ID host for credentials that sign in


CLOUDS: dict[str, Cloud] = {
    "public": Cloud("https://management.azure.com", "https://management.azure.com", "login.microsoftonline.com"),
    "usgov": Cloud(
        "https://management.usgovcloudapi.net",
        "https://management.usgovcloudapi.net",
        "login.microsoftonline.us",
    ),
    "china": Cloud(
        "https://management.chinacloudapi.cn", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn"
    ),
}


class AzureOptions(ProviderOptions):
    subscriptions: list[str] = Field(
        default_factory=list,
        description="Subscription id to scan (default: every enabled subscription the credential can see)",
        json_schema_extra={"flag": "--subscription"},
    )
    endpoint: str | None = Field(
        None,
        description="Azure Resource Manager base URL (default: the cloud's own, e.g. https://management.azure.com)",
        json_schema_extra={"flag": "--azure-endpoint"},
    )
    cloud: Literal["public", "usgov", "china"] = Field(
        "public",
        description="Azure cloud: sets the ARM endpoint and the sign-in authority",
        json_schema_extra={"flag": "--azure-cloud"},
    )

    rates: rates_type(QUOTAS) = Field(  # type: ignore[valid-type]
        default_factory=dict, json_schema_extra={"flag": "--azure-rate"},
        description="Requests per second per subscription for an ARM quota bucket (reads, writes, deletes), "
                    "or 'off'; default: ARM's documented token-bucket limits")

    @field_validator("subscriptions")
    @classmethod
    def _guids(cls, value: list[str]) -> list[str]:
        # A typo is a usage error (exit 2) rather than a failed target after a full scan.
        for sub in value:
            if not _GUID.match(sub):
                raise ValueError(f"{sub!r} is not a subscription id (a GUID)")
        return [sub.lower() for sub in value]

    @field_validator("endpoint")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        # azure-core refuses to send a bearer token over plain http, so an http endpoint cannot work.
        if parts.scheme != "https" or not parts.netloc:
            raise ValueError("must be an https:// URL (Azure SDKs send tokens only over TLS)")
        return value.rstrip("/")

    @property
    def arm_cloud(self) -> Cloud:
        return CLOUDS[self.cloud]

    @property
    def arm_endpoint(self) -> str:
        return self.endpoint or self.arm_cloud.arm
