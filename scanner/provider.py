"""What a cloud provider plugin implements, and what it hands back."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from scanner.inventory import ServerlessFunction


class ProviderConfigError(Exception):
    """The user's options cannot work (unknown region or profile, bad endpoint): exit 2, one line."""


class TargetStatus(BaseModel):
    """One account/subscription/project and region that was (or could not be) scanned."""

    model_config = ConfigDict(extra="forbid")

    provider: str
    account: str
    region: str | None = None
    status: Literal["complete", "partial", "failed"]
    functions: int = 0
    error: str | None = Field(None, description="One line: why the target is partial or failed")


class Collection(BaseModel):
    functions: list[ServerlessFunction] = Field(default_factory=list)
    targets: list[TargetStatus] = Field(default_factory=list)
    scope: dict[str, list[str] | str] = Field(default_factory=dict, description="What was asked for")


class ProgressSink(Protocol):
    def add_work(self, units: int, label: str = "") -> None: ...

    def advance(self, units: int = 1) -> None: ...

    def note(self, message: str) -> None: ...


class ProviderOptions(BaseModel):
    """Base for a provider's options. Fields become CLI flags (``json_schema_extra={"flag": ...}``)
    and config-file keys under the provider's table, validated by the same model."""

    model_config = ConfigDict(extra="forbid")

    workers: int = Field(8, ge=1, le=64, description="Concurrent API calls")


class Provider(ABC):
    name: ClassVar[str]
    title: ClassVar[str]
    Options: ClassVar[type[ProviderOptions]]

    def __init__(self, options: ProviderOptions) -> None:
        self.options = options

    @abstractmethod
    def collect(self, progress: ProgressSink) -> Collection:
        """Enumerate every function in scope into the common schema. Never decides pass/fail."""
