"""Encryption checks: keys the customer controls, and their health."""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Status, Verdict
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
        aws=("Create a symmetric KMS key and set it as the function's environment encryption key "
             "(Configuration > Environment variables > Encryption configuration).",
             "aws lambda update-function-configuration --function-name FN --kms-key-arn KEY_ARN",
             'resource "aws_lambda_function" "fn" { kms_key_arn = aws_kms_key.fn.arn }'),
        gcp=("Deploy the function with a Cloud KMS key (CMEK) for its source, image and data.",
             "gcloud functions deploy FN --kms-key projects/P/locations/L/keyRings/R/cryptoKeys/K",
             'resource "google_cloudfunctions2_function" "fn" { kms_key_name = google_kms_crypto_key.k.id }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
                "https://cloud.google.com/functions/docs/securing/cmek"],
    compliance={"CIS-AWS-Compute": ["4.12"], "NIST-800-53": ["SC-12", "SC-28"], "NIST-800-207": ["Tenet 2"],
                "OWASP-Serverless": ["A3:2017"]},
    providers=["aws", "gcp"],
)
def no_customer_managed_key(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    if not fn.encryption.cmk_supported:
        return Verdict.not_applicable("the cloud offers no customer-managed key for this configuration")
    code = fn.encryption.cmk_covers_code
    if not code and not fn.secrets.settings and not fn.secrets.store_references:
        return Verdict.not_applicable("the function has no configuration to encrypt")
    key = fn.encryption.cmk
    if key:
        return Verdict.fail_if([], passed=f"customer-managed key {key.key_id}")
    count = len(fn.secrets.settings) + len(fn.secrets.store_references)
    what = f"{count} setting(s)/secret reference(s)" + (" and the function's source and image" if code else "")
    return Verdict.fail_if([f"{what} encrypted only with a provider-owned key"])


_KEY_FIX = fix(
    aws=("KMS > Customer managed keys > the key: cancel key deletion and enable it, or point the function at "
         "an enabled key; Key rotation: enable automatic rotation.",
         "aws kms cancel-key-deletion --key-id KEY && aws kms enable-key --key-id KEY && "
         "aws kms enable-key-rotation --key-id KEY",
         'resource "aws_kms_key" "fn" { enable_key_rotation = true  is_enabled = true }'),
    gcp=("Security > Key Management > the key: restore/enable the primary version and set a rotation period.",
         "gcloud kms keys update KEY --keyring R --location L --rotation-period 90d "
         "--next-rotation-time 2030-01-01T00:00:00Z",
         'resource "google_kms_crypto_key" "k" { rotation_period = "7776000s" }'),
)


@check(
    id="ZT-ENC-002",
    title="Customer-managed key is disabled, pending deletion or unavailable",
    pillar=Pillar.encryption,
    severity=Severity.high,
    rationale="A key that cannot decrypt makes the function's configuration unreadable; a key pending "
    "deletion destroys it for good.",
    risk="The function fails to start or loses its configuration when the key is deleted.",
    remediation=_KEY_FIX,
    references=["https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
                "https://cloud.google.com/kms/docs/key-states"],
    compliance={"NIST-800-53": ["SC-12", "CP-10"], "NIST-800-207": ["Tenet 5"]},
    providers=["aws", "gcp"],
)
def key_unusable(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    key = fn.encryption.cmk
    if key is None:
        return Verdict.not_applicable("no customer-managed key")
    if key.state is None:
        return Verdict(Status.NOT_ASSESSED, (f"state of key {key.key_id} was not read",))
    if key.state == "other":
        return Verdict(Status.NOT_ASSESSED, (f"key {key.key_id} is in a state ztscan does not recognise",))
    return Verdict.fail_if([f"key {key.key_id} is {key.state.replace('_', ' ')}"] if key.state != "enabled" else [],
                           passed=f"key {key.key_id} is enabled")


@check(
    id="ZT-ENC-003",
    title="Customer-managed key is not rotated",
    pillar=Pillar.encryption,
    severity=Severity.low,
    rationale="Automatic rotation limits how much data one key version protects and how long a leaked "
    "version stays useful.",
    risk="A compromised key version keeps decrypting configuration indefinitely.",
    remediation=_KEY_FIX,
    references=["https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
                "https://cloud.google.com/kms/docs/key-rotation"],
    compliance={"NIST-800-53": ["SC-12"], "NIST-800-207": ["Tenet 5"]},
    providers=["aws", "gcp"],
)
def key_not_rotated(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    key = fn.encryption.cmk
    if key is None:
        return Verdict.not_applicable("no customer-managed key")
    if key.rotation_enabled is None:
        return Verdict(Status.NOT_ASSESSED, (f"rotation status of key {key.key_id} was not read",))
    return Verdict.fail_if([f"automatic rotation is off for key {key.key_id}"] if not key.rotation_enabled else [],
                           passed=f"key {key.key_id} rotates automatically")
