"""Secret checks: credentials belong in a secret store, not in configuration.

Values are classified by ``scanner.secret_values`` when the provider reads them (detect-secrets
format detectors, key-name and entropy heuristics); checks see only names, detectors and previews.
A reference (``*_SECRET_ARN``, a Key Vault reference, a Secret Manager name) is never a secret.
"""

from __future__ import annotations

from scanner.findings import Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check("ZT-SEC-001", "Plaintext secret in function configuration")
def plaintext_secret(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    leaked = [s for s in fn.secrets.settings if s.classification == "plaintext_secret"]
    return Verdict.fail_if(
        [f"{s.source} {s.name}: {', '.join(s.detectors)} (value {s.preview}, fingerprint {s.fingerprint})"
         for s in leaked],
        passed=f"{len(fn.secrets.settings)} setting(s), none holds a literal credential",
    )


@check("ZT-SEC-002", "Secret-like setting is not sourced from the secret store")
def secret_like_not_in_store(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    literal = [s for s in fn.secrets.settings
               if s.classification == "ordinary" and s.secret_like_name and s.detectors]
    return Verdict.fail_if(
        [f"{s.source} {s.name}: {', '.join(s.detectors)}" for s in literal],
        passed="every credential-named setting is a secret-store reference or empty",
    )


@check("ZT-SEC-003", "Function reaches its storage account with an account key")
def storage_account_key(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    conn = fn.secrets.storage_connection
    if conn is None:
        return Verdict.not_applicable("the function has no storage connection")
    key = "a host storage connection string (AzureWebJobsStorage or the content share) holds the account key"
    return Verdict.fail_if([key] if conn == "account_key" else [],
                           passed="identity-based storage connection" if conn == "identity" else "no storage connection")
