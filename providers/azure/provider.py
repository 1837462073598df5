"""AzureProvider: one shard per subscription; each shard reads its function apps and slots into the
common schema, with what crosses subscriptions (role assignments, front doors) read once per process."""

from __future__ import annotations

import logging
from typing import ClassVar

from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError

from providers.azure.arm import http_reason, one_line
from providers.azure.collector import AppRef, collect_app, unreadable_app
from providers.azure.listing import list_apps
from providers.azure.options import AzureOptions
from providers.azure.shared import Shared
from scanner.inventory import ServerlessFunction
from scanner.once import Kept
from scanner.provider import Collection, ProgressSink, ProviderConfigError, ShardedProvider, ShardSpec, TargetStatus

log = logging.getLogger(__name__)


class AzureProvider(ShardedProvider):
    """One shard per subscription. A process keeps, for the shards it runs, one set of ARM clients and
    quota buckets, and what every subscription's apps are judged against (see providers.azure.shared)."""

    name: ClassVar[str] = "azure"
    title: ClassVar[str] = "Azure Functions"
    Options: ClassVar[type[AzureOptions]] = AzureOptions

    options: AzureOptions

    def __init__(self, options: AzureOptions) -> None:
        super().__init__(options)
        self._kept = Kept(self._make)

    def _make(self) -> Shared:
        if logging.getLogger().getEffectiveLevel() > logging.INFO:
            # azure-identity logs every failed credential of its chain as a multi-line WARNING;
            # the scan's one-line error names the failure, --verbose shows the details.
            logging.getLogger("azure.identity").setLevel(logging.ERROR)
        return Shared(self.options)

    def close(self) -> None:
        self._kept.close()

    def plan_shards(self, progress: ProgressSink) -> list[ShardSpec]:
        kept = self._kept.get()
        try:
            subs = kept.subscriptions()
        except (ClientAuthenticationError, ServiceRequestError) as exc:
            raise ProviderConfigError(f"azure: {http_reason(exc)} ({kept.arm.base_url})") from None
        plan = [ShardSpec(provider="azure", account=t.account, error=t.error) for t in subs.missing]
        plan += [ShardSpec(provider="azure", account=sub, account_name=name) for sub, name in subs.scanned]
        progress.note(f"azure: {len(subs.scanned)} subscription(s)")
        return plan

    def collect_shard(self, spec: ShardSpec, progress: ProgressSink) -> Collection:
        kept = self._kept.get()
        scope: dict[str, list[str] | str] = {
            "subscriptions": [] if spec.error else [spec.account],
            "endpoint": kept.arm.base_url,
            "cloud": self.options.cloud,
        }
        if spec.error:
            return spec.failed(spec.error, scope)
        try:
            functions, target = self._subscription(kept, spec, progress)
        except (ProviderConfigError, ClientAuthenticationError, ServiceRequestError) as exc:
            # A credential or endpoint that fails for this subscription fails its target, not the scan.
            reason = str(exc) if isinstance(exc, ProviderConfigError) else http_reason(exc)
            return spec.failed(reason, scope)
        return Collection(functions=functions, targets=[target], scope=scope)

    def _subscription(self, kept: Shared, spec: ShardSpec,
                      progress: ProgressSink) -> tuple[list[ServerlessFunction], TargetStatus]:
        sub = spec.account
        refs, error = list_apps(kept.arm, sub, spec.account_name)
        kept.keep_app_ids(sub, frozenset(ref.site["id"].lower() for ref in refs))
        if error and not refs:
            progress.note(f"azure subscription {sub}: {error}")
            return [], TargetStatus(provider="azure", account=sub, status="failed", error=error)
        functions: list[ServerlessFunction] = []
        if refs:
            stacks = kept.stacks(sub, progress)
            assignments = kept.assignments()
            if any(ref.site.get("identity") for ref in refs):  # only identities need assignments
                list(kept.pool.map(assignments.prefetch, assignments.subscriptions))
            fronts = kept.fronts()

            def one(ref: AppRef) -> ServerlessFunction:
                try:
                    return collect_app(kept.arm, ref, assignments, stacks, fronts)
                except Exception as exc:  # one odd app must not lose the other results
                    log.warning("azure: %s could not be read: %s", ref.site.get("id"), type(exc).__name__)
                    return unreadable_app(ref, f"collection error: {type(exc).__name__}")

            functions = list(kept.pool.map(one, refs))
        partial = [fn for fn in functions if fn.unknown]
        if not (partial or error):
            return functions, TargetStatus(provider="azure", account=sub, status="complete", functions=len(functions))
        first = error or next(iter(partial[0].unknown.values()))
        detail = f"{len(partial)} of {len(functions)} function apps not fully read: {first}" if partial else first
        return functions, TargetStatus(provider="azure", account=sub, status="partial", functions=len(functions),
                                       error=one_line(detail))
