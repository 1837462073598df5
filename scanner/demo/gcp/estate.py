"""The demo estate ``ztscan demo`` scans: good and bad functions over two projects."""

from __future__ import annotations

from typing import Any

from scanner.demo.gcp.builders import crypto_key, gen1_function, gen2_function, organization, project


def demo_estate() -> dict[str, Any]:
    """Five realistic functions over two projects, good and bad, for ``ztscan demo``."""
    prod, data = "acme-prod", "acme-data"
    prod_num, data_num = "481516234200", "314159265300"
    legacy = gen1_function(
        prod,
        "us-central1",
        "legacy-webhook",
        runtime="python39",
        env={"STRIPE_API_KEY": "sk_live_51HdemoDEMOdemo0Kx9aPq2ZrT7vWm4NbC", "LOG_LEVEL": "info"},
        security_level="SECURE_OPTIONAL",
        registry="CONTAINER_REGISTRY",
        labels={"team": "payments", "env": "prod"},
        invokers={"roles/cloudfunctions.invoker": ["allUsers"]},
    )
    hardened = gen2_function(
        prod,
        "europe-west1",
        "payments-api",
        runtime="python312",
        service_account=f"payments-fn@{prod}.iam.gserviceaccount.com",
        env={"LOG_LEVEL": "warning"},
        secret_env={"DB_PASSWORD": "payments-db-password:3"},
        secret_volumes={"/etc/tls": "payments-tls-key"},
        ingress="ALLOW_INTERNAL_ONLY",
        vpc_connector=f"projects/{prod}/locations/europe-west1/connectors/payments-vpc",
        egress="ALL_TRAFFIC",
        kms_key=f"projects/{prod}/locations/europe-west1/keyRings/fn/cryptoKeys/payments",
        labels={"team": "payments", "env": "prod"},
        invokers={"roles/run.invoker": [f"serviceAccount:frontend@{prod}.iam.gserviceaccount.com"]},
        build_service_account=f"projects/{prod}/serviceAccounts/builder@{prod}.iam.gserviceaccount.com",
    )
    reports = gen2_function(
        prod,
        "us-central1",
        "reports-export",
        runtime="nodejs18",
        build_env={"NPM_TOKEN": "npm_Zq8sW1xY4vB7nM2kL5pR9tJ3hG6fD0aC1eQ2"},
        labels={"team": "analytics"},
        invokers={"roles/run.invoker": ["allAuthenticatedUsers"]},
    )
    etl = gen1_function(
        data,
        "europe-west3",
        "etl-trigger",
        runtime="go125",
        service_account=f"etl-runner@{data}.iam.gserviceaccount.com",
        event_type="google.pubsub.topic.publish",
        ingress="ALLOW_INTERNAL_ONLY",
        secret_env={"WAREHOUSE_TOKEN": "warehouse-token"},
        invokers={
            "roles/cloudfunctions.invoker": [f"serviceAccount:ci-deployer@{prod}.iam.gserviceaccount.com"]
        },
    )
    thumbs = gen2_function(
        data,
        "us-east1",
        "public-thumbnailer",
        runtime="python310",
        invoker_iam_disabled=True,
        service_account=f"{data_num}-compute@developer.gserviceaccount.com",
        env={"BUCKET": "acme-thumbs", "MAX_WIDTH": "1024"},
        labels={"team": "media"},
    )
    # Runs as the ETL trigger's account (shared identity); VPC egress for private ranges only.
    loader = gen2_function(
        data,
        "europe-west3",
        "etl-loader",
        runtime="php82",
        service_account=f"etl-runner@{data}.iam.gserviceaccount.com",
        ingress="ALLOW_INTERNAL_ONLY",
        vpc_connector=f"projects/{data}/locations/europe-west3/connectors/data-vpc",
        egress="PRIVATE_RANGES_ONLY",
        env={"WAREHOUSE": "bq://acme-data", "ADMIN_PASSWORD": "admin"},
        labels={"team": "data"},
        invokers={"roles/run.invoker": [f"serviceAccount:etl-runner@{data}.iam.gserviceaccount.com"]},
    )
    return {
        "page_size": 50,
        "projects": [
            project(
                prod,
                prod_num,
                display_name="ACME Production",
                functions=[legacy, hardened, reports],
                iam={
                    "roles/editor": [
                        f"serviceAccount:{prod}@appspot.gserviceaccount.com",
                        f"serviceAccount:{prod_num}-compute@developer.gserviceaccount.com",
                    ],
                    "roles/secretmanager.secretAccessor": [
                        f"serviceAccount:payments-fn@{prod}.iam.gserviceaccount.com"
                    ],
                    "roles/owner": ["user:ops-lead@acme.example"],
                },
            ),
            project(
                data,
                data_num,
                display_name="ACME Data Platform",
                functions=[etl, thumbs, loader],
                iam={
                    "roles/iam.serviceAccountTokenCreator": [
                        f"serviceAccount:etl-runner@{data}.iam.gserviceaccount.com"
                    ],
                    "roles/cloudfunctions.developer": [
                        f"serviceAccount:etl-runner@{data}.iam.gserviceaccount.com"
                    ],
                    "roles/iam.serviceAccountUser": [
                        f"serviceAccount:etl-runner@{data}.iam.gserviceaccount.com"
                    ],
                    "roles/editor": [f"serviceAccount:{data_num}-compute@developer.gserviceaccount.com"],
                },
            ),
        ],
        "organizations": [organization("100200300400", iam={"roles/owner": ["group:cloud-admins@acme.example"]})],
        "keys": [crypto_key(f"projects/{prod}/locations/europe-west1/keyRings/fn/cryptoKeys/payments")],
        "faults": [],
    }
