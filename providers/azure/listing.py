"""The function apps of one subscription, with their deployment slots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from azure.core.exceptions import AzureError

from providers.azure.arm import Arm, http_reason
from providers.azure.collector import AppRef


def is_function_app(kind: str | None) -> bool:
    kinds = {k.strip().lower() for k in (kind or "").split(",")}
    return "functionapp" in kinds and "workflowapp" not in kinds


def _rg(resource_id: str) -> str:
    parts = resource_id.split("/")
    return parts[[p.lower() for p in parts].index("resourcegroups") + 1]


def list_apps(arm: Arm, sub: str, sub_name: str | None) -> tuple[list[AppRef], str | None]:
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
