"""Session fixtures: one emulator for the whole session and a helper that runs the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.gcp import Emulator, serve
from tests.conftest import expanded, findings_of
from tests.gcp.estate import build_estate

ZTSCAN = str(Path(sys.executable).with_name("ztscan"))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    doc: dict[str, Any] | None
    raw: str
    out: Path

    def fn(self, name: str) -> dict[str, Any]:
        assert self.doc is not None, self.stderr
        return next(f for f in self.doc["functions"] if f["name"] == name)

    def findings(self, name: str) -> dict[str, str]:
        assert self.doc is not None, self.stderr
        return {f["check_id"]: f["status"] for f in findings_of(self.doc) if f["resource_name"] == name}

    def target(self, project: str) -> dict[str, Any]:
        assert self.doc is not None, self.stderr
        return next(t for t in self.doc["targets"] if t["account"] == project)


def ztscan(args: list[str], out: Path, env: dict[str, str]) -> Run:
    """The CLI as a user runs it: flags and environment variables only."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "CLOUDSDK_"))}
    proc = subprocess.run([ZTSCAN, *args], capture_output=True, text=True, env=base | env, timeout=120, check=False)
    report = out / "ztscan.json"
    raw = report.read_text(encoding="utf-8") if report.exists() else ""
    return Run(proc.returncode, proc.stdout, proc.stderr, expanded(json.loads(raw)) if raw else None, raw, out)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    with serve(build_estate()) as running:
        yield running


@pytest.fixture(scope="session")
def full_scan(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("full")
    return ztscan(
        [
            "scan",
            "gcp",
            "--gcp-endpoint",
            emulator.base_url,
            "--anonymous",
            "--format",
            "json,html",
            "--out",
            str(out),
            "-v",
        ],
        out,
        emulator.env,
    )
