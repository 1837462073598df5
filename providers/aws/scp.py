"""Read the service control policies that apply to one account: every level from the root through
its OUs to the account itself (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).

SCPs never restrict the management account. When the scan identity cannot read them (only the
management account or a delegated administrator can), the permissions are judged without them and
the evidence says "SCPs not applied".
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from providers.aws.errors import describe, error_code
from providers.aws.evaluation.document import PolicyError
from providers.aws.evaluation.effective import Scps, statements
from providers.aws.targets import Account, Api, client

_SCP = "SERVICE_CONTROL_POLICY"
_MAX_DEPTH = 6  # a root and at most five levels of OUs


def read_scps(account: Account, api: Api) -> Scps:
    org = client(account.session, "organizations", api)
    try:
        master = org.describe_organization()["Organization"].get("MasterAccountId")
        if master == account.id:
            return Scps(note="SCPs do not apply to the management account")
        levels = [(target, _policies(org, target)) for target in _targets(org, account.id)]
    except (ClientError, BotoCoreError) as exc:
        if error_code(exc) == "AWSOrganizationsNotInUseException":
            return Scps(note="the account is in no organization: no SCPs")
        return Scps(note=f"SCPs not applied ({describe(exc)})")
    except PolicyError as exc:
        return Scps(note=f"SCPs not applied (an SCP could not be read: {exc})")
    except (KeyError, IndexError, TypeError) as exc:
        return Scps(note=f"SCPs not applied (unexpected AWS Organizations response: {type(exc).__name__} {exc})")
    names = ", ".join(target for target, _ in levels)
    return Scps(levels=tuple((target, tuple(stmts)) for target, stmts in levels),
                note=f"SCPs applied at {names}")


def _targets(org: Any, account_id: str) -> list[str]:
    """Root, OUs from the top down, then the account."""
    chain, child = [account_id], account_id
    for _ in range(_MAX_DEPTH):
        parent = org.list_parents(ChildId=child)["Parents"][0]
        chain.append(parent["Id"])
        if parent["Type"] == "ROOT":
            return chain[::-1]
        child = parent["Id"]
    raise KeyError(f"no root within {_MAX_DEPTH} levels above {account_id}")


def _policies(org: Any, target: str) -> list[Any]:
    found = []
    for page in org.get_paginator("list_policies_for_target").paginate(TargetId=target, Filter=_SCP):
        for summary in page["Policies"]:
            content = org.describe_policy(PolicyId=summary["Id"])["Policy"]["Content"]
            found += statements(f"SCP {summary.get('Name') or summary['Id']}", content)
    return found
