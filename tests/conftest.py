"""Shared fixtures: a moto server on loopback and a way to run the real CLI as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.aws import estate
from scanner.demo.aws.fixtures import ROLES, DemoFunction
from scanner.demo.aws.moto_server import FAKE_CREDENTIALS, moto_server
from scanner.demo.aws.proxy import ProxyState, aws_proxy
from scanner.findings import Finding
from scanner.inventory import ServerlessFunction


def expanded(doc: dict[str, Any]) -> dict[str, Any]:
    """A schema 2.x document as a reader sees it once it restores what the file leaves out: each function's facts
    at their default (the JSON Schema's defaults, through the common schema) and each finding's derivable id.
    Tests of the facts read this; tests of the file itself read the file."""
    for fn in doc["functions"]:
        facts = ServerlessFunction.model_validate(facts_of(fn)).model_dump(mode="json")
        findings = {check_id: {"id": Finding.stable_id(check_id, fn["id"]), **f}
                    for check_id, f in fn.get("findings", {}).items()}
        score = fn.get("score")
        fn.clear()
        fn.update(facts, findings=findings, **({"score": score} if score else {}))
    return doc


def findings_of(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every finding of a schema 2.x document, with its check's and its function's fields joined back in
    and the fields the file leaves out at their default filled in, so a test can filter on any of them."""
    checks = {c["id"]: c for c in doc["checks"]}
    finished = doc["scan"]["finished_at"]
    joined = []
    for fn in doc["functions"]:
        for check_id, f in fn.get("findings", {}).items():
            check = checks[check_id]
            # As the schema says: with history written, a tracked finding's missing stamps are the scan's time.
            tracked = doc.get("history") is not None and f["status"] != "NOT_APPLICABLE"
            joined.append({
                "id": Finding.stable_id(check_id, fn["id"]), "waived": False, "waiver": None, **f,
                "delta": f.get("delta") or ("unchanged" if tracked and f.get("first_seen") else None),
                "first_seen": f.get("first_seen") or (finished if tracked else None),
                "last_seen": f.get("last_seen") or (finished if tracked or f.get("first_seen") else None),
                "check_id": check_id, "title": check["title"], "pillar": check["pillar"],
                "severity": check["severity"], "provider": fn["provider"], "account": fn["account"],
                "region": fn["region"], "resource_id": fn["id"], "resource_name": fn["name"],
            })
    return joined


def shared_with(doc: dict[str, Any], function_id: str) -> list[str]:
    """The other functions that run as this function's identity, from the document's identity_groups."""
    group = next((g["functions"] for g in doc["identity_groups"] if function_id in g["functions"]), [])
    return [other for other in group if other != function_id]


def facts_of(fn: dict[str, Any]) -> dict[str, Any]:
    """A function entry of a 2.x document without its findings and score: the facts the provider read."""
    return {k: v for k, v in fn.items() if k not in ("findings", "score")}


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str
    out_dir: Path

    @property
    def document(self) -> dict[str, Any]:
        return expanded(json.loads((self.out_dir / "ztscan.json").read_text()))

    def function(self, name: str) -> dict[str, Any]:
        return next(f for f in self.document["functions"] if f["name"] == name)

    def finding(self, check_id: str, name: str) -> dict[str, Any]:
        return next(f for f in findings_of(self.document) if f["check_id"] == check_id and f["resource_name"] == name)


def cli_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: this one without cloud credentials, plus ``env``."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GOOGLE_"))}
    child_env.update(env or {})
    return child_env


def run_cli(args: list[str], out_dir: Path | None = None, env: dict[str, str] | None = None,
            timeout: int = 300) -> CliResult:
    """Run ``ztscan`` in a child process with only arguments and environment variables."""
    proc = subprocess.run([sys.executable, "-m", "scanner", *args], capture_output=True, text=True,
                          env=cli_env(env), timeout=timeout, stdin=subprocess.DEVNULL)
    return CliResult(proc.returncode, proc.stdout, proc.stderr, out_dir or Path("."))


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every scan a test runs writes history into this worker's own store, never the user's: run_cli's
    children inherit ZTSCAN_STORE, and a test that wants a store of its own passes --store or the variable."""
    path = tmp_path_factory.getbasetemp() / "history.db"
    saved = os.environ.get("ZTSCAN_STORE")
    os.environ["ZTSCAN_STORE"] = str(path)
    yield path
    if saved is None:
        os.environ.pop("ZTSCAN_STORE", None)
    else:
        os.environ["ZTSCAN_STORE"] = saved


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A moto server per test module, reset first: moto keeps its state per process, so without the
    reset a module would see the estate an earlier module in the same worker seeded."""
    with moto_server() as endpoint:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")).close()
        yield endpoint


@pytest.fixture(scope="session")
def aws_env() -> dict[str, str]:
    return dict(FAKE_CREDENTIALS)


@contextmanager
def seeded_aws(moto_endpoint: str, functions: list[DemoFunction],
               roles: dict[str, dict[str, Any]] | None = None) -> Iterator[str]:
    """Seed functions into moto and serve them through the demo proxy, which answers what moto
    cannot (function URL and code-signing listings) the way AWS does; yields the proxy's URL."""
    recorded = estate.seed(moto_endpoint, functions, ROLES if roles is None else roles)
    with aws_proxy(moto_endpoint, ProxyState(moto_endpoint, recorded=recorded)) as (proxied, _):
        yield proxied
