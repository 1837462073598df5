"""Find and read every front door of the scanned subscriptions into one ``FrontIndex``.

A front door in one subscription can front an app in another (host names are global), so the
per-subscription reads are merged before any app is matched."""

from __future__ import annotations

from providers.azure import api_management, front_doors
from providers.azure.arm import Arm, Failed
from providers.azure.fronts import FrontIndex, Reader

FRONT_TYPES = {
    "Microsoft.ApiManagement/service": "API Management",
    "Microsoft.Cdn/profiles": "Front Door",
    "Microsoft.Network/frontDoors": "Front Door",
}


def discover(reader: Reader) -> dict[str, list[str]]:
    """ARM ids of the APIM services and CDN/Front Door profiles of the subscription, by type.

    One query: a subscription without any pays one request, and an unregistered resource provider
    is simply absent (listing it directly can fail with MissingSubscriptionRegistration)."""
    flt = " or ".join(f"resourceType eq '{t}'" for t in FRONT_TYPES)
    found: dict[str, list[str]] = {t: [] for t in FRONT_TYPES}
    path = f"/subscriptions/{reader.sub}/resources?$filter={flt}"
    for res in reader.list(path, "2021-04-01", "Microsoft.Resources/subscriptions/resources/read"):
        for rtype in FRONT_TYPES:
            if str(res.get("type", "")).lower() == rtype.lower():
                found[rtype].append(str(res["id"]))
    return found


def read_fronts(arm: Arm, sub: str) -> FrontIndex:
    """Every front door of one subscription; what could not be read is named in ``unreadable``."""
    index = FrontIndex()
    reader = Reader(arm, sub)
    try:
        found = discover(reader)
    except (Failed, KeyError, TypeError, AttributeError) as exc:  # denied, or a listing shape we do not know
        reason = exc.reason if isinstance(exc, Failed) else type(exc).__name__
        for kind in set(FRONT_TYPES.values()):
            index.unreadable.setdefault(kind, f"{kind} of subscription {sub} not listed: {reason}")
        return index
    readers = {
        "Microsoft.ApiManagement/service": api_management.read_service,
        "Microsoft.Cdn/profiles": front_doors.read_profile,
        "Microsoft.Network/frontDoors": front_doors.read_classic,
    }
    for rtype, kind in FRONT_TYPES.items():
        for rid in found[rtype]:
            try:
                readers[rtype](reader, rid, index)
            except Failed as exc:
                index.unreadable.setdefault(kind, f"{kind} {rid.split('/')[-1]} not read: {exc.reason}")
            except (KeyError, TypeError, AttributeError) as exc:  # a shape we do not know: say so, keep scanning
                index.unreadable.setdefault(kind, f"{kind} {rid.split('/')[-1]} not read: {type(exc).__name__}")
    return index
