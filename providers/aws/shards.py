"""What one process keeps across the AWS shards it runs: one Api (so one set of quota buckets per
account and region), one pool of call threads shared fairly by the regions running at once, and
each account's session and IAM read, made once however many of its regions the process runs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from providers.aws.iam import AccountIam
from providers.aws.targets import Account, Api
from scanner.once import Once
from scanner.pacing import FairShare


class AwsProcess:
    def __init__(self, api: Api, workers: int) -> None:
        self.api = api
        # A paced call spends much of its time waiting for a token (a 15/s bucket hands one out every
        # 67 ms, longer than a request takes), so twice the workers keep every region's buckets busy;
        # the buckets, not the thread count, bound the request rate.
        self.calls = ThreadPoolExecutor(workers * 2, "aws-call")
        self.share = FairShare(workers * 2)
        # Its own pool: call threads wait on an account's IAM read, so it must never queue behind them.
        self.iam_reads = ThreadPoolExecutor(workers, "aws-iam")
        self.accounts: Once[Account] = Once()
        self.iam: Once[AccountIam] = Once()

    def close(self) -> None:
        self.calls.shutdown(wait=True)
        self.iam_reads.shutdown(wait=True)
