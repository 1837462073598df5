"""Language stack, version, host version and end of support of a function app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from providers.azure.lifecycle import SOURCE, LiveStack, normalize
from scanner import runtimes
from scanner.inventory import RuntimeFacts


@dataclass
class Stack:
    language: str | None  # python, node, dotnet-isolated, dotnet (in-process), java, powershell, custom
    version: str | None
    image: str | None = None  # container image for functionapp,linux,container


def _strip(version: str | None) -> str | None:
    if not version:
        return None
    return version.strip().lstrip("~vV") or None


def stack(site: dict[str, Any], config: dict[str, Any], settings: dict[str, Any] | None) -> Stack | None:
    """The stack as Azure records it; None when it needs app settings that could not be read.

    Flex Consumption keeps it in functionAppConfig.runtime, Linux in linuxFxVersion ("PYTHON|3.11",
    "DOCKER|registry/image:tag"); Windows only in FUNCTIONS_WORKER_RUNTIME plus the per-language
    version field of the site config."""
    flex = ((site.get("functionAppConfig") or {}).get("runtime")) or {}
    if flex.get("name"):
        return Stack(str(flex["name"]).lower(), _strip(flex.get("version")))
    fx = config.get("linuxFxVersion") or ""
    if fx:
        kind, _, rest = fx.partition("|")
        if kind.upper() == "DOCKER":
            worker = (settings or {}).get("FUNCTIONS_WORKER_RUNTIME")
            return Stack(worker.lower() if worker else None, None, image=rest)
        return Stack(kind.lower(), _strip(rest))
    if settings is None:
        return None
    worker = (settings.get("FUNCTIONS_WORKER_RUNTIME") or "").lower()
    version = {
        "dotnet": config.get("netFrameworkVersion"),
        "dotnet-isolated": config.get("netFrameworkVersion"),
        "node": settings.get("WEBSITE_NODE_DEFAULT_VERSION") or config.get("nodeVersion"),
        "java": config.get("javaVersion"),
        "powershell": config.get("powerShellVersion"),
        "python": None,
        "custom": None,
    }.get(worker)
    return Stack(worker or None, _strip(version))


def lifecycle_key(language: str, version: str) -> str:
    """The runtimes.toml key: .NET isolated is "dotnet|8", in-process "dotnet-inprocess|8"; Node by major."""
    major = version.split(".")[0]
    if language == "dotnet-isolated":
        return f"dotnet|{major}"
    if language == "dotnet":
        return f"dotnet-inprocess|{major}"
    if language == "node":
        return f"node|{major}"
    if language == "powershell":
        return f"powershell|{'.'.join(version.split('.')[:2])}"
    return f"{language}|{version}"


def image_registry(image: str) -> str:
    first = image.split("/", 1)[0]
    # Docker's rule: the first path part is a registry host only if it has a dot or port or is localhost.
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return "docker.io"


def runtime_facts(
    st: Stack, host_version: str | None, is_flex: bool, live: dict[tuple[str, str], LiveStack] | None = None
) -> RuntimeFacts:
    facts = RuntimeFacts(
        language=st.language,
        version=st.version,
        # A custom container brings its own language runtime: no platform-managed runtime to date.
        name=None if st.image else (f"{st.language}|{st.version}" if st.language and st.version else st.language),
        host_version=host_version,
        package_type="image" if st.image else "zip",
        architectures=[],  # App Service does not report the CPU architecture of a plan
    )
    dates = []
    source = runtimes.data_version()
    if st.language and st.version:
        found = (live or {}).get(normalize(st.language, st.version))
        if found and found.end_of_life:
            dates.append(found.end_of_life)
            source = f"{SOURCE} (Functions host: {runtimes.data_version()})"
        else:
            dates.append(runtimes.end_of_support("azure", lifecycle_key(st.language, st.version)))
    if host_version:
        dates.append(runtimes.end_of_support("azure", f"host|{host_version}"))
    known = [d for d in dates if d]
    # One date for the function: the earlier of language and Functions host end of support.
    facts.deprecated_on = min(known) if known else None
    facts.lifecycle_source = source
    if is_flex and not host_version:
        facts.host_version = "~4"  # Flex Consumption runs only the 4.x host and rejects the setting
    return facts
