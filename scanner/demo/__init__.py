"""``ztscan demo``: the built-in vulnerable estate, served by local emulators of each cloud and
scanned through the real providers over HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from scanner.demo.aws import estate as aws_estate
from scanner.demo.aws.fixtures import REGIONS
from scanner.demo.aws.moto_server import fake_aws_credentials, moto_server
from scanner.demo.aws.proxy import ProxyState, aws_proxy
from scanner.demo.environment import scoped_environ
from scanner.provider import Provider


@contextlib.contextmanager
def _aws(stack: contextlib.ExitStack) -> Iterator[Provider]:
    from providers.aws import AwsOptions, AwsProvider

    stack.enter_context(fake_aws_credentials())
    moto = stack.enter_context(moto_server())
    recorded = aws_estate.seed(moto)
    endpoint, _ = stack.enter_context(aws_proxy(moto, ProxyState(moto, recorded=recorded)))
    yield AwsProvider(AwsOptions(endpoint_url=endpoint, regions=list(REGIONS)))


@contextlib.contextmanager
def _gcp(stack: contextlib.ExitStack) -> Iterator[Provider]:
    from providers.gcp import GcpProvider
    from providers.gcp.options import GcpOptions
    from scanner.demo import gcp

    emulator = stack.enter_context(gcp.serve(gcp.demo_estate()))
    yield GcpProvider(GcpOptions(gcp_endpoint=emulator.base_url, anonymous=True))


@contextlib.contextmanager
def _azure(stack: contextlib.ExitStack) -> Iterator[Provider]:
    from providers.azure import AzureProvider
    from providers.azure.options import AzureOptions
    from scanner.demo.azure import estate, server

    emulator = stack.enter_context(server.serve(estate.demo_estate()))
    credentials = {k: emulator.env[k] for k in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "REQUESTS_CA_BUNDLE",
                                                   "SSL_CERT_FILE")}
    stack.enter_context(scoped_environ(credentials))
    yield AzureProvider(AzureOptions(endpoint=emulator.base_url))


@contextlib.contextmanager
def demo_providers(quiet: bool = False) -> Iterator[list[Provider]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(start(stack)) for start in (_aws, _azure, _gcp)]
