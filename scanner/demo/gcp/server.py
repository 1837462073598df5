"""A local, plain-HTTP emulator of the Google APIs the GCP provider reads.

It speaks just enough of Cloud Functions v1 and v2, Cloud Run Admin v2 and Resource Manager v3
(camelCase JSON, ``nextPageToken`` paging, Google-style JSON errors) for the real client libraries
(``transport="rest"``) to run against it unmodified, plus an OAuth token endpoint so a
service-account key file whose ``token_uri`` points here works through ``google.auth.default()``.

An *estate* is a plain dict (see ``estate.demo_estate``; ``builders`` makes its entries). This
module is the HTTP side (authentication, fault injection, request counting); ``routes`` answers.
Faults (``{"match": "...:getIamPolicy", "status": 403, "times": None}``) are injected by path
substring; ``times=None`` means every time; ``retry_after`` adds that Retry-After header.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from scanner.demo.gcp.routes import ApiError, GoogleApis

_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def _error(code: int, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": _STATUS.get(code, "UNKNOWN")}}


class _Injected(ApiError):
    """An armed fault's answer, with the headers it carries."""

    def __init__(self, code: int, path: str, headers: dict[str, str]) -> None:
        super().__init__(code, f"injected fault on {path}")
        self.headers = headers


class Emulator:
    """A running emulator: ``base_url``, ``env``, ``requests`` (Counter by route) and fault control."""

    def __init__(self, estate: dict[str, Any]) -> None:
        self.estate = estate
        self.api = GoogleApis(estate)
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

    def arm(self, match: str, status: int, times: int | None = 1, method: str | None = None,
            retry_after: int | None = None) -> None:
        """Inject a fault: requests whose path contains ``match`` get ``status`` (``times=None``: always),
        with a ``Retry-After`` header when given (as a quota's 429 may carry)."""
        with self._lock:
            self.faults.append(
                {"match": match, "status": status, "times": times, "method": method, "retry_after": retry_after}
            )

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
                    headers: dict[str, str] = {}
                except ApiError as exc:
                    status, payload = exc.code, _error(exc.code, exc.message)
                    headers = exc.headers if isinstance(exc, _Injected) else {}
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

        return Handler

    def _fault(self, method: str, path: str) -> dict[str, Any] | None:
        with self._lock:
            for fault in self.faults:
                if fault["match"] in path and fault.get("method") in (None, method) and fault["times"] != 0:
                    if fault["times"] is not None:
                        fault["times"] -= 1
                    self.fired[f"{fault['status']} {fault['match']}"] += 1
                    return fault
        return None

    def _authenticate(self, headers: Any) -> None:
        header = headers.get("Authorization") or ""
        if not header:
            if self.estate.get("require_auth"):
                raise ApiError(401, "Request is missing required authentication credential.")
            return
        token = header.removeprefix("Bearer ").strip()
        if token in self._tokens or self._verify_jwt(token) is not None:
            return
        raise ApiError(401, "Request had invalid authentication credentials.")

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
        route = self.api.route_name(method, path)
        with self._lock:
            self.requests[route] += 1
        self._authenticate(headers)
        fault = self._fault(method, path)
        if fault is not None:
            after = fault.get("retry_after")
            raise _Injected(int(fault["status"]), path, {} if after is None else {"Retry-After": str(after)})
        return 200, self.api.answer(route, path, query | self._body_options(body))

    @staticmethod
    def _body_options(body: bytes) -> dict[str, list[str]]:
        """POST getIamPolicy carries ``{"options": {"requestedPolicyVersion": 3}}`` in its body; as a
        query it is ``options.requestedPolicyVersion=3``. One form for the routes."""
        if not body:
            return {}
        try:
            options = json.loads(body).get("options") or {}
        except (ValueError, AttributeError) as exc:
            raise ApiError(400, "Invalid JSON payload received.") from exc
        version = options.get("requestedPolicyVersion")
        return {"options.requestedPolicyVersion": [str(version)]} if version is not None else {}

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


@contextlib.contextmanager
def serve(estate: dict[str, Any]) -> Iterator[Emulator]:
    """Run the emulator for the duration of a ``with`` block."""
    emulator = Emulator(estate).start()
    try:
        yield emulator
    finally:
        emulator.stop()

