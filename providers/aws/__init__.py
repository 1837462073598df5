"""AWS Lambda provider: every function in every account and enabled region in scope."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from providers.aws.errors import describe
from providers.aws.functions import RegionCollector
from providers.aws.iam import AccountIam
from providers.aws.quotas import QUOTAS
from providers.aws.shards import AwsProcess
from providers.aws.targets import Api, reach_again, resolve_accounts, resolve_regions
from scanner.inventory import ServerlessFunction
from scanner.once import Kept
from scanner.pacing import Pacer, configured_quotas, rates_type
from scanner.provider import (
    Collection,
    ProgressSink,
    ProviderConfigError,
    ProviderOptions,
    ShardedProvider,
    ShardSpec,
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


class AwsProvider(ShardedProvider):
    """One shard per account and region. A process keeps, for the shards it runs, one set of quota
    buckets per account and region, one pool of call threads, and each account's session and IAM read."""

    name: ClassVar[str] = "aws"
    title: ClassVar[str] = "AWS Lambda"
    Options = AwsOptions
    options: AwsOptions

    def __init__(self, options: AwsOptions) -> None:
        super().__init__(options)
        self._kept = Kept(lambda: AwsProcess(Api.build(
            options.endpoint_url, options.workers, options.retry_mode,
            Pacer(configured_quotas(QUOTAS, options.rates))), options.workers))

    def _process(self) -> AwsProcess:
        return self._kept.get()

    def close(self) -> None:
        self._kept.close()

    def plan_shards(self, progress: ProgressSink) -> list[ShardSpec]:
        opts, kept = self.options, self._process()
        planning = kept.api.counting()
        accounts, failed = resolve_accounts(opts.profiles, opts.role_arns, opts.org_role, opts.external_id, planning)
        # An account that could not be reached has no way in (empty reach) and is out of the scope.
        plan = [ShardSpec(provider="aws", account=t.account, error=t.error) for t in failed]
        for account in accounts:
            kept.accounts.put(account.id, account)
            try:
                regions = resolve_regions(opts.regions, account, planning)
            except ProviderConfigError:
                raise
            except Exception as exc:  # one account's failure, whatever it is, must not end the scan
                plan.append(ShardSpec(provider="aws", account=account.id, account_name=account.name,
                                      reach=account.reach(), error=describe(exc, "ec2:DescribeRegions")))
                continue
            progress.note(f"aws account {account.id} ({account.via}): {len(regions)} region(s)")
            plan += [ShardSpec(provider="aws", account=account.id, region=region, account_name=account.name,
                               reach=account.reach()) for region in regions]
        return [plan[0].model_copy(update={"planning_calls": dict(planning.calls)}), *plan[1:]] if plan else plan

    def collect_shard(self, spec: ShardSpec, progress: ProgressSink) -> Collection:
        kept = self._process()
        api = kept.api.counting()
        scope: dict[str, list[str] | str] = {"accounts": [spec.account] if spec.reach else [],
                                             "regions": self.options.regions}
        if spec.error or spec.region is None:
            status = TargetStatus(provider="aws", account=spec.account, status="failed",
                                  error=spec.error or "no region given")
            found: list[ServerlessFunction] = []
        else:
            found, status = self._region(spec, spec.region, api, kept, progress)
        api.calls.update(spec.planning_calls)
        return Collection(functions=found, targets=[status], api_calls=dict(api.calls), scope=scope)

    def _region(self, spec: ShardSpec, region: str, api: Api, kept: AwsProcess,
                progress: ProgressSink) -> tuple[list[ServerlessFunction], TargetStatus]:
        try:
            account = kept.accounts.get(spec.account, lambda: reach_again(
                spec.account, spec.account_name, spec.reach, api, self.options.external_id))
            # Regions do not wait for the account's authorization details to start reading: they are one
            # large response, and only the functions' identity facts need them.
            iam = kept.iam.future(account.id, lambda: kept.iam_reads.submit(AccountIam, account, api))
            return RegionCollector(account, region, api, iam, kept.calls, progress, kept.share).collect()
        except ProviderConfigError as exc:
            error = str(exc)
        except Exception as exc:  # an unexpected response fails its own target, not the whole scan
            error = describe(exc, "internal error")
        return [], TargetStatus(provider="aws", account=spec.account, region=region, status="failed", error=error)
