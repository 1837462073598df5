"""Keep a scan's resident memory near what it holds, not what its collection threads once touched.

glibc gives each thread that allocates its own malloc arena (up to 8 per core); a collector's
dozen request threads each leave an arena of freed, fragmented blocks that no other thread reuses,
so peak RSS grows with the thread count rather than with the data (mallopt(3), M_ARENA_MAX). After
collection, the responses and SDK clients are garbage; returning their pages to the OS before the
checks and reports run keeps those phases from stacking on top of them (malloc_trim(3)).
Elsewhere than glibc both are no-ops. The cyclic collector is told to leave alone what lives for the
whole scan.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

_M_ARENA_MAX = -8  # glibc's malloc.h
_ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def prepare_heap() -> None:
    """Before any worker thread starts: share a few arenas among all threads, and set aside for good
    what is alive now (modules, checks, plugins). It lives as long as the scan, yet each full cyclic
    collection that the collection threads' parsed responses trigger would traverse it again: ~10% of
    a scan's CPU (bench/aws_scan.py) spent proving that modules are still alive (gc.freeze)."""
    gc.freeze()
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, _ARENAS)


def release_garbage() -> None:
    """Collect cyclic garbage (SDK clients are cycles) and hand the freed pages back to the OS."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
