"""Run a command and measure it the same way in every benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.demo.aws.moto_server import FAKE_CREDENTIALS


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_rss_mib: float
    stderr: str


def run_measured(args: list[str], env: dict[str, str]) -> Measured:
    """Wall time and the child's own high-water RSS (VmHWM, polled from /proc). getrusage() would also
    count the pages the child shared with this (large, emulator-hosting) parent before exec."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_kib = 0
    while process.poll() is None:
        try:
            status = Path(f"/proc/{process.pid}/status").read_text()
            peak_kib = max(peak_kib, int(status.split("VmHWM:")[1].split()[0]))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    return Measured(process.returncode, seconds, peak_kib / 1024, process.stderr.read() if process.stderr else "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def moto_process() -> Iterator[tuple[str, dict[str, str]]]:
    """A moto server in its own process (so its memory is not the scanner's); yields its endpoint and
    the environment (fake credentials) to run the scanner with."""
    port = free_port()
    env = {**os.environ, **FAKE_CREDENTIALS, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", env
    finally:
        moto.terminate()
        moto.wait()
