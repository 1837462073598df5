"""Secret checks: credentials belong in a secret store, not in configuration."""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check(
    id="ZT-SEC-001",
    title="Plaintext secret in function configuration",
    pillar=Pillar.secrets,
    severity=Severity.high,
    rationale="Configuration is readable by every principal with read access to the function; a secret "
    "store gives secrets their own access control, audit trail and rotation.",
    risk="Anyone who can read the function's configuration (or its logs and CI variables) holds the credential.",
    remediation=fix(
        aws=("Move the value to AWS Secrets Manager or SSM Parameter Store, store only its ARN in the "
             "environment, and read it at runtime (or through the Parameters and Secrets extension).",
             "aws secretsmanager create-secret --name NAME --secret-string file://value.txt",
             'environment { variables = { DB_SECRET_ARN = aws_secretsmanager_secret.db.arn } }'),
        azure=("Store the value in Key Vault and replace the app setting with a Key Vault reference "
               "@Microsoft.KeyVault(SecretUri=...).",
               "az functionapp config appsettings set -g RG -n APP --settings "
               "NAME=@Microsoft.KeyVault(SecretUri=https://VAULT.vault.azure.net/secrets/NAME/)",
               None),
        gcp=("Store the value in Secret Manager and expose it as a secret environment variable or volume.",
             "gcloud functions deploy FN --set-secrets NAME=projects/P/secrets/NAME:latest",
             'secret_environment_variables { key = "NAME" secret = google_secret_manager_secret.s.secret_id }'),
    ),
    references=["https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
                "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references"],
    compliance={"CIS-GCP": ["Cloud Functions env secrets"], "NIST-800-53": ["IA-5(7)", "SC-28"],
                "OWASP-Serverless": ["SAS-3"], "NIST-800-207": ["Tenet 6"]},
)
def plaintext_secret(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    leaked = [s for s in fn.secrets.settings if s.classification == "plaintext_secret"]
    return Verdict.fail_if(
        [f"{s.source} {s.name}: {', '.join(s.detectors)} (value {s.preview}, fingerprint {s.fingerprint})"
         for s in leaked],
        passed=f"{len(fn.secrets.settings)} setting(s), none holds a literal credential",
    )
