"""A loopback proxy in front of moto that adds what moto cannot do.

- Recorded responses (scanner.demo.aws.responses): the fields moto drops, alias policies and URLs,
  code-signing configurations, served in AWS's documented shapes.
- Faults: answer chosen requests with an AWS-shaped error (AccessDenied, throttling) a set number
  of times, as a real account with a restrictive SCP or a busy API would.
- Counting: how many requests each operation took, for the benchmark.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from scanner.demo.aws.responses import Answer, Recorded, moto_path, request_region

_FUNCTION_PATH = re.compile(r"^/2015-03-31/functions/?(?P<name>[^/?]*)(?P<rest>/[^?]*)?")


@dataclass
class Fault:
    """Answer requests whose ``REGION METHOD path operation body`` matches ``pattern`` with an AWS error."""

    pattern: str
    status: int
    code: str
    message: str = "injected by the test proxy"
    times: int | None = None  # None: every time
    retry_after: str | None = None
    body: str | None = None  # a whole response body instead of an error (e.g. a malformed document)
    hits: int = 0

    def take(self, request_line: str) -> bool:
        if not re.search(self.pattern, request_line) or (self.times is not None and self.hits >= self.times):
            return False
        self.hits += 1
        return True


@dataclass
class ProxyState:
    upstream: str
    recorded: Recorded = field(default_factory=Recorded)
    faults: list[Fault] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Admission in front of every request (a quota, added latency): (method, path, headers) -> an
    # error to answer with, or None to serve the request.
    gate: Callable[[str, str, dict[str, str]], Fault | None] | None = None


def operation(method: str, path: str, body: bytes, target: str | None) -> str:
    """A readable operation name for counting: the JSON target, the query Action, or the REST path."""
    if target:
        return target.rsplit(".", 1)[-1]
    match = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body)
    if match:
        return match.group(1).decode()
    fn = _FUNCTION_PATH.match(path)
    if fn:
        rest = (fn.group("rest") or "").strip("/") or ("function" if fn.group("name") else "list")
        return f"lambda:{method} {rest}"
    return f"{method} {urlsplit(path).path.split('/')[1] if '/' in path else path}"


class _Handler(BaseHTTPRequestHandler):
    state: ProxyState
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the second waits for the client's delayed
    # ACK (about 40 ms a response).
    disable_nagle_algorithm = True
    _connection: http.client.HTTPConnection | None = None

    def log_message(self, *args: Any) -> None:
        return None

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        op = operation(self.command, self.path, body, self.headers.get("X-Amz-Target"))
        region = request_region(dict(self.headers.items()))
        line = f"{region} {self.command} {self.path} {op} {body[:2000].decode(errors='replace')}"
        with self.state.lock:
            self.state.calls[op] += 1
            fault = next((f for f in self.state.faults if f.take(line)), None)
        if fault is None and self.state.gate is not None:
            fault = self.state.gate(self.command, self.path, dict(self.headers.items()))
        if fault:
            self._send_fault(fault, query_protocol=b"Action=" in body)
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in {"host", "connection"}}
        recorded = self.state.recorded.answer(self.command, self.path, headers, lambda p: self._get_json(p, headers))
        if recorded is not None:
            self._send_json(*recorded)
            return
        status, payload, passthrough = self._upstream(self.command, moto_path(self.path), body, headers)
        if self.state.recorded.overlay and _FUNCTION_PATH.match(self.path) and status == 200:
            payload = self._overlay(payload)
        self._send(status, payload, passthrough)

    def _upstream(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[
            int, bytes, dict[str, str]]:
        # One kept-alive connection to moto per client connection: a new one per request cost moto a
        # thread and the proxy a connect for each of a scan's thousands of requests.
        conn = self._connection
        if conn is None:
            upstream = urlsplit(self.state.upstream)
            conn = self._connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        reused = conn.sock is not None
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            if not reused:
                raise
            # moto closed the idle connection before this request reached it: send it again on a new one.
            conn.close()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
        payload = response.read()
        passthrough = {k: v for k, v in response.getheaders()
                       if k.lower() not in {"content-length", "transfer-encoding", "connection"}}
        return response.status, payload, passthrough

    def finish(self) -> None:
        super().finish()
        if self._connection is not None:
            self._connection.close()

    def _get_json(self, path: str, headers: dict[str, str]) -> Answer:
        status, payload, _ = self._upstream("GET", path, b"", headers)
        try:
            return status, json.loads(payload or b"{}")
        except ValueError:
            return status, {"Message": payload.decode(errors="replace")}

    def _send_json(self, status: int, doc: dict[str, Any]) -> None:
        headers = {"Content-Type": "application/json"}
        if status >= 400:
            headers["x-amzn-ErrorType"] = str(doc.get("__type", "ServiceException"))
        self._send(status, json.dumps(doc).encode(), headers)

    def _send_fault(self, fault: Fault, query_protocol: bool) -> None:
        """The error in the shape the service's protocol uses, so botocore parses it as AWS's own."""
        extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        if fault.body is not None:
            self._send(fault.status, fault.body.encode(), {"Content-Type": "application/json", **extra})
        elif query_protocol:
            xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{fault.code}</Code>"
                   f"<Message>{fault.message}</Message></Error><RequestId>ztscan-proxy</RequestId></ErrorResponse>")
            self._send(fault.status, xml.encode(), {"Content-Type": "text/xml", **extra})
        else:
            error = json.dumps({"__type": fault.code, "message": fault.message, "Message": fault.message})
            self._send(fault.status, error.encode(), {"Content-Type": "application/x-amz-json-1.1",
                                                      "x-amzn-ErrorType": fault.code, **extra})

    def _overlay(self, payload: bytes) -> bytes:
        try:
            doc = json.loads(payload)
        except ValueError:
            return payload
        return json.dumps(self.state.recorded.overlay_configuration(doc)).encode()

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _relay


@contextlib.contextmanager
def aws_proxy(upstream: str, state: ProxyState | None = None) -> Iterator[tuple[str, ProxyState]]:
    """Serve the proxy on a free loopback port; yield its endpoint and its live state."""
    state = state or ProxyState(upstream)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
