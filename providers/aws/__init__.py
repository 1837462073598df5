"""AWS Lambda provider: every function in every account and enabled region in scope."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import ClassVar, Literal

from pydantic import Field

from providers.aws.errors import describe
from providers.aws.functions import RegionCollector
from providers.aws.iam import AccountIam
from providers.aws.quotas import QUOTAS
from providers.aws.targets import Account, Api, resolve_accounts, resolve_regions
from scanner.inventory import ServerlessFunction
from scanner.pacing import FairShare, Pacer, configured_quotas, rates_type
from scanner.provider import (
    Collection,
    ProgressSink,
    Provider,
    ProviderConfigError,
    ProviderOptions,
    TargetStatus,
)


class AwsOptions(ProviderOptions):
    profiles: list[str] = Field(default_factory=list, description="AWS profile(s) to scan",
                                json_schema_extra={"flag": "--profile"})
    regions: list[str] = Field(default_factory=lambda: ["all"], description="'all' (every enabled region) or names")
    role_arns: list[str] = Field(default_factory=list, description="Role(s) to assume into other accounts",
                                 json_schema_extra={"flag": "--role-arn"})
    org_role: str | None = Field(None, description="Role name to assume in every AWS Organizations member account")
    external_id: str | None = Field(None, description="ExternalId for the assumed roles")
    endpoint_url: str | None = Field(None, description="Send every AWS API call to this endpoint")
    retry_mode: Literal["standard", "adaptive"] = Field("standard", description="botocore retry mode")
    rates: rates_type(QUOTAS) = Field(  # type: ignore[valid-type]
        default_factory=dict, json_schema_extra={"flag": "--aws-rate"},
        description="Requests per second per account and region for a quota bucket (lambda, get_policy, "
                    "get_function, ec2), or 'off'; default: AWS's documented quotas")


class AwsProvider(Provider):
    name: ClassVar[str] = "aws"
    title: ClassVar[str] = "AWS Lambda"
    Options = AwsOptions
    options: AwsOptions

    def collect(self, progress: ProgressSink) -> Collection:
        opts = self.options
        api = Api.build(opts.endpoint_url, opts.workers, opts.retry_mode,
                        Pacer(configured_quotas(QUOTAS, opts.rates)))
        accounts, targets = resolve_accounts(opts.profiles, opts.role_arns, opts.org_role, opts.external_id, api)
        functions: list[ServerlessFunction] = []
        # A paced call spends much of its time waiting for a token (a 15/s bucket hands one out every
        # 67 ms, longer than a request takes), so twice the workers keep every region's buckets busy;
        # the buckets, not the thread count, bound the request rate.
        call_threads = opts.workers * 2
        share = FairShare(call_threads)
        # Two pools: region tasks wait on function tasks, so they must not share workers.
        with ThreadPoolExecutor(opts.workers, "aws-region") as regions_pool, \
                ThreadPoolExecutor(call_threads, "aws-call") as calls_pool:
            jobs: list[tuple[tuple[Account, str], Future[tuple[list[ServerlessFunction], TargetStatus]]]] = []
            for account in accounts:
                try:
                    regions = resolve_regions(opts.regions, account, api)
                except ProviderConfigError:
                    raise
                except Exception as exc:  # one account's failure, whatever it is, must not end the scan
                    targets.append(TargetStatus(provider="aws", account=account.id, status="failed",
                                                error=describe(exc, "ec2:DescribeRegions")))
                    continue
                progress.note(f"aws account {account.id} ({account.via}): {len(regions)} region(s)")
                # Submitted before its regions: the FIFO pool starts it before any task that waits on it.
                # Regions do not wait for it to start reading: the account's authorization details are one
                # large response, and only the functions' identity facts need it.
                iam = regions_pool.submit(AccountIam, account, api)
                jobs += [((account, region),
                          regions_pool.submit(self._region, account, region, api, iam, calls_pool, progress, share))
                         for region in regions]
            for (account, region), job in jobs:
                try:
                    found, status = job.result()
                except Exception as exc:  # an unexpected response fails its own target, not the whole scan
                    found, status = [], TargetStatus(provider="aws", account=account.id, region=region,
                                                     status="failed", error=describe(exc, "internal error"))
                functions += found
                targets.append(status)
        return Collection(functions=functions, targets=targets, api_calls=dict(api.calls), scope={
            "accounts": [a.id for a in accounts], "regions": opts.regions,
        })

    @staticmethod
    def _region(account: Account, region: str, api: Api, iam_job: Future[AccountIam], pool: ThreadPoolExecutor,
                progress: ProgressSink, share: FairShare) -> tuple[list[ServerlessFunction], TargetStatus]:
        return RegionCollector(account, region, api, iam_job, pool, progress, share).collect()
