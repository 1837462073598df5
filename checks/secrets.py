"""Secret checks: credentials belong in a secret store, not in configuration.

Values are classified by ``scanner.secret_values`` when the provider reads them (detect-secrets
format detectors, key-name and entropy heuristics); checks see only names, detectors and previews.
A reference (``*_SECRET_ARN``, a Key Vault reference, a Secret Manager name) is never a secret.
"""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check

_SECRET_STORE_FIX = fix(
    aws=("Move the value to AWS Secrets Manager or SSM Parameter Store (SecureString), store only its ARN in "
         "the environment, and read it at runtime (or through the Parameters and Secrets extension).",
         "aws secretsmanager create-secret --name NAME --secret-string file://value.txt",
         'environment { variables = { DB_SECRET_ARN = aws_secretsmanager_secret.db.arn } }'),
    azure=("Store the value in Key Vault and replace the app setting with a Key Vault reference "
           "@Microsoft.KeyVault(SecretUri=...), read through the app's managed identity.",
           "az functionapp config appsettings set -g RG -n APP --settings "
           "NAME=@Microsoft.KeyVault(SecretUri=https://VAULT.vault.azure.net/secrets/NAME/)",
           'app_settings = { NAME = "@Microsoft.KeyVault(SecretUri=${azurerm_key_vault_secret.s.id})" }'),
    gcp=("Store the value in Secret Manager and expose it as a secret environment variable or volume.",
         "gcloud functions deploy FN --set-secrets NAME=projects/P/secrets/NAME:latest",
         'secret_environment_variables { key = "NAME" secret = google_secret_manager_secret.s.secret_id }'),
)


@check(
    id="ZT-SEC-001",
    title="Plaintext secret in function configuration",
    pillar=Pillar.secrets,
    severity=Severity.high,
    rationale="Configuration is readable by every principal with read access to the function; a secret "
    "store gives secrets their own access control, audit trail and rotation.",
    risk="Anyone who can read the function's configuration (or its logs and CI variables) holds the credential.",
    remediation=_SECRET_STORE_FIX,
    references=["https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
                "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
                "https://cloud.google.com/functions/docs/configuring/secrets"],
    compliance={"CIS-AWS-Compute": ["4.3"], "CIS-Azure": ["9.11"], "CIS-GCP": ["CF-SECRETS"],
                "NIST-800-53": ["IA-5(7)", "SC-28"], "OWASP-Serverless": ["A3:2017"], "NIST-800-207": ["Tenet 6"]},
)
def plaintext_secret(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    leaked = [s for s in fn.secrets.settings if s.classification == "plaintext_secret"]
    return Verdict.fail_if(
        [f"{s.source} {s.name}: {', '.join(s.detectors)} (value {s.preview}, fingerprint {s.fingerprint})"
         for s in leaked],
        passed=f"{len(fn.secrets.settings)} setting(s), none holds a literal credential",
    )


@check(
    id="ZT-SEC-002",
    title="Secret-like setting is not sourced from the secret store",
    pillar=Pillar.secrets,
    severity=Severity.medium,
    rationale="A setting whose name says it holds a credential should be a secret-store reference, even when "
    "its value does not look like a known token format.",
    risk="A short password, PIN or key with no recognisable format sits in configuration outside the "
    "secret store's access control and rotation.",
    remediation=_SECRET_STORE_FIX,
    references=["https://learn.microsoft.com/azure/app-service/app-service-key-vault-references",
                "https://cloud.google.com/functions/docs/configuring/secrets"],
    compliance={"CIS-AWS-Compute": ["4.3"], "CIS-Azure": ["9.11"], "CIS-GCP": ["CF-SECRETS"],
                "NIST-800-53": ["IA-5(7)"], "OWASP-Serverless": ["A3:2017"]},
)
def secret_like_not_in_store(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    literal = [s for s in fn.secrets.settings
               if s.classification == "ordinary" and s.secret_like_name and s.detectors]
    return Verdict.fail_if(
        [f"{s.source} {s.name}: {', '.join(s.detectors)}" for s in literal],
        passed="every credential-named setting is a secret-store reference or empty",
    )


@check(
    id="ZT-SEC-003",
    title="Function reaches its storage account with an account key",
    pillar=Pillar.secrets,
    severity=Severity.high,
    rationale="A storage account key is a full-control, never-expiring credential for the account that also "
    "holds the function's code and triggers; identity-based connections need no secret.",
    risk="Anyone who reads the setting can rewrite the function's code package and read every blob, queue "
    "and table in the account.",
    remediation=fix(
        azure=("Grant the app's managed identity Storage Blob Data Owner, Queue and Table roles, replace "
               "AzureWebJobsStorage with AzureWebJobsStorage__accountName, then rotate the account keys and "
               "disable shared-key access.",
               "az functionapp config appsettings set -g RG -n APP --settings AzureWebJobsStorage__accountName=ACCOUNT "
               "&& az functionapp config appsettings delete -g RG -n APP --setting-names AzureWebJobsStorage",
               'storage_uses_managed_identity = true\nstorage_account_access_key = null'),
    ),
    references=["https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity"],
    compliance={"CIS-Azure": ["9.5", "9.11"], "NIST-800-53": ["IA-5(7)", "AC-6"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A3:2017"]},
    providers=["azure"],
)
def storage_account_key(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    conn = fn.secrets.storage_connection
    if conn is None:
        return Verdict.not_applicable("the function has no storage connection")
    key = "a host storage connection string (AzureWebJobsStorage or the content share) holds the account key"
    return Verdict.fail_if([key] if conn == "account_key" else [],
                           passed="identity-based storage connection" if conn == "identity" else "no storage connection")
