"""A local Azure Resource Manager emulator for tests, the demo and the benchmark.

It answers the ARM REST calls the Azure SDKs make for a function-app posture scan, from an
in-memory "estate" of ARM-shaped JSON, over HTTPS (azure-core refuses bearer tokens over plain
http) with a throwaway trustme CA. Beside it runs the App Service managed-identity token endpoint
(IDENTITY_ENDPOINT + IDENTITY_HEADER, plain http on 127.0.0.1 as on a real App Service), so the
real azure-identity credential chain obtains the token: nothing in the scanner is patched.

Estate layout (everything under a leading underscore is emulator-only and never served)::

    {"tenantId": str, "pageSize": int,
     "subscriptions": [{"subscriptionId", "displayName", "state",
                        "sites": [function_app(...)], "roleAssignments": [...],
                        "roleDefinitions": [custom role definitions]}],
     "managementGroupRoleAssignments": [...],          # listed in every subscription, as ARM does
     "faults": {"forbidden": [path substring, ...],      # 403 AuthorizationFailed
                "throttleOnce": [path substring, ...]}}  # first match: 429 + Retry-After
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import secrets
import ssl
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

from scanner.demo.azure.handler import Handler


@dataclass
class Emulator:
    base_url: str
    ca_file: str
    token_url: str
    identity_header: str
    estate: dict[str, Any]
    log: list[tuple[str, str, int]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _throttled: set[str] = field(default_factory=set)
    tokens: set[str] = field(default_factory=set)

    @property
    def requests(self) -> int:
        """ARM requests served (the token endpoint is not counted)."""
        return len(self.log)

    @property
    def env(self) -> dict[str, str]:
        """Environment a subprocess needs to reach the emulator through the real credential chain."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AZURE_", "MSI_", "IDENTITY_", "IMDS_")) and k not in ("REQUESTS_CA_BUNDLE",)
        }
        env.update(
            {
                "IDENTITY_ENDPOINT": self.token_url,
                "IDENTITY_HEADER": self.identity_header,
                "REQUESTS_CA_BUNDLE": self.ca_file,
                "SSL_CERT_FILE": self.ca_file,
            }
        )
        return env

    def requests_matching(self, fragment: str) -> int:
        return len(self.statuses(fragment))

    def statuses(self, fragment: str) -> list[int]:
        """HTTP statuses served, in order, for requests whose path and query contain ``fragment``."""
        with self._lock:
            return [status for _, path, status in self.log if fragment.lower() in path.lower()]


class _TokenHandler(BaseHTTPRequestHandler):
    """App Service managed identity endpoint, api-version 2019-08-01."""

    emulator: Emulator

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        emu = self.emulator
        query = parse_qs(urlsplit(self.path).query)
        if self.headers.get("X-IDENTITY-HEADER") != emu.identity_header:
            return self._send(401, {"statusCode": 401, "message": "Unauthorized: X-IDENTITY-HEADER mismatch"})
        if query.get("api-version", [""])[0] != "2019-08-01" or "resource" not in query:
            return self._send(400, {"statusCode": 400, "message": "api-version 2019-08-01 and resource required"})
        token = secrets.token_urlsafe(32)
        with emu._lock:
            emu.tokens.add(token)
        self._send(
            200,
            {
                "access_token": token,
                "expires_on": str(int(time.time()) + 3600),
                "resource": query["resource"][0],
                "token_type": "Bearer",
                "client_id": "0d0a6c1e-1f4f-4a3e-9d8c-6a2b3c4d5e6f",
            },
        )

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextlib.contextmanager
def serve(estate: dict[str, Any]) -> Iterator[Emulator]:
    """Run the ARM emulator (https) and its token endpoint (http, loopback) until the block exits."""
    estate = copy.deepcopy(estate)
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    with tempfile.TemporaryDirectory(prefix="ztscan-arm-") as tmp:
        ca_file = os.path.join(tmp, "ca.pem")
        ca.cert_pem.write_to_path(ca_file)
        ssl_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ssl_ctx)

        arm = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        arm.daemon_threads = True
        arm.socket = ssl_ctx.wrap_socket(arm.socket, server_side=True)
        tok = ThreadingHTTPServer(("127.0.0.1", 0), _TokenHandler)
        tok.daemon_threads = True
        emu = Emulator(
            base_url=f"https://127.0.0.1:{arm.server_address[1]}",
            ca_file=ca_file,
            token_url=f"http://127.0.0.1:{tok.server_address[1]}/msi/token",
            identity_header=secrets.token_hex(16),
            estate=estate,
        )
        # Handlers are per-server subclasses so two emulators can run in one process.
        arm.RequestHandlerClass = type("ArmHandler", (Handler,), {"emulator": emu})
        tok.RequestHandlerClass = type("TokenHandler", (_TokenHandler,), {"emulator": emu})
        threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (arm, tok)]
        for t in threads:
            t.start()
        try:
            yield emu
        finally:
            for s in (arm, tok):
                s.shutdown()
                s.server_close()
