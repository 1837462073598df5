"""Which accounts and regions a scan covers, and the sessions to reach them."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from providers.aws.errors import describe
from providers.aws.quotas import QUOTAS, pace
from scanner.pacing import Pacer
from scanner.provider import ProviderConfigError, TargetStatus

GLOBAL_REGION = "us-east-1"
_CLIENT_LOCK = threading.Lock()  # boto3 sessions are not thread-safe while creating clients


def _as_sent(value: Any) -> Any:
    return value


class _SharedModels:
    """One botocore data loader for every session of the process. A loader parses and keeps its own
    copy of each service model a client is made from (~22 MB for one region's nine services), and an
    organisation scan holds a session per member account: 21 accounts cost ~450 MB of duplicate models."""

    loader: Any = None

    @classmethod
    def session(cls, profile: str | None = None, **credentials: Any) -> boto3.Session:
        core = botocore.session.get_session()
        # ztscan reads no timestamp from a response, yet botocore would parse every one (dateutil): ~5%
        # of a scan's CPU, most of it the dates of the managed policies in the IAM authorization details.
        # botocore's own credential refresh reads an expiry string as well as a datetime.
        core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_as_sent)
        if profile is not None and profile not in core.available_profiles:
            raise ProfileNotFound(profile=profile)
        with _CLIENT_LOCK:
            if cls.loader is None:
                cls.loader = core.get_component("data_loader")
            else:
                core.register_component("data_loader", cls.loader)
            made = boto3.Session(botocore_session=core, profile_name=profile, **credentials)
            # boto3 appends its own data directory to the loader of each session it makes.
            cls.loader.search_paths[:] = list(dict.fromkeys(cls.loader.search_paths))
        return made


@dataclass(frozen=True)
class Account:
    id: str
    name: str | None
    session: boto3.Session
    via: str  # how it was reached: profile, role ARN or organization role
    profile: str | None = None  # the profile of the session it was reached from
    role_arn: str | None = None  # the role assumed from that session, if any

    def reach(self) -> dict[str, str]:
        """How another process reaches the account again: names only, never credentials."""
        named = {"via": self.via, "profile": self.profile, "role_arn": self.role_arn}
        return {k: v for k, v in named.items() if v is not None}


@dataclass
class Api:
    """How to reach AWS: the endpoint override, botocore's config, the scan's request pacing (one
    set of quota buckets per account and region, shared by every thread), and a count of requests sent."""

    endpoint: str | None
    config: Config
    pacer: Pacer = field(default_factory=lambda: Pacer(QUOTAS))
    calls: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, endpoint: str | None, workers: int, retry_mode: str, pacer: Pacer | None = None) -> Api:
        return cls(endpoint, Config(
            retries={"mode": retry_mode, "max_attempts": 6},
            max_pool_connections=max(10, workers * 2),
            connect_timeout=5,
            read_timeout=30,
            user_agent_extra="ztscan",
        ), pacer or Pacer(QUOTAS))

    def counting(self) -> Api:
        """The same endpoint, config and quota buckets, with a count of its own (one shard's requests)."""
        return Api(self.endpoint, self.config, self.pacer)

    def count(self, operation_name: str, service: str) -> None:
        with self._lock:
            self.calls[f"{service}:{operation_name}"] += 1


def _session(profile: str | None) -> boto3.Session:
    try:
        return _SharedModels.session(profile)
    except ProfileNotFound as exc:
        raise ProviderConfigError(f"AWS profile {profile!r} not found in the AWS config files") from exc


def client(session: boto3.Session, service: str, api: Api, region: str | None = None,
           config: Config | None = None, account: str | None = None) -> Any:
    """A botocore client; given the account it acts in, its requests are paced by that account's quotas."""
    region = region or session.region_name or GLOBAL_REGION
    with _CLIENT_LOCK:
        made = session.client(service, region_name=region, endpoint_url=api.endpoint, config=config or api.config)
    # Fired once per HTTP attempt, so retries are counted too.
    made.meta.events.register("request-created", lambda operation_name, **_: api.count(operation_name, service))
    if account is not None:
        pace(made, api.pacer, account, region, service)
    return made


def _assume(base: boto3.Session, role_arn: str, api: Api, external_id: str | None) -> boto3.Session:
    kwargs = {"RoleArn": role_arn, "RoleSessionName": "ztscan-scan"}
    if external_id:
        kwargs["ExternalId"] = external_id
    creds = client(base, "sts", api).assume_role(**kwargs)["Credentials"]
    return _SharedModels.session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"], region_name=base.region_name,
    )


def _identity(session: boto3.Session, api: Api) -> str:
    # The first call of a scan: a dead endpoint or bad credentials should fail fast, not back off for long.
    quick = api.config.merge(Config(retries={"mode": "standard", "max_attempts": 2}))
    return client(session, "sts", api, config=quick).get_caller_identity()["Account"]


def resolve_accounts(
    profiles: list[str], role_arns: list[str], org_role: str | None, external_id: str | None, api: Api
) -> tuple[list[Account], list[TargetStatus]]:
    """Every account in scope; an account that cannot be reached becomes a failed target."""
    accounts: list[Account] = []
    failed: list[TargetStatus] = []
    bases = [(p, _session(p)) for p in profiles] or [(None, _session(None))]

    def reach(label: str, make: Callable[[], boto3.Session], name: str | None = None, account_hint: str = "",
              profile: str | None = None, role_arn: str | None = None) -> None:
        try:
            session = make()
            accounts.append(Account(_identity(session, api), name, session, label, profile, role_arn))
        except NoCredentialsError as exc:
            raise ProviderConfigError(describe(exc)) from exc
        except Exception as exc:  # an account that cannot be reached, for whatever reason, is one failed target
            failed.append(TargetStatus(provider="aws", account=account_hint or label, status="failed",
                                       error=describe(exc, label)))

    for profile, base in bases:
        reach(f"profile {profile or 'default'}", lambda base=base: base, profile=profile)
    if not accounts:
        return accounts, failed
    base, base_profile = accounts[0].session, accounts[0].profile
    for arn in role_arns:
        hint = arn.split(":")[4] if arn.count(":") >= 5 else arn
        reach(f"role {arn}", lambda arn=arn: _assume(base, arn, api, external_id), account_hint=hint,
              profile=base_profile, role_arn=arn)
    if org_role:
        management = accounts[0].id
        try:
            pages = client(base, "organizations", api).get_paginator("list_accounts").paginate()
            members = [a for page in pages for a in page["Accounts"] if a.get("Status") == "ACTIVE"]
        except (ClientError, BotoCoreError) as exc:
            raise ProviderConfigError(describe(exc, "organizations:ListAccounts")) from exc
        for member in members:
            if member["Id"] == management:
                continue
            arn = f"arn:aws:iam::{member['Id']}:role/{org_role}"
            reach(f"organization role {arn}", lambda arn=arn: _assume(base, arn, api, external_id),
                  name=member.get("Name"), account_hint=member["Id"], profile=base_profile, role_arn=arn)
    unique = {a.id: a for a in accounts}
    return list(unique.values()), failed


def reach_again(account: str, name: str | None, how: dict[str, str], api: Api, external_id: str | None) -> Account:
    """An account planned in another process, reached the same way: its profile, then its role."""
    session = _session(how.get("profile"))
    if role_arn := how.get("role_arn"):
        session = _assume(session, role_arn, api, external_id)
    return Account(account, name, session, how.get("via", "profile default"), how.get("profile"), role_arn)


def known_regions(session: boto3.Session) -> set[str]:
    names: set[str] = set()
    for partition in session.get_available_partitions():
        names.update(session.get_available_regions("lambda", partition_name=partition))
    return names


def resolve_regions(requested: list[str], account: Account, api: Api) -> list[str]:
    if requested and requested != ["all"]:
        known = known_regions(account.session)
        unknown = [r for r in requested if r not in known]
        if unknown:
            raise ProviderConfigError(f"unknown AWS region {unknown[0]!r} (Lambda is not offered there)")
        return requested
    response = client(account.session, "ec2", api, account=account.id).describe_regions(
        Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
    )
    return sorted(r["RegionName"] for r in response["Regions"])
