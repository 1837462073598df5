"""SCPs read from AWS Organizations (moto) and applied level by level.

https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html:
every level from the root to the account must allow an action; a Deny at any level removes it;
SCPs do not affect the management account.
"""

from __future__ import annotations

import json
import socket

import boto3
import pytest

from providers.aws.evaluation.effective import Scps
from providers.aws.scp import read_scps
from providers.aws.targets import Account, Api
from tests.aws_eval.helpers import allow, role_facts

MANAGEMENT = "123456789012"


def _session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")


@pytest.fixture(scope="module")
def organization(moto_endpoint: str) -> tuple[str, str]:
    """A member account in an OU whose SCP denies IAM; returns the endpoint and the member id."""
    org = _session().client("organizations", endpoint_url=moto_endpoint)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    member = org.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]["AccountId"]
    org.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    policy = org.create_policy(Name="no-iam", Type="SERVICE_CONTROL_POLICY", Description="deny IAM", Content=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}))
    org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=ou)
    return moto_endpoint, member


def _read(endpoint: str, account_id: str) -> Scps:
    return read_scps(Account(account_id, None, _session(), "test"), Api.build(endpoint, 2, "standard"))


def test_scps_of_every_level_apply_to_a_member_account(organization: tuple[str, str]) -> None:
    endpoint, member = organization
    scps = _read(endpoint, member)
    assert [target.split("-")[0] for target, _ in scps.levels] == ["r", "ou", member]
    facts = role_facts(allow("*"), scps=scps)
    assert facts.admin == []
    assert "SCP no-iam" in facts.wildcard[0].reason and "SCPs applied at" in facts.wildcard[0].reason
    assert not [g for g in facts.privilege_escalation if any(a.startswith("iam:") for a in g.actions)]


def test_no_scp_applies_to_the_management_account(organization: tuple[str, str]) -> None:
    scps = _read(organization[0], MANAGEMENT)
    assert scps.levels == () and "management account" in scps.note
    assert role_facts(allow("*"), scps=scps).admin


def test_unreadable_scps_are_named_in_the_evidence() -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    scps = read_scps(Account(MANAGEMENT, None, _session(), "test"),
                     Api(dead, Api.build(dead, 1, "standard").config.merge(
                         boto3.session.Config(retries={"max_attempts": 1}))))
    assert scps.levels == () and scps.note.startswith("SCPs not applied")
    assert "SCPs not applied" in role_facts(allow("*"), scps=scps).admin[0].reason


class _NoParents:
    """An Organizations client whose ListParents answers with no parent (a shape AWS never sends)."""

    def describe_organization(self) -> dict:
        return {"Organization": {"MasterAccountId": MANAGEMENT}}

    def list_parents(self, ChildId: str) -> dict:
        return {"Parents": []}


def test_an_unexpected_organizations_response_is_named_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("providers.aws.scp.client", lambda *args, **kwargs: _NoParents())
    scps = read_scps(Account("210987654321", None, _session(), "test"), Api.build(None, 1, "standard"))
    assert scps.levels == () and scps.note.startswith("SCPs not applied (unexpected AWS Organizations response")
