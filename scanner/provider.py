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
    api_calls: dict[str, int] = Field(default_factory=dict, description="HTTP requests sent, by operation")


class ShardSpec(BaseModel):
    """One unit of collection that can run in any process: provider x account x region.

    It carries what the provider needs to reach the account again elsewhere (a profile name, a
    role ARN), never a credential: the process that runs it brings credentials of its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str
    account: str
    region: str | None = None
    account_name: str | None = None
    reach: dict[str, str] = Field(
        default_factory=dict, description="How to rebuild the session, e.g. profile, role_arn; never secrets")
    error: str | None = Field(
        None, description="Why planning already knows this shard cannot be read: it becomes a failed target")
    planning_calls: dict[str, int] = Field(
        default_factory=dict, description="Requests sent while planning, counted once, with the plan's first shard")

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.provider, self.account, self.region) if p)

    def failed(self, error: str, scope: dict[str, list[str] | str] | None = None) -> Collection:
        """The shard as a failed target, so a shard that could not run is reported, never lost; ``scope``
        is what the shard was asked to read."""
        return Collection(targets=[TargetStatus(provider=self.provider, account=self.account, region=self.region,
                                                status="failed", error=one_line(error))], scope=scope or {})


def one_line(text: str, limit: int = 300) -> str:
    return " ".join(text.split())[:limit]


def merge_collections(parts: list[Collection]) -> Collection:
    """One provider's shards as one Collection, in the order given (the plan's order): lists of the
    scope are united in first-seen order, requests are summed."""
    merged = Collection()
    for part in parts:
        merged.functions += part.functions
        merged.targets += part.targets
        for op, n in part.api_calls.items():
            merged.api_calls[op] = merged.api_calls.get(op, 0) + n
        for key, value in part.scope.items():
            known = merged.scope.get(key)
            if isinstance(value, list) and isinstance(known, list):
                merged.scope[key] = known + [v for v in value if v not in known]
            elif known is None:
                merged.scope[key] = list(value) if isinstance(value, list) else value
    return merged


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

    def plan_shards(self, progress: ProgressSink) -> list[ShardSpec]:
        """The units of collection, in a stable order; by default one shard, the whole provider."""
        return [ShardSpec(provider=self.name, account="*")]

    def collect_shard(self, spec: ShardSpec, progress: ProgressSink) -> Collection:
        return self.collect(progress)

    def close(self) -> None:  # noqa: B027  (optional: most providers keep nothing between shards)
        """Release what collecting shards kept for the next shard (thread pools, sessions)."""


class ShardedProvider(Provider):
    """A provider whose collection is its shards: ``collect`` plans, then collects every shard in this
    process, so a whole scan and a sharded one run the same code."""

    @abstractmethod
    def plan_shards(self, progress: ProgressSink) -> list[ShardSpec]: ...

    @abstractmethod
    def collect_shard(self, spec: ShardSpec, progress: ProgressSink) -> Collection: ...

    def collect(self, progress: ProgressSink) -> Collection:
        from scanner.executors import InlineExecutor

        try:
            plan = list(enumerate(self.plan_shards(progress)))
            done = sorted(InlineExecutor().run(self, plan, progress), key=lambda r: r.index)
        finally:
            self.close()
        return merge_collections([r.collection for r in done])
