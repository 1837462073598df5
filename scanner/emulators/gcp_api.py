"""A local, plain-HTTP emulator of the Google APIs the GCP provider reads.

It speaks just enough of Cloud Functions v1 and v2, Cloud Run Admin v2 and Resource Manager v3
(camelCase JSON, ``nextPageToken`` paging, Google-style JSON errors) for the real client libraries
(``transport="rest"``) to run against it unmodified, plus an OAuth token endpoint so a
service-account key file whose ``token_uri`` points here works through ``google.auth.default()``.

An *estate* is a plain dict (see ``demo_estate``); ``gen1_function`` / ``gen2_function`` build its
function entries so tests and the bench describe functions in a few keyword arguments.
Faults (``{"match": "...:getIamPolicy", "status": 403, "times": None}``) are injected by path
substring; ``times=None`` means every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
_DEFAULT_PAGE_SIZE = 50


# --------------------------------------------------------------------------- estate builders


def policy(*bindings: tuple[str, list[str]] | dict[str, Any]) -> dict[str, Any]:
    """An IAM policy from ``(role, members)`` pairs or ready binding dicts."""
    out = []
    for b in bindings:
        out.append(b if isinstance(b, dict) else {"role": b[0], "members": list(b[1])})
    return {"version": 3, "etag": "BwYemu00000=", "bindings": out}


def _secret_env(project: str, items: dict[str, str] | None) -> list[dict[str, str]]:
    # items: env key -> "secret" or "secret:version"
    out = []
    for key, ref in (items or {}).items():
        secret, _, version = ref.partition(":")
        out.append({"key": key, "projectId": project, "secret": secret, "version": version or "latest"})
    return out


def _secret_volumes(project: str, items: dict[str, str] | None) -> list[dict[str, Any]]:
    # items: mount path -> secret name
    return [
        {
            "mountPath": mount,
            "projectId": project,
            "secret": secret,
            "versions": [{"version": "1", "path": "value"}],
        }
        for mount, secret in (items or {}).items()
    ]


def _registry(registry: str, project: str, location: str) -> dict[str, str]:
    if registry == "CONTAINER_REGISTRY":
        return {"dockerRegistry": "CONTAINER_REGISTRY"}
    return {
        "dockerRegistry": "ARTIFACT_REGISTRY",
        "dockerRepository": f"projects/{project}/locations/{location}/repositories/gcf-artifacts",
    }


def _prune(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: the real APIs omit unset fields from their JSON."""
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def gen1_function(
    project: str,
    location: str,
    name: str,
    *,
    runtime: str = "python312",
    service_account: str | None = None,
    env: dict[str, str] | None = None,
    build_env: dict[str, str] | None = None,
    secret_env: dict[str, str] | None = None,
    secret_volumes: dict[str, str] | None = None,
    ingress: str = "ALLOW_ALL",
    security_level: str = "SECURE_ALWAYS",
    event_type: str | None = None,
    vpc_connector: str | None = None,
    egress: str | None = None,
    kms_key: str | None = None,
    registry: str = "ARTIFACT_REGISTRY",
    labels: dict[str, str] | None = None,
    invokers: dict[str, Any] | None = None,
    build_service_account: str | None = None,
) -> dict[str, Any]:
    """A 1st gen function as the v1 API returns it, with its function IAM policy."""
    full = f"projects/{project}/locations/{location}/functions/{name}"
    v1: dict[str, Any] = {
        "name": full,
        "status": "ACTIVE",
        "entryPoint": "main",
        "runtime": runtime,
        "availableMemoryMb": 256,
        "timeout": "60s",
        "versionId": "3",
        "updateTime": "2026-09-01T10:00:00Z",
        "serviceAccountEmail": service_account,
        "labels": labels,
        "environmentVariables": env,
        "buildEnvironmentVariables": build_env,
        "ingressSettings": ingress,
        "secretEnvironmentVariables": _secret_env(project, secret_env),
        "secretVolumes": _secret_volumes(project, secret_volumes),
        "vpcConnector": vpc_connector,
        "vpcConnectorEgressSettings": egress,
        "kmsKeyName": kms_key,
        "buildServiceAccount": build_service_account,
        **_registry(registry, project, location),
    }
    if event_type:
        v1["eventTrigger"] = {
            "eventType": event_type,
            "resource": f"projects/{project}/topics/{name}",
            "failurePolicy": {"retry": {}},
        }
    else:
        v1["httpsTrigger"] = {
            "url": f"https://{location}-{project}.cloudfunctions.net/{name}",
            "securityLevel": security_level,
        }
    return {"generation": 1, "v1": _prune(v1), "iamPolicy": policy(*(invokers or {}).items())}


