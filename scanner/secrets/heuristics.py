"""What a setting's name and a typed-in value say when no vendor format decides: credential-like
names, names that only describe a credential, placeholders, ordinary values and random-looking tokens.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

SECRET_NAME = re.compile(
    r"(?i)(passw(or)?d|passwd|passphrase|\bpwd\b|_pwd$|^pass$|_pass$|secret|token|api[_-]?key|apikey|"
    r"access[_-]?key|private[_-]?key|client[_-]?secret|credential|auth[_-]?key|signing[_-]?key|"
    r"encryption[_-]?key|master[_-]?key|account[_-]?key|app[_-]?key|subscription[_-]?key|license[_-]?key|"
    r"session[_-]?key|jwt[_-]?key|hmac[_-]?key|decryption[_-]?key|validation[_-]?key|basic[_-]?auth|"
    r"conn(ection)?[_-]?str|webhook[_-]?url|dsn$|sas$)"
)
# A name that ends in the credential itself: any typed-in value is one, a passphrase of plain words too.
_CREDENTIAL_NAME = re.compile(
    r"(?i)(^|_)(password|passwd|pwd|pass|passphrase|secret|token|api_?key|access_?key|private_?key|"
    r"secret_?key|signing_?key|encryption_?key|master_?key|account_?key|auth_?key|app_?key|subscription_?key|"
    r"hmac_?key|jwt_?key|session_?key|license_?key|decryption_?key|validation_?key|connection_?string|"
    r"conn_?str|dsn|credentials?)$"
)
# A name about a credential rather than the credential itself: its id, location, lifetime or shape.
_ABOUT_A_CREDENTIAL = re.compile(
    r"(?i)_(id|ids|name|names|arn|url|uri|endpoint|host|port|path|file|dir|ttl|timeout|expiry|expires|"
    r"expiration|lifetime|seconds|minutes|hours|days|length|len|size|count|header|issuer|audience|algorithm|"
    r"alg|type|kind|mode|method|enabled|disabled|required|region|version|prefix|suffix|format|policy|rotation|"
    r"provider|source|store|backend|project|hasher|scope|scopes|domain|user|username|location|field|param)$"
)
_PLACEHOLDER = re.compile(
    r"(?ix)^(?:"
    r"\$\{[^}]*\}|\$\([^)]*\)|\{\{.*\}\}|\{[a-z_][\w.-]*\}|<[^<>]*>|\#\{[^}]*\}|\[[a-z_ -]*\]"  # templates
    r"|%[sd]|%\([^)]+\)[sd]|%[a-z_][a-z0-9_]*%|\$[a-z_][a-z0-9_]*"  # printf, %VAR%, $VAR
    r"|\*+|x+|\.{3,}|_+|-+|•+"  # masks
    r"|change[-_ ]?me|change[-_ ]?it|replace[-_ ]?me|todo|tbd|placeholder|example|sample|dummy|fake|test"
    r"|redacted|secret|password|passwd|pass|pwd|token|none|null|nil|undefined|empty|not[-_ ]?set|unset"
    r"|(?:your|my)[-_ ][a-z_ -]*|your[a-z_-]*|my(?:password|secret|token|key|pass)"
    r"|(?:insert|enter|paste|put)[-_ ][a-z_ -]*|[a-z_ -]*[-_ ]here"
    r")$"
)
_ORDINARY_VALUE = re.compile(
    r"(?i)^(true|false|yes|no|on|off|none|null|enabled|disabled|\d+(\.\d+)?|[a-z]{2}-[a-z]+-\d|"
    r"sha(256|384|512)-[a-z0-9+/=]+|sha256:[0-9a-f]{64}|"
    # Stripe object ids (https://docs.stripe.com/api): identifiers, shown in the dashboard and in URLs.
    r"(acct|price|prod|cus|sub|pi|pm|seti|si|in|ch|txn|plan|evt|cs|we|py|re|tr|po)_[a-z0-9]{8,})$"
)
_GUID = re.compile(r"(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PATH_OR_URL = re.compile(r"^(/|\./|~/|[A-Za-z]:\\|[A-Za-z][A-Za-z0-9+.-]*://)")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*([-_.][a-z0-9]+)+$")  # "x-api-key", "client.secret.name", "acme-prod-2"
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_TOKENISH = re.compile(r"^[A-Za-z0-9+/=_\-.]+$")
_CLASSES = (re.compile("[a-z]"), re.compile("[A-Z]"), re.compile("[0-9]"))
_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD_SPLIT = re.compile(r"[-_. ]+")


def _words(name: str) -> str:
    """Azure's CamelCase names as snake case: AzureWebJobsSecretStorageType -> Azure_Web_Jobs_Secret_Storage_Type."""
    return _CAMEL_HUMP.sub("_", name)


# Name questions are cached: an estate repeats the same few hundred names across its functions.
@lru_cache(maxsize=8192)
def secret_like_name(name: str) -> bool:
    return bool(SECRET_NAME.search(_words(name)))


def names_a_credential(name: str) -> bool:
    """The name says it holds a credential, not something about one (DB_PASSWORD, not DB_PASSWORD_FILE)."""
    return secret_like_name(name) and not about_a_credential(name)


@lru_cache(maxsize=8192)
def about_a_credential(name: str) -> bool:
    return bool(_ABOUT_A_CREDENTIAL.search(_words(name)))


@lru_cache(maxsize=8192)
def _ends_in_credential(name: str) -> bool:
    return bool(_CREDENTIAL_NAME.search(_words(name)))


def is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.match(text.strip()))


def echoes_name(name: str, text: str) -> bool:
    """The value only repeats the setting's name, or its end (DB_PASSWORD=db-password, API_KEY=api_key):
    a template left unfilled or the name of a secret kept elsewhere, not a credential."""
    said = _WORD_SPLIT.split(text.lower())
    return said == _WORD_SPLIT.split(_words(name).lower())[-len(said):]


def shannon_entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    """A long, high-entropy token that is not hex (hex is more often a hash or an id)."""
    if len(value) < 20 or not _TOKENISH.match(value) or _HEX.match(value.replace("-", "")) or is_ordinary(value):
        return False
    return all(p.search(value) for p in _CLASSES) and shannon_entropy(value) >= 4.0


def is_literal(name: str, text: str) -> bool:
    """A value someone typed in, not a flag, number, path, URL or placeholder; nor an identifier, unless
    the name ends in the credential (DB_PASSWORD="correct-horse-battery-staple" is a passphrase,
    SECRET_MANAGER_PROJECT="acme-prod" is a project). A GUID is a literal here: under a credential's name
    it is a key (Heroku, legacy npm), and other names never reach this question."""
    shapes = (_ORDINARY_VALUE, _PATH_OR_URL) if _ends_in_credential(name) else (
        _ORDINARY_VALUE, _PATH_OR_URL, _IDENTIFIER)
    return bool(text) and not _PLACEHOLDER.match(text) and not any(p.match(text) for p in shapes)


def is_ordinary(text: str) -> bool:
    """A flag, number, region, hash or GUID: never a secret without a credential's name."""
    return bool(_ORDINARY_VALUE.match(text) or _GUID.match(text))
