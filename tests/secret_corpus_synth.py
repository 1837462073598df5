"""Synthetic credential material for the secret corpus: deterministic, never a real key, yet shaped
exactly like the vendor's format (prefix, alphabet, length, checksum-free parts)."""

from __future__ import annotations

import base64
import hashlib
import json
import string
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"


@dataclass(frozen=True)
class Case:
    """A credential that must be a plaintext secret. ``kind`` is its entry in the README's list."""

    kind: str
    name: str
    value: str
    doc: str
    source: str = "environment"


@dataclass(frozen=True)
class LookAlike:
    """A value that must not be a plaintext secret; ``public`` ones must say why (Setting.reason)."""

    kind: str
    name: str
    value: str
    expected: str
    doc: str
    public: bool = False


def synth(alphabet: str, length: int, seed: str) -> str:
    """``length`` characters of ``alphabet`` derived from ``seed`` (stable across runs)."""
    out: list[str] = []
    counter = 0
    while len(out) < length:
        digest = hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        out.extend(alphabet[b % len(alphabet)] for b in digest)
        counter += 1
    return "".join(out[:length])


def b64url_json(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def jwt(payload: dict[str, object], seed: str) -> str:
    """A JWT (RFC 7519): base64url JSON header, payload and a synthetic HS256 signature."""
    return f"{b64url_json({'alg': 'HS256', 'typ': 'JWT'})}.{b64url_json(payload)}.{synth(URLSAFE, 43, seed)}"


def pem(label: str, seed: str) -> str:
    """A PEM block (RFC 7468) with synthetic base64 content."""
    body = "\n".join(synth(B64, 64, f"{seed}{i}") for i in range(3))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"
