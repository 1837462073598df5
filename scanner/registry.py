"""Plugin registries: checks register with one decorator; providers and check modules arrive
through entry points, the built-in ones exactly as a third party's would."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import yaml

from scanner.findings import CheckMeta, Verdict
from scanner.inventory import ServerlessFunction
from scanner.provider import Provider

log = logging.getLogger(__name__)

PROVIDER_GROUP = "ztscan.providers"
CHECK_GROUP = "ztscan.checks"


@dataclass(frozen=True)
class ScanContext:
    """What a check may know besides the function: only the scan date, so results are reproducible."""

    scan_date: date


CheckFn = Callable[[ServerlessFunction, ScanContext], Verdict]


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    evaluate: CheckFn


_checks: dict[str, Check] = {}
_providers: dict[str, type[Provider]] = {}
_checks_loaded = False
load_errors: list[str] = []


@cache
def _catalogue(module_file: str) -> dict[str, Any]:
    """The metadata file beside a check module (checks/identity.py -> checks/identity.yaml)."""
    # libyaml's loader when PyYAML has it: the same documents, parsed several times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(Path(module_file).with_suffix(".yaml").read_text(encoding="utf-8"), Loader=loader)
    return data if isinstance(data, dict) else {}


def check(id: str, title: str, **meta: Any) -> Callable[[CheckFn], CheckFn]:
    """Register a check: ``@check("ZT-IAM-001", "Title")`` over ``def f(fn, ctx) -> Verdict``.

    The rest of the metadata (pillar, severity, rationale, risk, remediation, references,
    compliance) comes from the YAML file beside the module, keyed by id, or is given inline as
    keywords (how a third-party plugin without a data file registers).
    """

    def register(fn: CheckFn) -> CheckFn:
        module_file = getattr(sys.modules.get(fn.__module__), "__file__", None)
        listed = _catalogue(module_file).get(id, {}) if not meta and module_file else {}
        parsed = CheckMeta(id=id, title=title, **(meta or listed))
        if parsed.id in _checks and _checks[parsed.id].evaluate is not fn:
            raise ValueError(f"check id {parsed.id} is registered twice")
        _checks[parsed.id] = Check(parsed, fn)
        return fn

    return register


def register_provider(cls: type[Provider]) -> type[Provider]:
    _providers[cls.name] = cls
    return cls


def _failed(kind: str, name: str, value: str, exc: Exception) -> None:
    message = f"{kind} plugin {name!r} ({value}) failed to load: {exc}"
    load_errors.append(message)
    log.warning(message)


def checks() -> list[Check]:
    global _checks_loaded
    if not _checks_loaded:
        _checks_loaded = True
        for ep in entry_points(group=CHECK_GROUP):
            try:
                ep.load()  # importing the module runs its @check decorators
            except Exception as exc:  # a broken third-party plugin must not stop a scan
                _failed("check", ep.name, ep.value, exc)
    return sorted(_checks.values(), key=lambda c: c.meta.id)


def provider_names() -> list[str]:
    """Installed providers, without importing them (each brings a cloud SDK)."""
    return sorted({ep.name for ep in entry_points(group=PROVIDER_GROUP)})


def provider(name: str) -> type[Provider] | None:
    """Import one provider: an AWS scan should not pay for the Azure and Google SDKs."""
    if name not in _providers:
        for ep in entry_points(group=PROVIDER_GROUP, name=name):
            try:
                register_provider(ep.load())
            except Exception as exc:
                _failed("provider", ep.name, ep.value, exc)
    return _providers.get(name)


def providers() -> dict[str, type[Provider]]:
    found = {name: cls for name in provider_names() if (cls := provider(name))}
    return dict(sorted(found.items()))
