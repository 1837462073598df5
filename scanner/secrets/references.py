"""Values that point into a secret store instead of holding the secret."""

from __future__ import annotations

import re

_REFERENCE_PATTERNS = {
    "Azure Key Vault reference": re.compile(r"^@Microsoft\.KeyVault\(.+\)$", re.I),
    "Azure App Configuration reference": re.compile(r"^@Microsoft\.AppConfiguration\(.+\)$", re.I),
    "AWS ARN": re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:\S+$"),
    "AWS SSM/Secrets Manager path": re.compile(r"^\{\{resolve:(secretsmanager|ssm|ssm-secure):.+\}\}$"),
    "GCP Secret Manager name": re.compile(r"^projects/[^/]+/secrets/[^/]+(/versions/[^/]+)?$"),
    # Berglas and the Secret Manager client libraries' "sm://project/secret" form.
    "GCP Secret Manager URI": re.compile(r"^(sm|berglas)://[\w.-]+/[\w.-]+(#\w+)?$"),
    "Key Vault secret URI": re.compile(
        r"^https://[a-z0-9-]+\.vault\.(azure\.net|usgovcloudapi\.net|azure\.cn)/secrets/[^@\s]*$"),
}
# A name that says the value is where the secret lives (DB_SECRET_ARN, API_KEY_PARAMETER_NAME).
_REFERENCE_NAME = re.compile(r"(?i)(_ARN|_SECRET_ID|_SECRET_NAME|_PARAMETER(_NAME)?|_SSM_PATH|_SECRET_REF)$")


def value_reference(value: str) -> str | None:
    """The kind of secret-store reference the value is, by its exact shape."""
    text = value.strip()
    return next((kind for kind, pattern in _REFERENCE_PATTERNS.items() if pattern.match(text)), None)


def named_reference(name: str) -> bool:
    return bool(_REFERENCE_NAME.search(name))
