"""The test estate: four projects, both generations, every weakness present and absent.

``zt-delta`` sits two folders below the organization: its functions' grants come from the folders,
the organization, organization and project custom roles, and conditional bindings.

Plaintext secret values are listed in SECRET_VALUES so tests can assert none leaks anywhere.
"""

from __future__ import annotations

from typing import Any

from scanner.demo.gcp import gen1_function, gen2_function, policy, project
from scanner.demo.gcp.builders import conditional, crypto_key, custom_role, folder, organization

ALPHA, ALPHA_NUM = "zt-alpha", "111111111111"
BETA, BETA_NUM = "zt-beta", "222222222222"
GAMMA, GAMMA_NUM = "zt-gamma", "333333333333"
DELTA, DELTA_NUM = "zt-delta", "444444444444"
ORG = "organizations/100200300400"
HOSTILE = "<script>alert(1)</script>"

DB_PASSWORD = "Tr0ub4dor&3-horse-battery-staple"
GITHUB_TOKEN = "ghp_R4nd0mT0k3nV4lu3xxYYzz0123456789ab"
AWS_KEY = "AKIAZ7QXTESTKEY12345"
INDEX_PASSWORD = "Hq3!vT9-Lm2#Zx8w"  # raw "!" and "#": a URL parser would cut it at the fragment
PIP_INDEX_URL = f"https://deploy:{INDEX_PASSWORD}@pypi.internal/simple"
SECRET_VALUES = [DB_PASSWORD, GITHUB_TOKEN, AWS_KEY, PIP_INDEX_URL, INDEX_PASSWORD]

CLOSED_SA = f"closed-fn@{ALPHA}.iam.gserviceaccount.com"
HARDENED_SA = f"hardened-fn@{ALPHA}.iam.gserviceaccount.com"
BETA_SA = f"beta-runner@{BETA}.iam.gserviceaccount.com"
# zt-delta's runtime identities, one per inherited grant, and a caller from a project outside the scan.
EDITOR_SA = f"inherit-editor@{DELTA}.iam.gserviceaccount.com"
TOKEN_SA = f"inherit-token@{DELTA}.iam.gserviceaccount.com"
DEPLOY_SA = f"custom-deploy@{DELTA}.iam.gserviceaccount.com"
HARMLESS_SA = f"harmless@{DELTA}.iam.gserviceaccount.com"
COND_DEV_SA = f"cond-dev@{DELTA}.iam.gserviceaccount.com"
COND_PREFIX = f"projects/{DELTA}/locations/us-central1/functions/cond-"
PARTNER_SA = "caller@zt-partner.iam.gserviceaccount.com"
TIMED_SA = "timed@zt-partner.iam.gserviceaccount.com"
KEY_OK = f"projects/{ALPHA}/locations/europe-west1/keyRings/r/cryptoKeys/k1"
KEY_BAD = f"projects/{ALPHA}/locations/europe-west1/keyRings/r/cryptoKeys/k2"
CONDITIONAL_PUBLIC = {
    "role": "roles/cloudfunctions.invoker",
    "members": ["allUsers"],
    "condition": {"title": "only-before-2027", "expression": "request.time < timestamp('2027-01-01T00:00:00Z')"},
}


def fid(project_id: str, location: str, name: str) -> str:
    return f"projects/{project_id}/locations/{location}/functions/{name}"


