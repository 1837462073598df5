"""Options of the GCP provider; each field is a CLI flag and a ``[gcp]`` config-file key."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from providers.gcp.pacing import QUOTAS
from scanner.pacing import rates_type
from scanner.provider import ProviderOptions

_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^\d{6,20}$")


class GcpOptions(ProviderOptions):
    projects: list[str] = Field(
        default_factory=list,
        description="Project id to scan (default: every ACTIVE project the credentials can see)",
        json_schema_extra={"flag": "--project"},
    )
    organization: str | None = Field(None, description="Only search projects directly under this organization id")
    folder: str | None = Field(None, description="Only search projects directly under this folder id")
    gcp_endpoint: str | None = Field(
        None, description="Send every Google API call to this base URL over REST (an emulator or proxy)"
    )
    anonymous: bool = Field(False, description="Send no credentials (for an emulator that wants none)")
    rates: rates_type(QUOTAS) = Field(  # type: ignore[valid-type]
        default_factory=dict, json_schema_extra={"flag": "--gcp-rate"},
        description="Requests per second per project for a quota bucket (functions, resourcemanager, "
                    "resourcemanager_search, kms, iam), or 'off'; default: Google's documented quotas")

    @field_validator("projects")
    @classmethod
    def _project_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not _PROJECT_ID.match(item):
                raise ValueError(f"{item!r} is not a project id (6-30 lowercase letters, digits, hyphens)")
        return list(dict.fromkeys(value))

    @field_validator("organization", "folder")
    @classmethod
    def _numeric_id(cls, value: str | None, info: object) -> str | None:
        if value is None:
            return None
        number = value.rsplit("/", 1)[-1]
        if not number.isdigit():
            raise ValueError(f"{value!r} is not a numeric id")
        return number

    @field_validator("gcp_endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value
