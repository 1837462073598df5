"""The secret classifier against real token formats and the look-alikes that are not secrets.

Every provider calls scanner.secret_values.classify on each setting, so recall and false positives
here are recall and false positives of ZT-SEC-001 on every cloud.
"""

from __future__ import annotations

import pytest

from scanner.secret_values import classify, fingerprint, preview

# Values shaped like real credentials (not live ones). name -> value
SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "GITHUB_TOKEN": "ghp_R4nd0mT0k3nV4lu3F0rD3m0Purp0s3sXyZ12",
    "DEPLOY_KEY": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU",
    "SLACK_BOT": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "STRIPE_KEY": "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx",
    "MAPS_KEY": "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
    "STORAGE": "DefaultEndpointsProtocol=https;AccountName=acme;"
               "AccountKey=bG9uZy1iYXNlNjQta2V5LWZvci1henVyZS1zdG9yYWdlLWFjY291bnQ9PQ==;EndpointSuffix=core.windows.net",
    "SESSION": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
               "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "SIGNING_PEM": "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----",
    "DATABASE_URL": "postgres://app:S3cr3tPassw0rd@db.internal:5432/orders",
    "DB_PASSWORD": "hunter2-but-longer",
    "SENDGRID": "SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
    "CLIENT_SECRET": "Qx8~Zr.5vT_Lm3Np9Kd2Wb7Yh4Gj6Fc1Sa0",
    "SQL_CONN": "Server=tcp:x.database.windows.net,1433;User ID=app;Password=Wint3r-is-c0ming;",
}

# Look-alikes: references and ordinary values that must never be reported as secrets.
NOT_SECRETS = {
    "DB_SECRET_ARN": ("arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", "secret_reference"),
    "API_TOKEN_PARAM": ("arn:aws:ssm:eu-west-1:123456789012:parameter/app/token", "secret_reference"),
    "DB_PASSWORD": ("@Microsoft.KeyVault(SecretUri=https://vault1.vault.azure.net/secrets/db/)", "secret_reference"),
    "STRIPE_KEY": ("@Microsoft.KeyVault(VaultName=vault1;SecretName=stripe)", "secret_reference"),
    "API_KEY_SECRET": ("projects/acme-prod/secrets/api-key/versions/latest", "secret_reference"),
    "REQUEST_ID": ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", "ordinary"),
    "BUILD_SHA": ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "ordinary"),
    "COMMIT": ("9fceb02d0ae598e95dc970b74767f19372d61af8", "ordinary"),
    "FEATURE_ENABLED": ("true", "ordinary"),
    "TOKEN_TTL_SECONDS": ("3600", "ordinary"),
    "SECRETS_PATH": ("/var/run/secrets/app", "ordinary"),
    "AUTH_URL": ("https://login.example.com/oauth2/token", "ordinary"),
    "API_KEY_HEADER": ("x-api-key", "ordinary"),
    "PASSWORD_POLICY": ("min-length", "ordinary"),
    "TABLE_NAME": ("orders-prod", "ordinary"),
    "REGION": ("eu-west-1", "ordinary"),
    "APPLICATIONINSIGHTS_CONNECTION_STRING": (
        "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
        "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/", "ordinary"),
    "DB_PASSWORD_PLACEHOLDER": ("${DB_PASSWORD}", "ordinary"),
    "LOG_LEVEL": ("info", "ordinary"),
}


@pytest.mark.parametrize(("name", "value"), SECRETS.items())
def test_real_token_formats_are_plaintext_secrets(name: str, value: str) -> None:
    setting = classify(name, value)
    assert setting.classification == "plaintext_secret", setting.detectors
    assert setting.preview is not None and len(setting.preview.rstrip("…")) <= 4
    assert setting.fingerprint == fingerprint(value) and len(setting.fingerprint) == 16
    assert value not in setting.model_dump_json()


@pytest.mark.parametrize(("name", "value", "expected"), [(n, v, e) for n, (v, e) in NOT_SECRETS.items()])
def test_look_alikes_are_not_secrets(name: str, value: str, expected: str) -> None:
    setting = classify(name, value)
    assert setting.classification == expected, setting.detectors
    assert setting.preview is None and setting.fingerprint is None


def test_recall_over_the_corpus_is_complete_with_no_false_positive() -> None:
    flagged = sum(classify(n, v).classification == "plaintext_secret" for n, v in SECRETS.items())
    false_positives = [n for n, (v, _) in NOT_SECRETS.items() if classify(n, v).classification == "plaintext_secret"]
    assert (flagged, len(SECRETS)) == (len(SECRETS), len(SECRETS))
    assert false_positives == []


def test_preview_reveals_less_of_short_values() -> None:
    assert preview("hunter2") == "h…"
    assert preview("sk_live_51H8xYzAbCdEf") == "sk_l…"
    assert preview("abc") == "…"