def gen2_function(
    project: str,
    location: str,
    name: str,
    *,
    runtime: str = "python312",
    service_account: str | None = None,
    env: dict[str, str] | None = None,
    build_env: dict[str, str] | None = None,
    secret_env: dict[str, str] | None = None,
    secret_volumes: dict[str, str] | None = None,
    ingress: str = "ALLOW_ALL",
    vpc_connector: str | None = None,
    egress: str | None = None,
    direct_vpc: tuple[str, str] | None = None,
    kms_key: str | None = None,
    registry: str = "ARTIFACT_REGISTRY",
    labels: dict[str, str] | None = None,
    invokers: dict[str, Any] | None = None,
    invoker_iam_disabled: bool = False,
    build_service_account: str | None = None,
    event_type: str | None = None,
) -> dict[str, Any]:
    """A 2nd gen function (v2 API) plus the Cloud Run service behind it and that service's IAM policy."""
    full = f"projects/{project}/locations/{location}/functions/{name}"
    service = f"projects/{project}/locations/{location}/services/{name}"
    uri = f"https://{name}-{hashlib.sha256(full.encode()).hexdigest()[:10]}-{location[:2]}.a.run.app"
    run_ingress = {
        "ALLOW_ALL": "INGRESS_TRAFFIC_ALL",
        "ALLOW_INTERNAL_ONLY": "INGRESS_TRAFFIC_INTERNAL_ONLY",
        "ALLOW_INTERNAL_AND_GCLB": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
    }[ingress]
    v2: dict[str, Any] = {
        "name": full,
        "environment": "GEN_2",
        "state": "ACTIVE",
        "url": uri,
        "labels": labels,
        "kmsKeyName": kms_key,
        "updateTime": "2026-10-01T10:00:00Z",
        "buildConfig": _prune(
            {
                "runtime": runtime,
                "entryPoint": "main",
                "environmentVariables": build_env,
                "serviceAccount": build_service_account,
                **_registry(registry, project, location),
            }
        ),
        "serviceConfig": _prune(
            {
                "service": service,
                "uri": uri,
                "timeoutSeconds": 60,
                "availableMemory": "256M",
                "ingressSettings": ingress,
                "vpcConnector": vpc_connector,
                "vpcConnectorEgressSettings": egress,
                "serviceAccountEmail": service_account,
                "environmentVariables": env,
                "secretEnvironmentVariables": _secret_env(project, secret_env),
                "secretVolumes": _secret_volumes(project, secret_volumes),
                "allTrafficOnLatestRevision": True,
            }
        ),
    }
    if event_type:
        v2["eventTrigger"] = {"eventType": event_type, "retryPolicy": "RETRY_POLICY_DO_NOT_RETRY"}
    vpc_access: dict[str, Any] = {}
    if vpc_connector:
        vpc_access = {
            "connector": vpc_connector,
            "egress": "ALL_TRAFFIC" if egress == "ALL_TRAFFIC" else "PRIVATE_RANGES_ONLY",
        }
    elif direct_vpc:
        vpc_access = {
            "networkInterfaces": [{"network": direct_vpc[0], "subnetwork": direct_vpc[1]}],
            "egress": egress or "PRIVATE_RANGES_ONLY",
        }
    run = {
        "name": service,
        "uri": uri,
        "urls": [uri],
        "ingress": run_ingress,
        "labels": labels,
        "invokerIamDisabled": invoker_iam_disabled,
        "launchStage": "GA",
        "template": _prune(
            {"serviceAccount": service_account, "vpcAccess": vpc_access, "encryptionKey": kms_key}
        ),
    }
    return {
        "generation": 2,
        "v2": _prune(v2),
        "service": _prune(run),
        "iamPolicy": policy(*(invokers or {}).items()),
    }


