"""AzureProvider: subscriptions -> function apps and slots -> the common schema, concurrently."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError, ServiceRequestError

from providers.azure import lifecycle
from providers.azure.arm import Arm, http_reason, one_line
from providers.azure.collector import AppRef, collect_app, unreadable_app
from providers.azure.front_reads import read_fronts
from providers.azure.fronts import FrontIndex
from providers.azure.identity import AssignmentIndex
from providers.azure.lifecycle import LiveStack
from providers.azure.options import AzureOptions
from scanner.inventory import ServerlessFunction
from scanner.provider import Collection, ProgressSink, Provider, ProviderConfigError, TargetStatus

log = logging.getLogger(__name__)
_INACTIVE = {"disabled", "deleted"}


def is_function_app(kind: str | None) -> bool:
    kinds = {k.strip().lower() for k in (kind or "").split(",")}
    return "functionapp" in kinds and "workflowapp" not in kinds


def _rg(resource_id: str) -> str:
    parts = resource_id.split("/")
    return parts[[p.lower() for p in parts].index("resourcegroups") + 1]


class AzureProvider(Provider):
    name: ClassVar[str] = "azure"
    title: ClassVar[str] = "Azure Functions"
    Options: ClassVar[type[AzureOptions]] = AzureOptions

    options: AzureOptions

    def collect(self, progress: ProgressSink) -> Collection:
        workers = self.options.workers
        if logging.getLogger().getEffectiveLevel() > logging.INFO:
            # azure-identity logs every failed credential of its chain as a multi-line WARNING;
            # the scan's one-line error names the failure, --verbose shows the details.
            logging.getLogger("azure.identity").setLevel(logging.ERROR)
        arm = Arm(self.options, workers)
        try:
            return self._collect(arm, workers, progress)
        except ProviderConfigError:
            raise
        except (ClientAuthenticationError, ServiceRequestError) as exc:
            raise ProviderConfigError(f"azure: {http_reason(exc)} ({arm.base_url})") from None
        finally:
            arm.close()

    def _collect(self, arm: Arm, workers: int, progress: ProgressSink) -> Collection:
        subs, visible, targets = self._subscriptions(arm)
        scope: dict[str, list[str] | str] = {
            "subscriptions": [s for s, _ in subs],
            "endpoint": arm.base_url,
            "cloud": self.options.cloud,
        }
        progress.add_work(len(subs), "Azure subscriptions")
        listed: dict[str, tuple[list[AppRef], str | None]] = {}
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ztscan-azure") as pool:
            for (sub, _), result in zip(subs, pool.map(lambda s: self._list_apps(arm, *s), subs), strict=True):
                listed[sub] = result
                progress.advance()
            apps = [ref for refs, _ in listed.values() for ref in refs]
            stacks = self._stacks(arm, subs[0][0], progress) if apps else {}
            progress.add_work(len(apps), "Azure function apps")
            ids = [ref.site["id"] for ref in apps]
            assignments = AssignmentIndex(arm, visible, [s for s, _ in subs], ids)
            if any(ref.site.get("identity") for ref in apps):  # only identities need assignments
                list(pool.map(assignments.prefetch, visible))
            fronts = FrontIndex()
            if apps:  # one index over every scanned subscription: a front door may front another's app
                for index in pool.map(lambda s: read_fronts(arm, s[0]), subs):
                    fronts.merge(index)

            def one(ref: AppRef) -> ServerlessFunction:
                try:
                    return collect_app(arm, ref, assignments, stacks, fronts)
                except Exception as exc:  # one odd app must not lose the other results
                    log.warning("azure: %s could not be read: %s", ref.site.get("id"), type(exc).__name__)
                    return unreadable_app(ref, f"collection error: {type(exc).__name__}")
                finally:
                    progress.advance()

            functions = list(pool.map(one, apps))

        by_sub: dict[str, list[ServerlessFunction]] = defaultdict(list)
        for fn in functions:
            by_sub[fn.account].append(fn)
        for sub, _ in subs:
            refs, error = listed[sub]
            fns = by_sub.get(sub, [])
            if error and not refs:
                targets.append(TargetStatus(provider="azure", account=sub, status="failed", error=error))
                progress.note(f"azure subscription {sub}: {error}")
                continue
            partial = [fn for fn in fns if fn.unknown]
            if partial or error:
                first = error or next(iter(partial[0].unknown.values()))
                detail = f"{len(partial)} of {len(fns)} function apps not fully read: {first}" if partial else first
                targets.append(
                    TargetStatus(
                        provider="azure",
                        account=sub,
                        status="partial",
                        functions=len(fns),
                        error=one_line(detail),
                    )
                )
            else:
                targets.append(TargetStatus(provider="azure", account=sub, status="complete", functions=len(fns)))
        return Collection(functions=functions, targets=targets, scope=scope)

    def _stacks(self, arm: Arm, sub: str, progress: ProgressSink) -> dict[tuple[str, str], LiveStack]:
        """Live runtime lifecycle; an empty index (bundled data is used) when the API does not answer."""
        try:
            return lifecycle.index([s.as_dict() for s in arm.web(sub).provider.get_function_app_stacks()])
        except AzureError as exc:
            progress.note(f"azure: function app stacks API unavailable ({http_reason(exc)}); using bundled dates")
            return {}

    def _subscriptions(self, arm: Arm) -> tuple[list[tuple[str, str | None]], list[str], list[TargetStatus]]:
        """(id, display name) of the subscriptions to scan, every visible subscription, and failed
        targets for requested ones not visible."""
        try:
            listed = [s.as_dict() for s in arm.subscriptions().subscriptions.list()]
            visible = {
                s["subscriptionId"].lower(): s.get("displayName")
                for s in listed
                if s.get("subscriptionId") and str(s.get("state") or "Enabled").lower() not in _INACTIVE
            }
        except HttpResponseError as exc:
            raise ProviderConfigError(
                f"azure: cannot list subscriptions at {arm.base_url}: {http_reason(exc)}"
            ) from None
        wanted = self.options.subscriptions or sorted(visible)
        if not wanted:
            raise ProviderConfigError("azure: the credential can see no enabled subscription")
        missing = [s for s in wanted if s not in visible]
        if missing and len(missing) == len(wanted):
            raise ProviderConfigError(
                f"azure: subscription {', '.join(missing)} not found or not visible to this credential"
            )
        failed = [
            TargetStatus(
                provider="azure",
                account=s,
                status="failed",
                error="subscription not found, disabled or not visible to this credential",
            )
            for s in missing
        ]
        return [(s, visible[s]) for s in wanted if s in visible], sorted(visible), failed

    def _list_apps(self, arm: Arm, sub: str, sub_name: str | None) -> tuple[list[AppRef], str | None]:
        """Function apps of a subscription plus their slots; (refs, error) where error is one line."""
        web = arm.web(sub)
        try:
            sites = [s.as_dict() for s in web.web_apps.list()]
        except AzureError as exc:
            return [], f"listing function apps failed: {http_reason(exc, 'Microsoft.Web/sites/read')}"
        apps = [s for s in sites if is_function_app(s.get("kind"))]
        refs = [AppRef(sub, sub_name, _rg(s["id"]), s) for s in apps]
        # One subscription-wide query finds which apps have slots, instead of one list_slots per app.
        try:
            slot_ids = [
                r.id for r in arm.resources(sub).resources.list(filter="resourceType eq 'Microsoft.Web/sites/slots'")
            ]
        except AzureError as exc:
            return (
                refs,
                "deployment slots not listed: " + http_reason(exc, "Microsoft.Resources/subscriptions/resources/read"),
            )
        parents = {sid.lower().split("/slots/")[0] for sid in slot_ids}
        error = None
        for app in apps:
            if app["id"].lower() not in parents:
                continue
            try:
                slots = _all(lambda a=app: web.web_apps.list_slots(_rg(a["id"]), a["name"]))
            except AzureError as exc:
                reason = http_reason(exc, "Microsoft.Web/sites/slots/read")
                error = f"deployment slots of {app['name']} not listed: {reason}"
                continue
            for slot in slots:
                if is_function_app(slot.get("kind") or app.get("kind")):
                    refs.append(AppRef(sub, sub_name, _rg(slot["id"]), slot, slot=slot["name"].split("/")[-1]))
        return refs, error


def _all(call: Callable[[], Any]) -> list[dict[str, Any]]:
    return [item.as_dict() for item in call()]
