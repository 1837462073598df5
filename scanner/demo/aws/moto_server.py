"""A moto server on a free loopback port: the AWS peer of the demo, the tests and the bench."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator

from scanner.demo.environment import scoped_environ

# moto knows the AWS-managed policies (AdministratorAccess ...) only when asked before it loads.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """Start moto in a thread; yield its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def fake_aws_credentials() -> contextlib.AbstractContextManager[None]:
    """Point the standard credential chain at moto's fake keys, and put the environment back after."""
    return scoped_environ(FAKE_CREDENTIALS, remove=("AWS_PROFILE",))
