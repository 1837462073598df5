"""Routes of an API Gateway config's OpenAPI 2.0 document: who each operation admits and where it
sends the request (https://cloud.google.com/api-gateway/docs/openapi-overview,
https://cloud.google.com/api-gateway/docs/oasv2-extensions)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Literal

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
Auth = Literal["none", "key", "platform"]
_STRENGTH: dict[Auth, int] = {"none": 0, "key": 1, "platform": 2}


class Unresolved(Exception):
    """A document ztscan cannot interpret: its routes' exposure is unknown."""


@dataclass(frozen=True)
class Exposure:
    principal: str
    kind: Literal["anonymous", "identity"]
    auth: Auth
    why: str


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    address: str  # x-google-backend address
    disable_auth: bool  # the gateway calls the backend without an ID token
    who: Exposure


def documents(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI documents of an ApiConfig read with view=FULL (contents are base64 bytes)."""
    out = []
    for entry in config.get("openapiDocuments") or []:
        doc = entry.get("document") or {}
        try:
            text = base64.b64decode(doc.get("contents") or "", validate=True).decode("utf-8")
            parsed = yaml.safe_load(text)
        except (binascii.Error, UnicodeDecodeError, yaml.YAMLError) as exc:
            what = f"document {doc.get('path', '?')} is not readable YAML/JSON ({type(exc).__name__})"
            raise Unresolved(what) from exc
        if not isinstance(parsed, dict):
            raise Unresolved(f"document {doc.get('path', '?')} is not an OpenAPI object")
        out.append(parsed)
    if not out and config.get("grpcServices"):
        raise Unresolved("gRPC service definitions are not interpreted")
    return out


def routes(doc: dict[str, Any]) -> list[Route]:
    """Every operation that has a backend, with the weakest security requirement it accepts."""
    if str(doc.get("swagger", "")) != "2.0":
        raise Unresolved(f"OpenAPI {doc.get('openapi') or doc.get('swagger') or '?'} documents are not interpreted")
    definitions = doc.get("securityDefinitions") or {}
    top_backend = doc.get("x-google-backend")
    out = []
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            op = (item or {}).get(method)
            if not isinstance(op, dict):
                continue
            backend = op.get("x-google-backend") or top_backend
            if not isinstance(backend, dict) or not backend.get("address"):
                continue
            # An operation's own `security` replaces the document's; `[]` there means none.
            security = op["security"] if "security" in op else doc.get("security") or []
            out.append(
                Route(
                    method=method.upper(),
                    path=str(path),
                    address=str(backend["address"]),
                    disable_auth=bool(backend.get("disable_auth")),
                    who=_exposure(security, definitions),
                )
            )
    return out


def _exposure(security: list[dict[str, Any]], definitions: dict[str, Any]) -> Exposure:
    """Alternatives are ORed, schemes within one alternative ANDed: the weakest alternative decides."""
    if not security:
        return Exposure("allUsers", "anonymous", "none", "no security requirement")
    found = [_requirement(req, definitions) for req in security]
    return min(found, key=lambda e: _STRENGTH[e.auth])


def _requirement(requirement: dict[str, Any], definitions: dict[str, Any]) -> Exposure:
    if not requirement:
        return Exposure("allUsers", "anonymous", "none", "an empty security requirement")
    issuers, keys = [], []
    for name in requirement:
        scheme = definitions.get(name)
        if not isinstance(scheme, dict):
            raise Unresolved(f"security requirement names undefined scheme {name!r}")
        if scheme.get("type") == "oauth2" and scheme.get("x-google-issuer"):
            issuers.append(str(scheme["x-google-issuer"]))
        elif scheme.get("type") == "apiKey":
            keys.append(name)
        else:
            raise Unresolved(f"security scheme {name!r} of type {scheme.get('type')!r} is not interpreted")
    if issuers:
        # A JWT the gateway validates (issuer, and audiences if set) authenticates the caller.
        return Exposure(f"bearers of a JWT from {', '.join(issuers)}", "identity", "platform",
                        f"JWT from {', '.join(issuers)}")
    # An API key identifies a project, not a caller: a shared key, never authentication.
    return Exposure("holders of an API key", "identity", "key", f"API key only ({', '.join(keys)})")
