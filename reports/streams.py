"""Writing a report in pieces into the binary stream a renderer is given."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, TextIO


@contextmanager
def text_stream(out: BinaryIO) -> Iterator[TextIO]:
    """A UTF-8 text view of a renderer's binary stream, flushed and let go (not closed) at the end."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        yield text
    finally:
        text.flush()
        text.detach()


def json_array(text: TextIO, items: Iterable[Any], prefix: str = "", suffix: str = "") -> None:
    """Write ``prefix [item, ...] suffix`` one item a line, as the items come: a long list is never one string."""
    text.write(prefix + "[")
    separator = "\n"
    for item in items:
        text.write(separator + json.dumps(item, ensure_ascii=False))
        separator = ",\n"
    text.write(("\n]" if separator != "\n" else "]") + suffix)
