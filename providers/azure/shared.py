"""What one process keeps across the Azure subscriptions (shards) it runs, each read once per
process however many of its shards need it: the ARM clients and their per-subscription pacing, the
subscription list, the function app stacks, the role assignments of every visible subscription and
the role definitions, each subscription's function app ids (what a resource-group grant holds), and
one index of the front doors of every scanned subscription (a front door in one subscription can
front an app in another)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from azure.core.exceptions import AzureError, HttpResponseError

from providers.azure import lifecycle
from providers.azure.arm import Arm, http_reason
from providers.azure.front_reads import read_fronts
from providers.azure.fronts import FrontIndex
from providers.azure.identity import AssignmentIndex
from providers.azure.lifecycle import LiveStack
from providers.azure.listing import list_apps
from providers.azure.options import AzureOptions
from scanner.once import Once
from scanner.provider import ProgressSink, ProviderConfigError, TargetStatus

_INACTIVE = {"disabled", "deleted"}


@dataclass(frozen=True)
class Subscriptions:
    scanned: list[tuple[str, str | None]]  # (id, display name) of the subscriptions to scan, as asked
    visible: list[str]  # every enabled subscription the credential sees: where role assignments live
    missing: list[TargetStatus]  # asked for, but not visible


class Shared:
    def __init__(self, options: AzureOptions) -> None:
        self.options = options
        self.arm = Arm(options, options.workers)
        self.pool = ThreadPoolExecutor(options.workers, "ztscan-azure")
        self._subscriptions: Once[Subscriptions] = Once()
        self._stacks: Once[dict[tuple[str, str], LiveStack]] = Once()
        self._app_ids: Once[frozenset[str]] = Once()
        self._fronts: Once[FrontIndex] = Once()
        self._assignments: Once[AssignmentIndex] = Once()

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.arm.close()

    def subscriptions(self) -> Subscriptions:
        return self._subscriptions.get("", self._list_subscriptions)

    def stacks(self, sub: str, progress: ProgressSink) -> dict[tuple[str, str], LiveStack]:
        """Live runtime lifecycle (a tenant-wide list read through any subscription's client); an
        empty index (bundled data is used) when the API does not answer."""

        def read() -> dict[tuple[str, str], LiveStack]:
            try:
                return lifecycle.index([s.as_dict() for s in self.arm.web(sub).provider.get_function_app_stacks()])
            except AzureError as exc:
                progress.note(f"azure: function app stacks API unavailable ({http_reason(exc)}); using bundled dates")
                return {}

        return self._stacks.get("", read)

    def keep_app_ids(self, sub: str, ids: frozenset[str]) -> None:
        self._app_ids.put(sub.lower(), ids)

    def app_ids(self, sub: str) -> frozenset[str]:
        """The function app (and slot) ids of a scanned subscription, listed here only when this
        process has not run its shard yet and a grant's scope in it needs them."""

        def listed() -> frozenset[str]:
            name = dict(self.subscriptions().scanned).get(sub.lower())
            refs, _ = list_apps(self.arm, sub.lower(), name)
            return frozenset(ref.site["id"].lower() for ref in refs)

        return self._app_ids.get(sub.lower(), listed)

    def assignments(self) -> AssignmentIndex:
        subs = self.subscriptions()
        return self._assignments.get("", lambda: AssignmentIndex(
            self.arm, subs.visible, [s for s, _ in subs.scanned], self.app_ids))

    def fronts(self) -> FrontIndex:
        """One index over the front doors of every scanned subscription."""

        def read() -> FrontIndex:
            merged = FrontIndex()
            for index in self.pool.map(lambda s: read_fronts(self.arm, s[0]), self.subscriptions().scanned):
                merged.merge(index)
            return merged

        return self._fronts.get("", read)

    def _list_subscriptions(self) -> Subscriptions:
        arm = self.arm
        try:
            listed = [s.as_dict() for s in arm.subscriptions().subscriptions.list()]
        except HttpResponseError as exc:
            raise ProviderConfigError(
                f"azure: cannot list subscriptions at {arm.base_url}: {http_reason(exc)}"
            ) from None
        visible = {
            s["subscriptionId"].lower(): s.get("displayName")
            for s in listed
            if s.get("subscriptionId") and str(s.get("state") or "Enabled").lower() not in _INACTIVE
        }
        wanted = self.options.subscriptions or sorted(visible)
        if not wanted:
            raise ProviderConfigError("azure: the credential can see no enabled subscription")
        missing = [s for s in wanted if s not in visible]
        if missing and len(missing) == len(wanted):
            raise ProviderConfigError(
                f"azure: subscription {', '.join(missing)} not found or not visible to this credential"
            )
        failed = [
            TargetStatus(provider="azure", account=s, status="failed",
                         error="subscription not found, disabled or not visible to this credential")
            for s in missing
        ]
        return Subscriptions([(s, visible[s]) for s in wanted if s in visible], sorted(visible), failed)

