"""Progress for people (a rich bar on a terminal) and for logs (a few plain lines in CI)."""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class LogProgress:
    """One line per note; no bar, so CI logs stay readable."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()

    def add_work(self, units: int, label: str = "") -> None:
        with self._lock:
            self.total += units

    def advance(self, units: int = 1) -> None:
        with self._lock:
            self.done += units

    def note(self, message: str) -> None:
        if not self.quiet:
            print(f"ztscan: {message}", file=sys.stderr, flush=True)

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class BarProgress(LogProgress):
    def __init__(self) -> None:
        super().__init__()
        self._bar = Progress(
            TextColumn("[bold]collecting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
        )
        self._task = self._bar.add_task("", total=0)

    def add_work(self, units: int, label: str = "") -> None:
        super().add_work(units, label)
        self._bar.update(self._task, total=self.total, description=label)

    def advance(self, units: int = 1) -> None:
        super().advance(units)
        self._bar.update(self._task, completed=self.done)

    def note(self, message: str) -> None:
        self._bar.console.print(f"ztscan: {message}", highlight=False, markup=False)

    def __enter__(self) -> BarProgress:
        self._bar.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._bar.stop()


def make_progress(quiet: bool) -> LogProgress:
    return BarProgress() if interactive() and not quiet else LogProgress(quiet)
