"""Encryption checks: keys the customer controls, and transport security."""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check


@check(
    id="ZT-ENC-001",
    title="Function configuration is not encrypted with a customer-managed key",
    pillar=Pillar.encryption,
    severity=Severity.medium,
    rationale="A customer-managed key puts decryption of the function's configuration under the "
    "customer's own key policy, audit log and revocation.",
    risk="The configuration is decryptable by anyone with read access to the function; access cannot be "
    "revoked by disabling a key.",
    remediation=fix(
        aws=("Create a symmetric KMS key and set it as the function's environment encryption key.",
             "aws lambda update-function-configuration --function-name FN --kms-key-arn KEY_ARN",
             'resource "aws_lambda_function" "fn" { kms_key_arn = aws_kms_key.fn.arn }'),
        gcp=("Deploy the function with a Cloud KMS key (CMEK) for its source, image and data.",
             "gcloud functions deploy FN --kms-key projects/P/locations/L/keyRings/R/cryptoKeys/K",
             'resource "google_cloudfunctions2_function" "fn" { kms_key_name = google_kms_crypto_key.k.id }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
                "https://cloud.google.com/functions/docs/securing/cmek"],
    compliance={"NIST-800-53": ["SC-12", "SC-28"], "NIST-800-207": ["Tenet 2"]},
)
def no_customer_managed_key(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if not fn.encryption.cmk_supported:
        return Verdict.not_applicable("the cloud offers no customer-managed key for this configuration")
    if not fn.secrets.settings and not fn.secrets.store_references:
        return Verdict.not_applicable("the function has no configuration to encrypt")
    key = fn.encryption.cmk
    if key:
        return Verdict.fail_if([], passed=f"customer-managed key {key.key_id}")
    return Verdict.fail_if([f"{len(fn.secrets.settings)} setting(s) encrypted only with a provider-owned key"])
