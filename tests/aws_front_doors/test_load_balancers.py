"""Application Load Balancers in front of functions, through ``ztscan scan aws`` on moto.

The function's only policy grants elasticloadbalancing.amazonaws.com with its target group as
SourceArn (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html).
Only an internet-facing scheme has public addresses
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#load-balancer-scheme),
its security groups must admit the listener port
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-update-security-groups.html),
and an authenticate-oidc action before the forward signs callers in
(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html).
"""

from __future__ import annotations

from typing import Any

from scanner.demo.aws.fixtures import DemoFunction
from scanner.demo.aws.front_doors import function_arn, load_balancer
from scanner.demo.aws.responses import Recorded
from tests.aws_front_doors.scan import front_door_paths, scan_fixture, status
from tests.conftest import CliResult

CASES: dict[str, dict[str, Any]] = {
    "alb-open": {},
    "alb-internal": {"scheme": "internal"},
    "alb-oidc": {"authenticate": True},
    "alb-office-only": {"open_cidr": "203.0.113.0/24"},
}
FUNCTIONS = [DemoFunction(name, "python3.12", "reader") for name in CASES]


def _doors(c: dict[str, Any], recorded: Recorded) -> None:
    for name, kwargs in CASES.items():
        load_balancer(c, name, function_arn(name), **kwargs)


scan = scan_fixture(FUNCTIONS, _doors)


def test_an_internet_facing_alb_open_to_the_world_is_anonymous(scan: CliResult) -> None:
    assert scan.code in (0, 1), scan.stderr
    assert status(scan, "ZT-NET-001", "alb-open") == "FAIL"
    [path] = front_door_paths(scan, "alb-open")
    assert path["via"] == "load_balancer" and path["auth"] == "none" and not path["narrowed"]
    assert path["route"] == "HTTP:80 default rule"
    assert "(no authentication)" in path["evidence"]


def test_an_internal_alb_is_not_the_internet(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "alb-internal") == "PASS"
    [path] = front_door_paths(scan, "alb-internal")
    assert path["narrowed"] and path["conditions"] == ["scheme internal"]


def test_an_oidc_action_before_the_forward_authenticates(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "alb-oidc") == "PASS"
    assert [p["auth"] for p in front_door_paths(scan, "alb-oidc")] == ["platform"]


def test_a_security_group_that_does_not_open_the_port_to_all_narrows(scan: CliResult) -> None:
    assert status(scan, "ZT-NET-001", "alb-office-only") == "PASS"
    [path] = front_door_paths(scan, "alb-office-only")
    assert path["narrowed"] and "security groups do not open port 80" in path["conditions"][0]
