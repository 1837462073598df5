"""Benchmark: classify 10,000 settings, the mix a real estate has (mostly ordinary values, some
references, public values and credentials), and print the time per setting.

Every provider classifies every environment variable of every function, so this is on the scan's path.
Usage: python bench/secret_classify.py [--settings 10000]
"""

from __future__ import annotations

import argparse
import time

from scanner.secret_values import classify

# Half what a function's environment mostly holds (short ordinary values), half the harder cases.
_MIX = [
    ("LOG_LEVEL", "info"), ("TABLE_NAME", "orders-prod"), ("REGION", "eu-west-1"), ("FEATURE_ENABLED", "true"),
    ("TIMEOUT_SECONDS", "30"), ("BUCKET", "acme-uploads-prod"),
    ("COMMIT", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
    ("QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"),
    ("DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"),
    ("APPLICATIONINSIGHTS_CONNECTION_STRING", "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
     "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"),
    ("DATABASE_URL", "postgres://app:Xk9-qL2!mZ7@db:5432/x"), ("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/x"),
    ("STRIPE_API_KEY", "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx"),
    ("STRIPE_PK", "pk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx"),
    ("DB_PASSWORD", "hunter2-but-longer"), ("AzureWebJobsStorage__accountName", "acmestore"),
    ("AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + "A1b2" * 22
     + ";EndpointSuffix=core.windows.net"),
    ("SESSION", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
     "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
]


def settings(count: int) -> list[tuple[str, str]]:
    return [_MIX[i % len(_MIX)] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settings", type=int, default=10_000)
    count = parser.parse_args().settings
    batch = settings(count)
    classify("WARM_UP", "x")  # imports detect-secrets' plugins once, as a scan does
    started = time.perf_counter()
    flagged = sum(classify(name, value).classification == "plaintext_secret" for name, value in batch)
    seconds = time.perf_counter() - started
    print(f"{count} settings ({flagged} plaintext secrets) in {seconds:.2f} s: {seconds / count * 1e6:.0f} µs each")


if __name__ == "__main__":
    main()