def build_estate() -> dict[str, Any]:
    alpha = [
        gen1_function(
            ALPHA,
            "us-central1",
            "open-v1",
            runtime="python39",
            env={"DB_PASSWORD": DB_PASSWORD, "LOG_LEVEL": "debug"},
            build_env={"GITHUB_TOKEN": GITHUB_TOKEN, "PIP_INDEX_URL": PIP_INDEX_URL},
            security_level="SECURE_OPTIONAL",
            registry="CONTAINER_REGISTRY",
            labels={"owner": HOSTILE},
            invokers={"roles/cloudfunctions.invoker": ["allUsers"]},
        ),
        gen1_function(
            ALPHA,
            "europe-west1",
            "closed-v1",
            runtime="ruby32",
            service_account=CLOSED_SA,
            ingress="ALLOW_INTERNAL_ONLY",
            secret_env={"API_KEY": "closed-api-key:2"},
            vpc_connector=f"projects/{ALPHA}/locations/europe-west1/connectors/c1",
            egress="PRIVATE_RANGES_ONLY",
            kms_key=KEY_OK,
            build_service_account=f"projects/{ALPHA}/serviceAccounts/builder@{ALPHA}.iam.gserviceaccount.com",
        ),
        gen2_function(
            ALPHA,
            "europe-west1",
            "hardened-v2",
            runtime="python312",
            service_account=HARDENED_SA,
            env={"REGION": "europe-west1"},
            secret_env={"DB_PASSWORD": "db-password"},
            secret_volumes={"/secrets/tls": "tls-key"},
            ingress="ALLOW_INTERNAL_ONLY",
            vpc_connector=f"projects/{ALPHA}/locations/europe-west1/connectors/c2",
            egress="ALL_TRAFFIC",
            kms_key=KEY_BAD,
            invokers={"roles/run.invoker": [f"serviceAccount:caller@{ALPHA}.iam.gserviceaccount.com"]},
        ),
        gen2_function(
            ALPHA,
            "us-central1",
            "authn-v2",
            runtime="nodejs22",
            service_account=f"{ALPHA_NUM}-compute@developer.gserviceaccount.com",
            env={"AWS_ACCESS_KEY_ID": AWS_KEY},
            invokers={"roles/run.invoker": ["allAuthenticatedUsers", f"serviceAccount:{BETA_SA}"]},
        ),
        gen2_function(
            ALPHA,
            "us-east1",
            "directvpc-v2",
            runtime="python311",
            service_account=HARDENED_SA,
            direct_vpc=(f"projects/{ALPHA}/global/networks/prod", f"projects/{ALPHA}/regions/us-east1/subnetworks/s1"),
            egress="ALL_TRAFFIC",
            invokers={"roles/run.invoker": ["domain:acme.example", "group:ops@acme.example"]},
        ),
        gen2_function(
            ALPHA,
            "us-east1",
            "norun-v2",
            runtime="python310",
            invoker_iam_disabled=True,
            ingress="ALLOW_INTERNAL_AND_GCLB",
        ),
    ]
    beta = [
        gen1_function(
            BETA,
            "europe-west3",
            "event-v1",
            runtime="go125",
            service_account=BETA_SA,
            event_type="google.pubsub.topic.publish",
            invokers={"roles/cloudfunctions.invoker": [CONDITIONAL_PUBLIC]},
        ),
        gen2_function(BETA, "asia-northeast1", "plain-v2", runtime="python312", service_account=BETA_SA),
    ]
    alpha_iam = {
        "roles/editor": [
            f"serviceAccount:{ALPHA}@appspot.gserviceaccount.com",
            f"serviceAccount:{ALPHA_NUM}-compute@developer.gserviceaccount.com",
        ],
        "roles/run.developer": [f"serviceAccount:{CLOSED_SA}"],
        "roles/iam.serviceAccountUser": [f"serviceAccount:{CLOSED_SA}"],
        "roles/secretmanager.secretAccessor": [f"serviceAccount:{HARDENED_SA}"],
    }
    projects = [
        project(ALPHA, ALPHA_NUM, display_name="Alpha Prod", functions=alpha, iam=alpha_iam),
        project(
            BETA,
            BETA_NUM,
            display_name="Beta",
            parent="folders/555",
            functions=beta,
            iam={"roles/viewer": [f"serviceAccount:{BETA_SA}"]},
        ),
        project(GAMMA, GAMMA_NUM, state="DELETE_REQUESTED"),
        delta_project(),
    ]
    # The v1 invoker policy of event-v1 holds a conditional binding: build it directly.
    projects[1]["functions"][0]["iamPolicy"] = policy(CONDITIONAL_PUBLIC)
    return {
        "page_size": 2,
        "projects": projects,
        "organizations": [
            organization(
                ORG.split("/")[1],
                iam={"roles/iam.serviceAccountTokenCreator": [f"serviceAccount:{TOKEN_SA}"]},
                roles=[
                    custom_role(ORG, "fnDeployer", ["iam.serviceAccounts.actAs", "cloudfunctions.functions.create"]),
                    custom_role(ORG, "routeCaller", ["run.routes.invoke", "run.services.get"]),
                ],
            )
        ],
        "folders": [
            folder("555", ORG),
            folder(
                "700",
                ORG,
                display_name="Platform",
                iam={"roles/editor": [f"serviceAccount:{EDITOR_SA}"]},
                bindings=[
                    # Reaches cond-v1 only, which is still another function it can change.
                    conditional(
                        "roles/cloudfunctions.developer",
                        [f"serviceAccount:{COND_DEV_SA}"],
                        f'resource.name.startsWith("{COND_PREFIX}")',
                        "cond-functions-only",
                    ),
                    # Reaches no scanned function.
                    conditional(
                        "roles/run.developer",
                        [f"serviceAccount:{HARMLESS_SA}"],
                        'resource.name.startsWith("projects/zt-elsewhere/")',
                        "elsewhere-only",
                    ),
                ],
            ),
            folder(
                "710",
                "folders/700",
                display_name="Team",
                iam={f"{ORG}/roles/routeCaller": [f"serviceAccount:{PARTNER_SA}"]},
                bindings=[
                    conditional(
                        "roles/cloudfunctions.invoker",
                        [f"serviceAccount:{PARTNER_SA}"],
                        f'resource.name.startsWith("{COND_PREFIX}")',
                        "cond-functions-only",
                    )
                ],
            ),
        ],
        "keys": [crypto_key(KEY_OK), crypto_key(KEY_BAD, state="DISABLED", rotation_days=None)],
        "faults": [],
    }