def project(
    project_id: str,
    number: str,
    *,
    display_name: str | None = None,
    parent: str = "organizations/100200300400",
    state: str = "ACTIVE",
    iam: dict[str, list[str]] | None = None,
    functions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A project; ``iam`` maps role -> members of the project IAM policy."""
    return {
        "projectId": project_id,
        "number": number,
        "displayName": display_name or project_id,
        "parent": parent,
        "state": state,
        "iamPolicy": policy(*(iam or {}).items()),
        "functions": functions or [],
    }


RUNTIMES = [
    # name, stage, deprecation, decommission: what v2 list_runtimes reports
    ("python39", "DEPRECATED", (2025, 10, 5), (2026, 4, 30)),
    ("python310", "DEPRECATED", (2026, 10, 4), (2027, 4, 30)),
    ("python311", "GA", None, None),
    ("python312", "GA", None, None),
    ("nodejs18", "DEPRECATED", (2025, 4, 30), (2025, 10, 31)),
    ("nodejs22", "GA", (2027, 4, 30), (2027, 10, 31)),
    ("go121", "DEPRECATED", (2025, 8, 1), (2026, 2, 1)),
    ("go125", "GA", None, None),
]


def _runtimes_json() -> list[dict[str, Any]]:
    out = []
    for name, stage, dep, dec in RUNTIMES:
        item: dict[str, Any] = {"name": name, "displayName": name, "stage": stage, "environment": "GEN_2"}
        if dep:
            item["deprecationDate"] = {"year": dep[0], "month": dep[1], "day": dep[2]}
        if dec:
            item["decommissionDate"] = {"year": dec[0], "month": dec[1], "day": dec[2]}
        out.append(item)
    return out


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
        "faults": [],
    }


# --------------------------------------------------------------------------- the server


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": _STATUS.get(code, "UNKNOWN")}}


class _ApiError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Emulator:
    """A running emulator: ``base_url``, ``env``, ``requests`` (Counter by route) and fault control."""

    def __init__(self, estate: dict[str, Any]) -> None:
        self.estate = estate
        self.requests: Counter[str] = Counter()
        self.faults: list[dict[str, Any]] = [dict(f) for f in estate.get("faults", [])]
        self.fired: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._tokens: set[str] = set()
        self._public_keys: dict[str, str] = {}  # private_key_id -> PEM public key of keys we trust
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="gcp-emulator", daemon=True)

    # -- public helpers

    @property
    def env(self) -> dict[str, str]:
        """What a subprocess needs: never route emulator traffic through a proxy."""
        return {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}

    @property
    def total_requests(self) -> int:
        with self._lock:
            return sum(self.requests.values())

    def arm(self, match: str, status: int, times: int | None = 1, method: str | None = None) -> None:
        """Inject a fault: requests whose path contains ``match`` get ``status`` (``times=None``: always)."""
        with self._lock:
            self.faults.append({"match": match, "status": status, "times": times, "method": method})

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def write_service_account_key(
        self, path: Path, *, project_id: str = "acme-prod", email: str | None = None, trusted: bool = True
    ) -> Path:
        """A service-account key file whose token_uri is this emulator (``trusted=False``: a key the
        emulator does not know, to test bad credentials)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_id = uuid.uuid4().hex
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        if trusted:
            self._public_keys[key_id] = (
                key.public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
                .decode()
            )
        email = email or f"ztscan-reader@{project_id}.iam.gserviceaccount.com"
        path.write_text(
            json.dumps(
                {
                    "type": "service_account",
                    "project_id": project_id,
                    "private_key_id": key_id,
                    "private_key": private_pem,
                    "client_email": email,
                    "client_id": "1" * 21,
                    "auth_uri": f"{self.base_url}/o/oauth2/auth",
                    "token_uri": f"{self.base_url}/token",
                }
            ),
            encoding="utf-8",
        )
        return path

    # -- lifecycle

    def start(self) -> Emulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- request handling

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                return

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    status, payload = emulator._dispatch(method, self.path, self.headers, body)
                except _ApiError as exc:
                    status, payload = exc.code, _error(exc.code, exc.message)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler

    def _fault(self, method: str, path: str) -> int | None:
        with self._lock:
            for fault in self.faults:
                if fault["match"] in path and fault.get("method") in (None, method) and fault["times"] != 0:
                    if fault["times"] is not None:
                        fault["times"] -= 1
                    self.fired[f"{fault['status']} {fault['match']}"] += 1
                    return int(fault["status"])
        return None

    def _authenticate(self, headers: Any) -> None:
        header = headers.get("Authorization") or ""
        if not header:
            if self.estate.get("require_auth"):
                raise _ApiError(401, "Request is missing required authentication credential.")
            return
        token = header.removeprefix("Bearer ").strip()
        if token in self._tokens or self._verify_jwt(token) is not None:
            return
        raise _ApiError(401, "Request had invalid authentication credentials.")

    def _verify_jwt(self, token: str) -> dict[str, Any] | None:
        """A JWT signed by a key we issued (self-signed JWT access, or a token-grant assertion)."""
        from google.auth import jwt

        try:
            return dict(jwt.decode(token, certs=self._public_keys, verify=True, audience=None))
        except Exception:
            return None

    def _dispatch(self, method: str, raw_path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        parts = urlsplit(raw_path)
        path, query = unquote(parts.path), parse_qs(parts.query)
        if path == "/token" and method == "POST":
            return self._token(body)
        route = self._route_name(method, path)
        with self._lock:
            self.requests[route] += 1
        self._authenticate(headers)
        code = self._fault(method, path)
        if code is not None:
            raise _ApiError(code, f"injected fault on {path}")
        return 200, self._answer(route, path, query)

    def _token(self, body: bytes) -> tuple[int, Any]:
        with self._lock:
            self.requests["oauth.token"] += 1
        form = parse_qs(body.decode())
        if form.get("grant_type") != ["urn:ietf:params:oauth:grant-type:jwt-bearer"]:
            return 400, {"error": "unsupported_grant_type", "error_description": "Only JWT bearer grants"}
        if self._verify_jwt((form.get("assertion") or [""])[0]) is None:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        token = "ya29.emu-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens.add(token)
        return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer"}

    @staticmethod
    def _route_name(method: str, path: str) -> str:
        api = {"/v1/": "functions.v1", "/v2/": "v2", "/v3/": "resourcemanager"}.get(path[:4], "unknown")
        if api == "v2":
            api = "run" if "/services/" in path else "functions.v2"
        tail = path.rsplit(":", 1)[1] if ":" in path.rsplit("/", 1)[-1] else path.rsplit("/", 1)[-1]
        return (
            f"{api} {method} {tail if tail in {'getIamPolicy', 'search', 'functions', 'runtimes'} else 'get'}"
        )

    # -- resources

    def _project(self, ref: str) -> dict[str, Any]:
        for p in self.estate["projects"]:
            if ref in (p["projectId"], p["number"]):
                return p
        # Google answers 403 for a project that does not exist, so existence does not leak.
        raise _ApiError(403, f"Permission denied on resource project {ref} (or it may not exist).")

    @staticmethod
    def _project_json(p: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": f"projects/{p['number']}",
            "projectId": p["projectId"],
            "displayName": p["displayName"],
            "parent": p["parent"],
            "state": p["state"],
            "etag": 'W/"emu"',
        }

    def _page(self, items: list[Any], key: str, query: dict[str, list[str]]) -> dict[str, Any]:
        size = int((query.get("pageSize") or [0])[0]) or self.estate.get("page_size", _DEFAULT_PAGE_SIZE)
        size = min(size, self.estate.get("page_size", _DEFAULT_PAGE_SIZE))
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        out: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            out["nextPageToken"] = str(start + size)
        return out

    def _functions(self, proj: dict[str, Any], location: str, generation: int | None) -> list[dict[str, Any]]:
        found = []
        for f in proj["functions"]:
            body = f["v1"] if f["generation"] == 1 else f["v2"]
            if location not in ("-", body["name"].split("/")[3]):
                continue
            if generation is not None and f["generation"] != generation:
                continue
            found.append(f)
        return found

    def _function(self, proj: dict[str, Any], full_name: str, key: str) -> dict[str, Any]:
        for f in proj["functions"]:
            if key == "service" and f["generation"] == 2 and f["service"]["name"] == full_name:
                return f
            if key == "v1" and f["generation"] == 1 and f["v1"]["name"] == full_name:
                return f
        raise _ApiError(404, f"Resource '{full_name}' was not found")

    @staticmethod
    def _v2_view_of_gen1(f: dict[str, Any]) -> dict[str, Any]:
        """How the v2 API shows a 1st gen function (environment GEN_1, fewer details)."""
        v1 = f["v1"]
        return _prune(
            {
                "name": v1["name"],
                "environment": "GEN_1",
                "state": "ACTIVE",
                "labels": v1.get("labels"),
                "url": v1.get("httpsTrigger", {}).get("url"),
                "kmsKeyName": v1.get("kmsKeyName"),
                "buildConfig": _prune(
                    {
                        "runtime": v1["runtime"],
                        "entryPoint": v1.get("entryPoint"),
                        "environmentVariables": v1.get("buildEnvironmentVariables"),
                        "dockerRegistry": v1.get("dockerRegistry"),
                    }
                ),
                "serviceConfig": _prune(
                    {
                        "serviceAccountEmail": v1.get("serviceAccountEmail"),
                        "ingressSettings": v1.get("ingressSettings"),
                        "environmentVariables": v1.get("environmentVariables"),
                        "securityLevel": v1.get("httpsTrigger", {}).get("securityLevel"),
                        "secretEnvironmentVariables": v1.get("secretEnvironmentVariables"),
                    }
                ),
            }
        )

    def _answer(self, route: str, path: str, query: dict[str, list[str]]) -> Any:
        seg = path.strip("/").split("/")
        if route.startswith("resourcemanager"):
            if path == "/v3/projects:search":
                return self._search(query)
            ref = seg[2].split(":")[0]
            proj = self._project(ref)
            if path.endswith(":getIamPolicy"):
                return proj["iamPolicy"]
            return self._project_json(proj)
        if len(seg) < 5 or seg[1] != "projects" or seg[3] != "locations":
            raise _ApiError(404, f"unknown path {path}")
        proj = self._project(seg[2])
        location = seg[4]
        resource = "/".join(seg[1:]).split(":")[0]
        if route == "functions.v1 GET functions":
            return self._page([f["v1"] for f in self._functions(proj, location, 1)], "functions", query)
        if route == "functions.v1 GET getIamPolicy":
            return self._function(proj, resource, "v1")["iamPolicy"]
        if route == "functions.v2 GET functions":
            items = [
                f["v2"] if f["generation"] == 2 else self._v2_view_of_gen1(f)
                for f in self._functions(proj, location, None)
            ]
            return self._page(items, "functions", query)
        if route == "functions.v2 GET runtimes":
            return {"runtimes": _runtimes_json()}
        if route == "run GET getIamPolicy":
            return self._function(proj, resource, "service")["iamPolicy"]
        if route == "run GET get":
            return self._function(proj, resource, "service")["service"]
        raise _ApiError(404, f"unknown path {path}")

    def _search(self, query: dict[str, list[str]]) -> dict[str, Any]:
        text = (query.get("query") or [""])[0]
        terms = dict(t.split(":", 1) for t in text.split() if ":" in t)
        parent = terms.get("parent")
        found = [
            self._project_json(p)
            for p in self.estate["projects"]
            if terms.get("state", p["state"]) == p["state"] and parent in (None, p["parent"])
        ]
        return self._page(found, "projects", query)


@contextlib.contextmanager
def serve(estate: dict[str, Any]) -> Iterator[Emulator]:
    """Run the emulator for the duration of a ``with`` block."""
    emulator = Emulator(estate).start()
    try:
        yield emulator
    finally:
        emulator.stop()


if __name__ == "__main__":  # ``python -m scanner.emulators.gcp_api``: serve the demo estate
    with serve(demo_estate()) as running:
        print(f"GCP emulator on {running.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
