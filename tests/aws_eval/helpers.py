"""Small builders for policy documents and roles as GetAccountAuthorizationDetails returns them."""

from __future__ import annotations

from typing import Any

from providers.aws.evaluation.effective import Scps
from providers.aws.permissions import RoleFacts, evaluate

OWN = "123456789012"
ROLE_ARN = f"arn:aws:iam::{OWN}:role/fn-role"
BOUNDARY_ARN = f"arn:aws:iam::{OWN}:policy/fn-boundary"
NO_SCPS = Scps(note="SCPs not applied (test: not read)")


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def role_facts(*statements: dict[str, Any], boundary: dict[str, Any] | None = None,
               scps: Scps = NO_SCPS) -> RoleFacts:
    role: dict[str, Any] = {"RoleName": "fn-role", "Arn": ROLE_ARN, "AttachedManagedPolicies": [],
                            "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": doc(*statements)}]}
    managed = {}
    if boundary is not None:
        role["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": BOUNDARY_ARN}
        managed[BOUNDARY_ARN] = boundary
    return evaluate(role, managed, scps, OWN)
