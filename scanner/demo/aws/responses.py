"""Recorded Lambda responses for what moto cannot store the way AWS does, in the AWS API reference's
documented shapes:

- configuration fields moto drops on create (KMSKeyArn, DeadLetterConfig, LoggingConfig, Layers of
  another account), added back to ListFunctions/GetFunction responses;
- an alias's own resource policy: GetPolicy with Qualifier
  (https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html); moto merges permissions added
  with a Qualifier into the function's one policy;
- ListFunctionUrlConfigs, which lists the URLs of the function and of its aliases
  (https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctionUrlConfigs.html); moto 404s it;
- ListCodeSigningConfigs and ListFunctionsByCodeSigningConfig
  (https://docs.aws.amazon.com/lambda/latest/api/API_ListCodeSigningConfigs.html,
  https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctionsByCodeSigningConfig.html); moto 404s them.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

_POLICY = re.compile(r"^/2015-03-31/functions/(?P<name>[^/?]+)/policy/?$")
_URLS = re.compile(r"^/2021-10-31/functions/(?P<name>[^/?]+)/urls/?$")
_CODE_SIGNING = re.compile(r"^/2020-04-22/code-signing-configs/?$")
_SIGNED_FUNCTIONS = re.compile(r"^/2020-04-22/code-signing-configs/(?P<arn>[^/?]+)/functions/?$")
_ALIASES = re.compile(r"^(?P<head>/2015-03-31/functions/)(?P<name>[^/?]+)(?P<tail>/aliases.*)$")
_SCOPE_REGION = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[a-z0-9-]+)/")
TIMESTAMP = "2026-01-01T00:00:00.000+0000"

Answer = tuple[int, dict[str, Any]]
UpstreamGet = Callable[[str], Answer]


@dataclass
class CodeSigningConfig:
    """One code-signing configuration and the functions that use it, as AWS lists them."""

    arn: str
    policy: str  # UntrustedArtifactOnDeployment: Warn | Enforce
    function_arns: list[str] = field(default_factory=list)

    def shape(self) -> dict[str, Any]:
        config_id = self.arn.rsplit(":", 1)[-1]
        region, account = self.arn.split(":")[3:5]
        return {
            "CodeSigningConfigId": config_id, "CodeSigningConfigArn": self.arn, "Description": "",
            "AllowedPublishers": {"SigningProfileVersionArns": [
                f"arn:aws:signer:{region}:{account}:/signing-profiles/release/abcdef0123"]},
            "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": self.policy},
            "LastModified": TIMESTAMP,
        }


@dataclass
class Recorded:
    """What the proxy serves in place of moto, keyed by function name (names are unique in the estates)."""

    overlay: dict[str, dict[str, Any]] = field(default_factory=dict)
    alias_policies: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    alias_urls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # FunctionUrlConfig shapes
    code_signing: dict[str, list[CodeSigningConfig]] = field(default_factory=dict)  # by region

    def merge(self, other: Recorded) -> None:
        self.overlay.update(other.overlay)
        self.alias_policies.update(other.alias_policies)
        self.alias_urls.update(other.alias_urls)
        for region, configs in other.code_signing.items():
            self.code_signing.setdefault(region, []).extend(configs)

    def answer(self, method: str, path: str, headers: dict[str, str], upstream: UpstreamGet) -> Answer | None:
        """The recorded response to a request, or None to pass it on to moto."""
        if method != "GET":
            return None
        route, _, query = path.partition("?")
        params = {k: v[0] for k, v in parse_qs(query).items()}
        if (match := _POLICY.match(route)) and "Qualifier" in params:
            return self._alias_policy(_function_name(match["name"]), params["Qualifier"])
        if match := _URLS.match(route):
            return self._url_configs(match["name"], upstream)
        if _CODE_SIGNING.match(route):
            configs = self.code_signing.get(request_region(headers), [])
            return 200, {"CodeSigningConfigs": [c.shape() for c in configs]}
        if match := _SIGNED_FUNCTIONS.match(route):
            arn = unquote(match["arn"])
            config = next((c for c in self.code_signing.get(request_region(headers), []) if c.arn == arn), None)
            if config is None:
                return not_found(f"The code signing configuration {arn} does not exist.")
            return 200, {"FunctionArns": config.function_arns}
        return None

    def _alias_policy(self, name: str, alias: str) -> Answer:
        policy = self.alias_policies.get((name, alias))
        if policy is None:
            return not_found("The resource you requested does not exist.")
        return 200, {"Policy": json.dumps(policy), "RevisionId": f"{name}-{alias}-1"}

    def _url_configs(self, quoted_name: str, upstream: UpstreamGet) -> Answer:
        """The function's own URL comes from moto (GetFunctionUrlConfig), its aliases' from the record."""
        status, own = upstream(f"/2021-10-31/functions/{quoted_name}/url")
        found = 200 <= status < 300  # moto answers GetFunctionUrlConfig with 201
        if not found and status != 404:
            return status, own
        urls = [own] if found else []
        return 200, {"FunctionUrlConfigs": urls + self.alias_urls.get(_function_name(quoted_name), [])}

    def overlay_configuration(self, doc: dict[str, Any]) -> dict[str, Any]:
        configs = doc.get("Functions") or [doc.get("Configuration") or doc]
        for cfg in configs:
            if isinstance(cfg, dict) and cfg.get("FunctionName") in self.overlay:
                cfg.update(self.overlay[cfg["FunctionName"]])
        return doc


def url_config(function_arn: str, auth: str, cors: dict[str, Any] | None) -> dict[str, Any]:
    """A FunctionUrlConfig as ListFunctionUrlConfigs returns it; an alias URL's FunctionArn is qualified."""
    url_id = zlib.crc32(function_arn.encode())
    region = function_arn.split(":")[3]
    shape: dict[str, Any] = {
        "FunctionUrl": f"https://{url_id:012d}demo.lambda-url.{region}.on.aws/", "FunctionArn": function_arn,
        "AuthType": auth, "CreationTime": TIMESTAMP, "LastModifiedTime": TIMESTAMP, "InvokeMode": "BUFFERED",
    }
    if cors:
        shape["Cors"] = cors
    return shape


def moto_path(path: str) -> str:
    """moto's ListAliases does not URL-decode the function name, so an ARN (which AWS accepts) misses;
    it is given the bare name instead."""
    match = _ALIASES.match(path)
    return f"{match['head']}{_function_name(match['name'])}{match['tail']}" if match else path


def not_found(message: str) -> Answer:
    return 404, {"Type": "User", "Message": message, "__type": "ResourceNotFoundException"}


def _function_name(quoted: str) -> str:
    """FunctionName in a path is a name, a partial ARN or a full ARN; the name is the part after function:."""
    text = unquote(quoted)
    if ":function:" in text:
        return text.split(":function:", 1)[1].split(":", 1)[0]
    return text.split(":", 1)[0]


def request_region(headers: dict[str, str]) -> str:
    """The region a SigV4-signed request is for, from its credential scope."""
    match = _SCOPE_REGION.search(headers.get("Authorization", ""))
    return match["region"] if match else "us-east-1"
