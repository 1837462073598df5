"""One account's IAM roles and policies, read once and evaluated once per role."""

from __future__ import annotations

import threading
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from providers.aws.errors import describe
from providers.aws.permissions import RoleFacts, default_versions, evaluate
from providers.aws.policies import PolicyError, decode, trust_principals
from providers.aws.scp import read_scps
from providers.aws.targets import Account, Api, client
from scanner.inventory import TrustPrincipal


class AccountIam:
    def __init__(self, account: Account, api: Api) -> None:
        self.error: str | None = None
        self._roles: dict[str, dict[str, Any]] = {}
        self._managed: dict[str, Any] = {}
        self._facts: dict[str, RoleFacts | str] = {}
        self._lock = threading.Lock()
        self._account = account.id
        self._scps = read_scps(account, api)
        try:
            pages = client(account.session, "iam", api).get_paginator(
                "get_account_authorization_details"
            ).paginate(Filter=["Role", "LocalManagedPolicy", "AWSManagedPolicy"])
            for page in pages:
                self._roles.update({r["Arn"]: r for r in page.get("RoleDetailList", [])})
                self._managed.update(default_versions(page.get("Policies", [])))
        except (ClientError, BotoCoreError) as exc:
            self.error = describe(exc, "iam:GetAccountAuthorizationDetails")
        # The details list every AWS managed policy (about 1,500 documents); a scan keeps the few its roles use.
        used = {a["PolicyArn"] for r in self._roles.values() for a in r.get("AttachedManagedPolicies", [])}
        used |= {(r.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn") for r in self._roles.values()}
        self._managed = {arn: doc for arn, doc in self._managed.items() if arn in used}

    def role(self, arn: str) -> dict[str, Any] | None:
        return self._roles.get(arn)

    def facts(self, arn: str) -> RoleFacts | str:
        """The role's permission facts, or why they could not be judged."""
        with self._lock:
            if arn not in self._facts:
                self._facts[arn] = self._evaluate(arn)
            return self._facts[arn]

    def _evaluate(self, arn: str) -> RoleFacts | str:
        if self.error:
            return self.error
        role = self._roles.get(arn)
        if role is None:
            return f"role {arn} is not in this account's authorization details (deleted or in another account)"
        try:
            return evaluate(role, self._managed, self._scps, self._account)
        except (PolicyError, KeyError, ValueError) as exc:
            return f"policy of {role['RoleName']} could not be read: {exc}"

    def trust(self, arn: str) -> list[TrustPrincipal] | str:
        if self.error:
            return self.error
        role = self._roles.get(arn)
        if role is None:
            return f"role {arn} is not in this account's authorization details"
        try:
            return trust_principals(decode(role.get("AssumeRolePolicyDocument") or {}))
        except (PolicyError, ValueError) as exc:
            return f"trust policy of {role['RoleName']} could not be read: {exc}"
