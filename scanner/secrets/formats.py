"""Vendors' token formats: detect-secrets' maintained regex detectors plus the current formats it
lacks. Every pattern is compiled once, when the module is imported.

Sources of the formats (each also cited beside its corpus case in tests/secret_corpus.py):
OpenAI https://platform.openai.com/docs/api-reference/authentication, Anthropic
https://docs.anthropic.com/en/api/getting-started, GitHub https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/,
npm https://github.blog/2021-09-23-announcing-npms-new-access-token-format/, Entra client secrets
https://learn.microsoft.com/purview/sit-defn-azure-ad-client-secret, Azure SAS
https://learn.microsoft.com/rest/api/storageservices/create-service-sas, Datadog
https://docs.datadoghq.com/account_management/api-app-keys/, Stripe https://docs.stripe.com/keys.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass

import detect_secrets.plugins as detector_plugins
from detect_secrets.plugins.base import RegexBasedDetector

from scanner.secrets.heuristics import is_ordinary, is_placeholder


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    pattern: re.Pattern[str]
    # Where the credential is in the match (checked against placeholders), and what else it must pass.
    group: int = 0
    check: Callable[[str], bool] | None = None
    # A format that is only a credential under a name that says so (32 hex digits are also a hash).
    setting_name: re.Pattern[str] | None = None


def _jwt_header(token: str) -> bool:
    """A JWT's first segment is base64url JSON with an "alg" (a bare "eyJ..." may be any base64 JSON)."""
    head = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(header, dict) and "alg" in header


def _credential(text: str) -> bool:
    return len(text) >= 4 and not is_placeholder(text) and not is_ordinary(text)


# detect-secrets detectors replaced here: public IPs are no credential; URL userinfo is parsed in
# scanner.secrets.urls (its basic-auth regex also takes "<password>" for one); JWTs are checked below.
_REPLACED_DETECTORS = {"IPPublicDetector", "BasicAuthDetector", "JwtTokenDetector"}
# Its "AP" + 9 letters password pattern also matches words; its real tokens are much longer.
_SHORT_WORDS_MATCH = {"ArtifactoryDetector"}
_B64 = r"[A-Za-z0-9+/]"

_OWN_FORMATS = (
    Format("OpenAI Token", re.compile(r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}")),
    Format("OpenAI Token", re.compile(r"(?<![\w-])sk-[A-Za-z0-9]{48}(?![\w-])")),
    Format("Anthropic API key", re.compile(r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,}")),
    Format("GitHub fine-grained token", re.compile(r"\bgithub_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59}\b")),
    Format("NPM tokens", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    Format("Slack app-level token", re.compile(r"\bxapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}")),
    Format("Stripe test-mode secret key", re.compile(r"\b[rs]k_test_[0-9a-zA-Z]{24,}")),
    Format("Stripe webhook signing secret", re.compile(r"\bwhsec_[A-Za-z0-9+/=]{32,}")),
    Format("Google API Key", re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b")),
    Format("Google OAuth Client Secret", re.compile(r"\bGOCSPX-[0-9A-Za-z\-_]{28}\b")),
    Format("Microsoft Entra client secret",
           re.compile(r"(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])")),
    Format("Azure SAS token signature", re.compile(r"(?:^|[?&;])sig=([0-9A-Za-z%/+=]{30,})"), group=1),
    Format("Azure Functions key in a URL", re.compile(r"[?&]code=([A-Za-z0-9_\-]{40,}={0,2})"), group=1),
    Format("Credential in a connection string or key=value list", re.compile(
        r"(?i)(?:^|[\s;,&?{\"'.-])(?:AccountKey|SharedAccessKey|AccessKey|PrimaryKey|Password|Passwd|Pwd|"
        r"ClientSecret|client_secret|SharedSecretValue|(?:x-)?api[-_]?key|access_token|auth_token|token|secret|"
        r"authorization)"
        r"[\"']?\s*[:=]\s*[\"']?([^\s\"';,&]+)"), group=1, check=_credential),
    Format("Credential in an Authorization header value",
           re.compile(r"(?i)^(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/=-]{16,})$"), group=1, check=_credential),
    Format("Mapbox secret token", re.compile(r"\bsk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{20,}")),
    Format("Sentry auth token", re.compile(r"\bsntry[su]_[A-Za-z0-9+/=_]{40,}")),
    Format("Hugging Face token", re.compile(r"\bhf_[A-Za-z0-9]{34}\b")),
    Format("HashiCorp Vault token", re.compile(r"\bhv[sb]\.[A-Za-z0-9_-]{24,}")),
    Format("Terraform Cloud token", re.compile(r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}")),
    Format("Shopify access token", re.compile(r"\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b")),
    Format("DigitalOcean token", re.compile(r"\bdo[opr]_v1_[a-f0-9]{64}\b")),
    Format("Databricks token", re.compile(r"\bdapi[a-f0-9]{32}(?:-\d)?\b")),
    Format("Grafana service account token", re.compile(r"\bglsa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8}\b")),
    Format("PostHog personal API key", re.compile(r"\bphx_[A-Za-z0-9]{43}\b")),
    Format("LaunchDarkly SDK key", re.compile(r"\bsdk-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")),
    Format("Mailgun API key", re.compile(r"\bkey-[0-9a-f]{32}\b")),
    Format("Discord webhook URL", re.compile(r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{60,}")),
    Format("Microsoft Teams webhook URL", re.compile(r"\.webhook\.office\.com/webhookb2/[0-9a-f-]{36}@")),
    Format("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
           check=_jwt_header),
    Format("Datadog API key", re.compile(r"^[0-9a-f]{32}$"),
           setting_name=re.compile(r"(?i)(datadog|^dd)_?api_?key$")),
    Format("Datadog application key", re.compile(r"^[0-9a-f]{40}$"),
           setting_name=re.compile(r"(?i)(datadog|^dd)_?app(lication)?_?key$")),
    Format("Azure Storage Account access key", re.compile(rf"^{_B64}{{86}}==$"),
           setting_name=re.compile(r"(?i)(storage|account)_?(access_?)?key")),
)


def _detect_secrets_formats() -> tuple[Format, ...]:
    found: list[Format] = []
    for module_info in pkgutil.iter_modules(detector_plugins.__path__):
        module = importlib.import_module(f"{detector_plugins.__name__}.{module_info.name}")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, RegexBasedDetector) and cls is not RegexBasedDetector
                    and cls.__module__ == module.__name__ and cls_name not in _REPLACED_DETECTORS):
                check = (lambda token: len(token.strip(" =:\"")) >= 20) if cls_name in _SHORT_WORDS_MATCH else None
                found.extend(Format(cls.secret_type, pattern, check=check) for pattern in cls.denylist)
    return tuple(found)


FORMATS: tuple[Format, ...] = _detect_secrets_formats() + _OWN_FORMATS


def format_hits(name: str, text: str) -> list[str]:
    """Names of the vendor formats found in the value."""
    hits: set[str] = set()
    for fmt in FORMATS:
        # search() first: almost every value matches nothing, and one call per pattern is the cheap path.
        if fmt.pattern.search(text) is None or fmt.name in hits:
            continue
        if fmt.setting_name is not None and not fmt.setting_name.search(name):
            continue
        for match in fmt.pattern.finditer(text):
            token = match.group(fmt.group)
            if not is_placeholder(token) and (fmt.check is None or fmt.check(token)):
                hits.add(fmt.name)
                break
    return sorted(hits)
