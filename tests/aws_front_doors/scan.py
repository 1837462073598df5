"""Seed functions and front doors into moto, scan through the demo proxy, read the JSON document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scanner.demo.aws import estate
from scanner.demo.aws.fixtures import BASIC_LOGS, LAMBDA_TRUST, DemoFunction
from scanner.demo.aws.front_doors import clients
from scanner.demo.aws.proxy import Fault, ProxyState, aws_proxy
from scanner.demo.aws.responses import Recorded
from tests.conftest import CliResult, run_cli

ROLES: dict[str, dict[str, Any]] = {
    "reader": {"inline": BASIC_LOGS, "trust": LAMBDA_TRUST},
    "orders-admin": {"managed": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
}


def seed_and_scan(endpoint: str, env: dict[str, str], out: Path, functions: list[DemoFunction],
                  doors: Callable[[dict[str, Any], Recorded], None], faults: list[Fault] | None = None) -> CliResult:
    """``doors`` seeds the front doors, and records in AWS's shape what moto keeps differently."""
    recorded = estate.seed(endpoint, functions, ROLES)
    doors(clients(endpoint), recorded)
    with aws_proxy(endpoint, ProxyState(endpoint, recorded=recorded, faults=faults or [])) as (proxy, _):
        return run_cli(["scan", "aws", "--endpoint-url", proxy, "--regions", "us-east-1",
                        "--format", "json", "--out", str(out)], out, env)


def scan_fixture(functions: list[DemoFunction], doors: Callable[[dict[str, Any], Recorded], None],
                 faults: list[Fault] | None = None) -> Any:
    """A module's one scan, as a fixture: ``scan = scan_fixture(FUNCTIONS, _doors)``."""

    @pytest.fixture(scope="module")
    def scan(moto_endpoint: str, aws_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> CliResult:
        return seed_and_scan(moto_endpoint, aws_env, tmp_path_factory.mktemp("front-doors"), functions, doors, faults)

    return scan


def front_door_paths(scan: CliResult, name: str) -> list[dict[str, Any]]:
    return [p for p in scan.function(name)["network"]["invocation"] if p.get("front_door")]


def status(scan: CliResult, check: str, name: str) -> str:
    return str(scan.finding(check, name)["status"])
