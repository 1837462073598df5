"""Run a command and measure it the same way in every benchmark."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


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
