"""``ztscan demo``: the built-in vulnerable estate, served by local emulators of each cloud and
scanned through the real providers over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from scanner.demo import aws_estate
from scanner.demo.moto_server import fake_aws_credentials, moto_server
from scanner.provider import Provider


@contextlib.contextmanager
def demo_providers(quiet: bool = False) -> Iterator[list[Provider]]:
    from providers.aws import AwsOptions, AwsProvider

    with contextlib.ExitStack() as stack:
        stack.enter_context(fake_aws_credentials())
        endpoint = stack.enter_context(moto_server())
        aws_estate.seed(endpoint)
        providers: list[Provider] = [
            AwsProvider(AwsOptions(endpoint_url=endpoint, regions=list(aws_estate.REGIONS)))
        ]
        yield providers
