"""Classify a setting's value as a plaintext secret, a secret-store reference or an ordinary value,
keeping only what may be shown: the name, a short preview and a keyed fingerprint.

Providers call this on every environment variable / app setting; the value never leaves here.
Known token formats come from detect-secrets' maintained regex detectors; key-name and entropy
heuristics catch what has no fixed format (passwords, generic API keys).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import inspect
import math
import os
import pkgutil
import re
from collections import Counter
from functools import cache

import detect_secrets.plugins as detector_plugins
from detect_secrets.plugins.base import RegexBasedDetector

from scanner.inventory import Setting

# Formats detect-secrets lacks or that are not credentials.
_EXTRA_FORMATS = {
    "Google API Key": re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b"),
    "Google OAuth Client Secret": re.compile(r"\bGOCSPX-[0-9A-Za-z\-_]{28}\b"),
    "Azure SAS token": re.compile(r"[?&]sig=[0-9A-Za-z%/+]{30,}"),
    "Connection string with key or password": re.compile(
        r"(?i)(?:^|;)\s*(?:AccountKey|SharedAccessKey|Password|Pwd)\s*=\s*[^;\s]{4,}"
    ),
}
_NOT_CREDENTIAL_DETECTORS = {"IPPublicDetector"}

_REFERENCE_PATTERNS = {
    "Azure Key Vault reference": re.compile(r"^@Microsoft\.KeyVault\(.+\)$", re.I),
    "Azure App Configuration reference": re.compile(r"^@Microsoft\.AppConfiguration\(.+\)$", re.I),
    "AWS ARN": re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:\S+$"),
    "AWS SSM/Secrets Manager path": re.compile(r"^\{\{resolve:(secretsmanager|ssm|ssm-secure):.+\}\}$"),
    "GCP Secret Manager name": re.compile(r"^projects/[^/]+/secrets/[^/]+(/versions/[^/]+)?$"),
    "Key Vault secret URI": re.compile(r"^https://[a-z0-9-]+\.vault\.(azure\.net|usgovcloudapi\.net|azure\.cn)/secrets/"),
}
# Settings whose names look secret but whose values Microsoft documents as not secret
# (Application Insights ingestion identifiers).
_NOT_SECRET_NAMES = frozenset({"APPLICATIONINSIGHTS_CONNECTION_STRING", "APPINSIGHTS_INSTRUMENTATIONKEY"})
_REFERENCE_NAME = re.compile(r"(?i)(_ARN|_SECRET_ID|_SECRET_NAME|_PARAMETER(_NAME)?|_SSM_PATH|_SECRET_REF)$")
_SECRET_NAME = re.compile(
    r"(?i)(passw(or)?d|passwd|\bpwd\b|_pwd$|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|"
    r"client[_-]?secret|credential|auth[_-]?key|signing[_-]?key|encryption[_-]?key|conn(ection)?[_-]?str|"
    r"webhook[_-]?url|dsn$|sas$)"
)
_ORDINARY_VALUE = re.compile(
    r"(?i)^(true|false|yes|no|on|off|none|null|enabled|disabled|\d+(\.\d+)?|[a-z]{2}-[a-z]+-\d|"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
_PLACEHOLDER = re.compile(r"(?i)^(<.*>|\$\{.+\}|%.+%|\*+|x+|changeme|todo|placeholder|example|dummy|test|redacted)$")
_PATH_OR_URL = re.compile(r"^(/|\./|[A-Za-z]:\\|https?://[^:@/\s]+(:\d+)?(/|$))")
_IDENTIFIER = re.compile(r"^[a-z]+([-_.][a-z]+)+$")  # "x-api-key", "client.secret.name"
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_TOKENISH = re.compile(r"^[A-Za-z0-9+/=_\-.]+$")

_FINGERPRINT_KEY = os.environ.get("ZTSCAN_FINGERPRINT_KEY", "ztscan-fingerprint-v1").encode()


@cache
def _format_detectors() -> tuple[tuple[str, re.Pattern[str]], ...]:
    found: list[tuple[str, re.Pattern[str]]] = []
    for module_info in pkgutil.iter_modules(detector_plugins.__path__):
        module = importlib.import_module(f"{detector_plugins.__name__}.{module_info.name}")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, RegexBasedDetector)
                and cls is not RegexBasedDetector
                and cls.__module__ == module.__name__
                and cls_name not in _NOT_CREDENTIAL_DETECTORS
            ):
                found.extend((cls.secret_type, pattern) for pattern in cls.denylist)
    found.extend(_EXTRA_FORMATS.items())
    return tuple(found)


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _looks_random(value: str) -> bool:
    """A long, high-entropy token that is not hex (hex is more often a hash or an id)."""
    if len(value) < 20 or not _TOKENISH.match(value) or _HEX.match(value.replace("-", "")):
        return False
    has_classes = sum(bool(re.search(p, value)) for p in ("[a-z]", "[A-Z]", "[0-9]")) == 3
    return has_classes and shannon_entropy(value) >= 4.0


def reference_kind(name: str, value: str) -> str | None:
    for kind, pattern in _REFERENCE_PATTERNS.items():
        if pattern.match(value.strip()):
            return kind
    if _REFERENCE_NAME.search(name) and not _looks_random(value):
        return "named reference"
    return None


def fingerprint(value: str) -> str:
    return hmac.new(_FINGERPRINT_KEY, value.encode(), hashlib.sha256).hexdigest()[:16]


def preview(value: str) -> str:
    """At most the first 4 characters, fewer for short values so little of them is revealed."""
    return value[: min(4, len(value) // 4)] + "…"


def _literal(text: str) -> bool:
    """A value someone typed in, not a flag, number, path, URL, identifier or placeholder."""
    return bool(text) and not _PLACEHOLDER.match(text) and not any(
        p.match(text) for p in (_ORDINARY_VALUE, _PATH_OR_URL, _IDENTIFIER))


def detect(name: str, value: str) -> list[str]:
    """Names of the detectors that flag the value as a credential (empty: not one)."""
    text = value.strip()
    if not text or _PLACEHOLDER.match(text):
        return []
    hits = sorted({kind for kind, pattern in _format_detectors() if pattern.search(text)})
    if hits:
        return hits
    if _SECRET_NAME.search(name) and _literal(text) and len(text) >= 6:
        return ["secret-like name with a literal value"]
    if _looks_random(text):
        return ["high-entropy string"]
    return []


def classify(name: str, value: str | None, source: str = "environment") -> Setting:
    value = value or ""
    secret_like = bool(_SECRET_NAME.search(name))
    ref = reference_kind(name, value)
    if ref:
        return Setting(
            name=name, source=source, classification="secret_reference",
            secret_like_name=secret_like, detectors=[ref],
            # A reference recognised only by its name might still be a literal: keep no value then.
            reference=None if ref == "named reference" else value[:300],
        )
    hits = [] if name.upper() in _NOT_SECRET_NAMES else detect(name, value)
    if hits:
        return Setting(
            name=name, source=source, classification="plaintext_secret", secret_like_name=secret_like,
            detectors=hits, preview=preview(value), fingerprint=fingerprint(value),
        )
    # Too short to call a credential with confidence (a PIN, "admin"), but named like one and typed in:
    # ZT-SEC-002 reports it as a credential-named setting outside the secret store.
    short = ["credential-named setting with a short literal value"] if secret_like and _literal(value.strip()) else []
    return Setting(name=name, source=source, classification="ordinary", secret_like_name=secret_like,
                   detectors=short)
