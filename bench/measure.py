"""Run a command and measure it the same way in every benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from scanner.demo.aws.moto_server import FAKE_CREDENTIALS


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_rss_mib: float
    stderr: str
    # Every other process seen in the watched trees for a second or more (the command's descendants,
    # e.g. shard workers, and the trees of `watch`): pid -> (command line, its own high-water RSS in
    # MiB). Shorter-lived ones are helpers (ctypes.util.find_library runs ldconfig): between fork and
    # exec they still show the parent's command line and, until exec, its high-water mark.
    others: dict[int, tuple[str, float]] = field(default_factory=dict)
    cpu_seconds: float = 0.0  # user + system time of the command and the children it waited for


def _high_water_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                children = [int(child) for child in task.read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            queue.extend(children)
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def run_measured(args: list[str], env: dict[str, str], watch: tuple[int, ...] = ()) -> Measured:
    """Wall time and the child's own high-water RSS (VmHWM, polled from /proc), and that of every
    process in its tree and in the trees rooted at ``watch`` (processes already running, e.g. Dask
    workers). getrusage() would also count the pages the child shared with this (large,
    emulator-hosting) parent before exec."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_kib = 0
    others: dict[int, tuple[str, int, float, float]] = {}  # pid -> (command line, high-water KiB, seen from, to)
    while True:
        peak_kib = max(peak_kib, _high_water_kib(process.pid))
        now = time.perf_counter()
        for pid in [*_descendants(process.pid), *watch, *(p for root in watch for p in _descendants(root))]:
            name, seen, first, _ = others.get(pid) or ("", 0, now, now)
            others[pid] = (_command_line(pid) or name, max(seen, _high_water_kib(pid)), first, now)  # "": a zombie
        # wait4 rather than poll(): the CPU time of the child and of the children it waited for.
        reaped, status, usage = os.wait4(process.pid, os.WNOHANG)
        if reaped:
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    lasting = {pid: (name, kib / 1024) for pid, (name, kib, first, last) in others.items()
               if pid in watch or last - first >= 1.0}
    return Measured(process.returncode, seconds, peak_kib / 1024, process.stderr.read() if process.stderr else "",
                    lasting, usage.ru_utime + usage.ru_stime)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


# moto's server logs every request through werkzeug: ~15% of its CPU for lines nobody reads here.
_QUIET_MOTO = ("import logging, sys; from moto.server import main; "
               "logging.getLogger('werkzeug').setLevel(logging.WARNING); main(['-H', '127.0.0.1', '-p', sys.argv[1]])")


@contextlib.contextmanager
def moto_process(server: list[str] | None = None, ready: Callable[[], bool] | None = None,
                 ready_within: float = 10.0) -> Iterator[tuple[str, dict[str, str]]]:
    """A moto server in its own process (so its memory is not the scanner's); yields its endpoint and
    the environment (fake credentials) to run the scanner with, once its port answers (or ``ready()``).
    ``server`` is another command that serves moto (given ``--port N``), e.g. one that seeds it first."""
    port = free_port()
    env = {**os.environ, **FAKE_CREDENTIALS, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
    command = [*server, "--port", str(port)] if server else [sys.executable, "-c", _QUIET_MOTO, str(port)]
    moto = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=None if server else subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline and moto.poll() is None and not (ready or (lambda: _answers(port)))():
            time.sleep(0.1)
        if moto.poll() is not None:
            raise RuntimeError(f"the moto server exited with code {moto.returncode}")
        yield f"http://127.0.0.1:{port}", env
    finally:
        moto.terminate()
        moto.wait()
