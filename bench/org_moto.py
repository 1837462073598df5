"""The moto host of bench/org_scale.py: an AWS Organization of member accounts, its Lambda estate seeded
straight into moto's backends (scanner.demo.aws.organization), then served over HTTP by the same process.

Each member account gets an equal share of the functions, spread over the regions, in bench/aws_scan.py's
mix (environment variables with secrets, function URLs, resource policies, aliases with their own
policies and URLs, async destinations) but with 80% of the account's functions on one shared role and the
rest on four others (admin, deployer and two log-only roles), as organisations deploy. Code signing is
left out: the demo proxy records code-signing configurations per region, not per account.
Usage (bench/org_scale.py starts it): python bench/org_moto.py --port P --accounts 20 --functions 20000
  --regions us-east-1,us-west-2 --recorded FILE
FILE (a pickle: the member account ids, the proxy's recorded responses, the seeding time, its pid) is written
once the server answers and every service it serves is warm.
"""

from __future__ import annotations

import argparse
import os
import pickle
import time
from pathlib import Path

from aws_scan import estate_specs  # a sibling script module: bench/ is on sys.path when run

from scanner.demo.aws import fixtures
from scanner.demo.aws.estate import _zip
from scanner.demo.aws.organization import (
    MANAGEMENT_ACCOUNT,
    AccountEstate,
    attached_aws_policies_only,
    create_organization,
    seed_account,
    serve_warm,
)
from scanner.demo.aws.responses import Recorded

SHARED_ROLE = "app-shared"
FEW_ROLES = ("role-0", "role-1", "role-3", "role-4")  # estate_specs' admin, deployer and two log-only roles


def member_estate(index: int, account: str, count: int, regions: list[str]) -> AccountEstate:
    functions, roles = estate_specs(count, regions, account, prefix=f"m{index:02d}")
    for i, spec in enumerate(functions):
        spec.role = FEW_ROLES[(i // 5) % len(FEW_ROLES)] if i % 5 == 0 else SHARED_ROLE
        spec.code_signing = None
    kept = {name: roles[name] for name in FEW_ROLES}
    kept[SHARED_ROLE] = {"inline": fixtures.BASIC_LOGS}
    return AccountEstate(account, functions, kept)


def seed(members: int, total: int, regions: list[str]) -> tuple[list[str], Recorded]:
    accounts = create_organization(members)
    recorded, code = Recorded(), _zip()
    for index, account in enumerate(accounts):
        count = total // members + (1 if index < total % members else 0)
        recorded.merge(seed_account(member_estate(index, account, count, regions), code))
    attached_aws_policies_only([MANAGEMENT_ACCOUNT, *accounts])
    return accounts, recorded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--functions", type=int, required=True)
    parser.add_argument("--regions", required=True)
    parser.add_argument("--recorded", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    accounts, recorded = seed(args.accounts, args.functions, args.regions.split(","))
    seconds = time.perf_counter() - started

    def ready() -> None:
        partial = args.recorded.with_suffix(".partial")
        partial.write_bytes(pickle.dumps({"accounts": accounts, "recorded": recorded, "seconds": seconds,
                                          "pid": os.getpid()}))
        partial.rename(args.recorded)

    serve_warm(args.port, ready)


if __name__ == "__main__":
    main()