def delta_project() -> dict[str, Any]:
    """Grants that reach the functions only through inheritance, custom roles and conditions."""
    functions = [
        gen2_function(DELTA, "us-central1", "inherit-editor", service_account=EDITOR_SA),
        gen2_function(DELTA, "us-central1", "inherit-token", service_account=TOKEN_SA),
        gen1_function(DELTA, "us-central1", "custom-deploy", service_account=DEPLOY_SA),
        gen2_function(DELTA, "us-central1", "custom-harmless", service_account=HARMLESS_SA),
        gen1_function(DELTA, "us-central1", "cond-v1", service_account=HARMLESS_SA),
        gen1_function(DELTA, "us-central1", "other-v1", service_account=HARMLESS_SA),
        gen2_function(DELTA, "us-central1", "cond-dev", service_account=COND_DEV_SA),
    ]
    return project(
        DELTA,
        DELTA_NUM,
        display_name="Delta",
        parent="folders/710",
        functions=functions,
        iam={
            f"{ORG}/roles/fnDeployer": [f"serviceAccount:{DEPLOY_SA}"],
            f"projects/{DELTA}/roles/reader": [f"serviceAccount:{HARMLESS_SA}"],
            f"projects/{DELTA}/roles/oldAdmin": [f"serviceAccount:{HARMLESS_SA}"],
        },
        bindings=[
            conditional(
                "roles/run.invoker",
                [f"serviceAccount:{TIMED_SA}"],
                'request.time < timestamp("2027-01-01T00:00:00Z")',
                "until-2027",
            )
        ],
        roles=[
            custom_role(f"projects/{DELTA}", "reader", ["cloudfunctions.functions.get", "logging.logEntries.create"]),
            # Deleted custom roles stay in bindings but grant nothing.
            custom_role(f"projects/{DELTA}", "oldAdmin", ["resourcemanager.projects.setIamPolicy"], deleted=True),
        ],
    )
