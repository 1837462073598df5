"""Collect one account-region's Lambda functions into the common schema.

Region-wide reads come first (providers.aws.regional), so that a function costs only the reads no
regional call can answer: its resource policies and URLs, with those of its aliases
(providers.aws.invocation), and its asynchronous on-failure destination when nothing else names one.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future
from typing import Any

from providers.aws import configuration as config
from providers.aws.errors import describe
from providers.aws.evaluation.document import PolicyError
from providers.aws.front_doors import DoorIndex, read_front_doors, with_queues
from providers.aws.iam import AccountIam
from providers.aws.invocation import Invocation, failure_destination, read_invocation, read_policy
from providers.aws.lambda_facts import LAMBDA_FIXED_FACTS
from providers.aws.permissions import other_function_grants
from providers.aws.regional import AWS_ERRORS, Failed, RegionReads, unqualified
from providers.aws.targets import Account, Api, client
from scanner.collected import assign
from scanner.inventory import IdentityFacts, MonitoringFacts, NetworkFacts, ServerlessFunction
from scanner.pacing import FairShare
from scanner.provider import ProgressSink, TargetStatus


class RegionCollector:
    def __init__(self, account: Account, region: str, api: Api, iam: Future[AccountIam], pool: Executor,
                 progress: ProgressSink, share: FairShare) -> None:
        self.account, self.region, self._iam, self.pool, self.progress = account, region, iam, pool, progress
        self.share = share
        self.api = api
        self._clients: dict[str, Any] = {}
        self.lam = self.client("lambda")

    def client(self, service: str) -> Any:
        """Made on first use: a region without VPC functions or CMKs never loads the EC2/KMS models,
        which are the largest part of the scanner's memory."""
        if service not in self._clients:
            made = client(self.account.session, service, self.api, self.region, account=self.account.id)
            if service == "s3control" and self.api.endpoint:
                # S3 Control puts the account id in front of the endpoint's host name; with an endpoint
                # override every call goes to that one host, as it is.
                prefix = f"//{self.account.id}."
                made.meta.events.register("before-sign.s3-control", lambda request, **_: setattr(
                    request, "url", request.url.replace(prefix, "//", 1)))
            self._clients[service] = made
        return self._clients[service]

    @property
    def iam(self) -> AccountIam:
        """The account's IAM, waited for only where a fact needs it (it is read beside the regions)."""
        return self._iam.result()

    def collect(self) -> tuple[list[ServerlessFunction], TargetStatus]:
        found = self._collect()
        self._iam.result()  # an account whose IAM read crashed fails each of its regions, as before
        return found

    def _collect(self) -> tuple[list[ServerlessFunction], TargetStatus]:
        try:
            configs = [f for page in self.lam.get_paginator("list_functions").paginate() for f in page["Functions"]]
        except AWS_ERRORS as exc:
            return [], self._status("failed", 0, describe(exc, "lambda:ListFunctions"))
        self.progress.add_work(len(configs), f"aws {self.account.id} {self.region}")
        if not configs:
            return [], self._status("complete", 0, None)
        # Front doors are read beside the other regional reads: they wait on nothing but the queues.
        doors = self.pool.submit(read_front_doors, self.client, self.region, self.account.id)
        region_facts = RegionReads(self.client, self.lam, configs).all()
        region_facts["doors"] = with_queues(doors.result(), self.client, self.account.id,
                                            region_facts["event_source_mappings"])
        functions = self.share.map(self.pool, lambda cfg: self._function(cfg, region_facts), configs)
        partial = [fn for fn in functions if fn.unknown]
        error = f"{len(partial)} function(s) have facts that could not be read" if partial else None
        return functions, self._status("partial" if partial else "complete", len(functions), error)

    def _status(self, status: str, count: int, error: str | None) -> TargetStatus:
        return TargetStatus(provider="aws", account=self.account.id, region=self.region, status=status,
                            functions=count, error=error)

    def _function(self, cfg: dict[str, Any], facts: dict[str, Any]) -> ServerlessFunction:
        arn = cfg["FunctionArn"]
        fn = ServerlessFunction(provider="aws", account=self.account.id, account_name=self.account.name,
                                region=self.region, id=arn, name=cfg["FunctionName"], kind="lambda")
        fn.tags = config.tags(fn, facts["tags"])
        fn.identity = self._identity(fn, cfg)
        fn.network = self._network(fn, cfg, facts["zones"], facts["doors"])
        fn.secrets = config.secret_facts(fn, cfg)
        fn.encryption = config.encryption_facts(fn, cfg, facts["keys"])
        fn.runtime = config.runtime_facts(cfg)
        fn.supply_chain = config.supply_chain_facts(fn, cfg, facts["signing"])
        fn.monitoring = MonitoringFacts(
            tracing=(cfg.get("TracingConfig") or {}).get("Mode") == "Active",
            log_retention_days=config.log_retention(fn, cfg, facts["retention"]),
            failure_destination=self._failure_destination(fn, cfg, facts["mappings"]),
        )
        assign(fn, LAMBDA_FIXED_FACTS)
        self.progress.advance()
        return fn

    def _identity(self, fn: ServerlessFunction, cfg: dict[str, Any]) -> IdentityFacts:
        role_arn = cfg.get("Role", "")
        identity = IdentityFacts(kind="aws_iam_role", principal=role_arn, name=role_arn.rsplit("/", 1)[-1],
                                 admin=[], wildcard=[], privilege_escalation=[], modify_functions=[], trust=None)
        facts = self.iam.facts(role_arn)
        if isinstance(facts, str):
            for path in ("admin", "wildcard", "privilege_escalation", "modify_functions"):
                fn.mark_unknown(f"identity.{path}", facts)
        else:
            identity.admin = facts.admin
            identity.wildcard = facts.wildcard
            identity.privilege_escalation = facts.privilege_escalation
            identity.modify_functions = other_function_grants(facts, fn.id)
        trust = self.iam.trust(role_arn)
        if isinstance(trust, str):
            fn.mark_unknown("identity.trust", trust)
        else:
            identity.trust = trust
        return identity

    def _network(self, fn: ServerlessFunction, cfg: dict[str, Any], zones: dict[str, str] | Failed,
                 doors: DoorIndex) -> NetworkFacts:
        invocation = read_invocation(self.lam, fn.id, fn.account)
        reached = doors.reach(fn.id, list(invocation.policies), lambda q: self._policy(fn.id, q, invocation))
        if reached.unknown:
            invocation.unknown.setdefault("network.invocation", reached.unknown)
        for path, reason in invocation.unknown.items():
            fn.mark_unknown(path, reason)
        return NetworkFacts(invocation=invocation.paths + reached.paths, endpoint_url=invocation.endpoint_url,
                            public_ingress=invocation.public_ingress, cors=invocation.cors,
                            private_network=config.private_network(fn, cfg, zones))

    def _policy(self, function_arn: str, qualifier: str | None, invocation: Invocation) -> str | None:
        """A policy read for the invocation paths, else read now (a version a front door names)."""
        if qualifier not in invocation.policies:
            try:
                invocation.policies[qualifier] = read_policy(self.lam, function_arn, qualifier)
            except AWS_ERRORS as exc:
                raise PolicyError(describe(exc, "lambda:GetPolicy")) from exc
        return invocation.policies[qualifier]

    def _failure_destination(self, fn: ServerlessFunction, cfg: dict[str, Any], mappings: dict[str, str] | Failed
                             ) -> str | None:
        """The dead-letter queue, else an on-failure destination of an event source mapping (both read
        without a per-function call), else the asynchronous invocation's on-failure destination."""
        dead_letter = (cfg.get("DeadLetterConfig") or {}).get("TargetArn")
        if dead_letter:
            return str(dead_letter)
        if not isinstance(mappings, Failed) and unqualified(fn.id) in mappings:
            return mappings[unqualified(fn.id)]
        try:
            destination = failure_destination(self.lam, fn.id)
        except AWS_ERRORS as exc:
            fn.mark_unknown("monitoring.failure_destination", describe(exc, "lambda:ListFunctionEventInvokeConfigs"))
            return None
        if destination is None and isinstance(mappings, Failed):
            fn.mark_unknown("monitoring.failure_destination", mappings)
        return destination
