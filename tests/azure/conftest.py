"""One ARM emulator per test session and one full CLI scan of it, shared by the assertions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.azure.server import Emulator, serve
from tests.azure.estate import estate
from tests.conftest import expanded, findings_of


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    out: Path

    @property
    def text(self) -> str:
        path = self.out / "ztscan.json"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    @property
    def doc(self) -> dict[str, Any]:
        return expanded(json.loads(self.text))

    def fn(self, name: str) -> dict[str, Any]:
        return next(f for f in self.doc["functions"] if f["name"] == name)

    def findings(self, name: str) -> dict[str, str]:
        return {f["check_id"]: f["status"] for f in findings_of(self.doc) if f["resource_name"] == name}

    def target(self, account: str) -> dict[str, Any]:
        return next(t for t in self.doc["targets"] if t["account"] == account)


def ztscan(args: list[str], env: dict[str, str], out: Path) -> Run:
    """``ztscan scan azure ...`` in a child process: only flags and environment variables."""
    exe = shutil.which("ztscan", path=os.path.dirname(sys.executable))
    cmd = [exe] if exe else [sys.executable, "-m", "scanner"]
    proc = subprocess.run(
        [*cmd, "scan", "azure", *args, "--format", "json", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, out)


@pytest.fixture(scope="session")
def arm() -> Iterator[Emulator]:
    with serve(estate()) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def scan(arm: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return ztscan(["--azure-endpoint", arm.base_url], arm.env, tmp_path_factory.mktemp("scan"))


@pytest.fixture
def run(arm: Emulator, tmp_path: Path):  # type: ignore[no-untyped-def]
    def go(*args: str, env: dict[str, str] | None = None) -> Run:
        return ztscan(list(args), env or arm.env, tmp_path)

    return go
