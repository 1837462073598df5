"""Classify a setting's value as a plaintext secret, a secret-store reference or an ordinary value,
keeping only what may be shown: the name, a short preview and a keyed fingerprint.

Providers call this on every environment variable / app setting / build variable; the value never
leaves here. The order of the questions matters:

1. a secret-store reference by its exact shape (Key Vault reference, ARN, Secret Manager name);
2. a value public by design by its exact shape (publishable keys, Sentry DSN, Application Insights);
3. a vendor token format or a password in URL userinfo: a plaintext secret, whatever the name says;
4. a reference or a public value by the setting's name alone (DB_SECRET_ARN, ``X__clientId``);
5. a placeholder (``${DB_PASSWORD}``, ``<password>``, ``changeme``): a template or a publicly known
   default, which keeps nothing confidential;
6. a credential's name with a typed-in value, or a long random token: a plaintext secret.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from scanner.inventory import Setting
from scanner.secrets import heuristics
from scanner.secrets.formats import format_hits
from scanner.secrets.public import public_name, public_value
from scanner.secrets.references import named_reference, value_reference
from scanner.secrets.urls import url_password_hits

_FINGERPRINT_KEY = os.environ.get("ZTSCAN_FINGERPRINT_KEY", "ztscan-fingerprint-v1").encode()
_PLACEHOLDER_REASON = "a placeholder or a publicly known default, not a value that can leak"


def fingerprint(value: str) -> str:
    return hmac.new(_FINGERPRINT_KEY, value.encode(), hashlib.sha256).hexdigest()[:16]


def preview(value: str) -> str:
    """At most the first 4 characters, fewer for short values so little of them is revealed."""
    return value[: min(4, len(value) // 4)] + "…"


def detect(name: str, value: str) -> list[str]:
    """Names of the detectors that flag the value as a credential (empty: not one)."""
    text = value.strip()
    if not text or heuristics.is_placeholder(text):
        return []
    hits = format_hits(name, text) + url_password_hits(text)
    return sorted(set(hits))


def _heuristic_hits(name: str, text: str) -> list[str]:
    if heuristics.names_a_credential(name) and heuristics.is_literal(name, text) and len(text) >= 6:
        return ["secret-like name with a literal value"]
    if not heuristics.about_a_credential(name) and heuristics.looks_random(text):
        return ["high-entropy string"]
    return []


def classify(name: str, value: str | None, source: str = "environment") -> Setting:
    """``source`` is one of Setting.source's values (pydantic checks it)."""
    value = value or ""
    text = value.strip()
    secret_like = heuristics.secret_like_name(name)

    def ordinary(reason: str | None = None, detectors: list[str] | None = None) -> Setting:
        # A documented public value is no credential, whatever its name: ZT-SEC-002 must not want it stored.
        public = reason is not None and reason != _PLACEHOLDER_REASON
        return Setting(name=name, source=source, classification="ordinary", secret_like_name=secret_like and not public,
                       detectors=detectors or [], reason=reason)

    def secret(hits: list[str]) -> Setting:
        return Setting(name=name, source=source, classification="plaintext_secret", secret_like_name=secret_like,
                       detectors=hits, preview=preview(value), fingerprint=fingerprint(value))

    if not text:
        return ordinary()
    ref = value_reference(text)
    if ref:
        return Setting(name=name, source=source, classification="secret_reference", secret_like_name=secret_like,
                       detectors=[ref], reference=value[:300])
    reason = public_value(name, text)
    if reason:
        return ordinary(reason)
    hits = detect(name, text)
    if hits:
        return secret(hits)
    if named_reference(name) and not heuristics.looks_random(text):
        # Recognised only by its name, it might still be a literal: keep no value.
        return Setting(name=name, source=source, classification="secret_reference", secret_like_name=secret_like,
                       detectors=["named reference"])
    reason = public_name(name)
    if reason:
        return ordinary(reason)
    if heuristics.is_placeholder(text) or heuristics.echoes_name(name, text):
        return ordinary(_PLACEHOLDER_REASON if secret_like else None)
    hits = _heuristic_hits(name, text)
    if hits:
        return secret(hits)
    # Too short to call a credential with confidence (a PIN, "admin"), but named like one and typed in:
    # ZT-SEC-002 reports it as a credential-named setting outside the secret store.
    short = heuristics.names_a_credential(name) and heuristics.is_literal(name, text)
    return ordinary(detectors=["credential-named setting with a short literal value"] if short else None)
