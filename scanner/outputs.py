"""Where reports go: a local directory, or an S3 prefix for scans that run in a scheduled container.

Each report is streamed into a temp file and published whole (a rename locally, one PutObject of the
spooled file on S3, which S3 makes visible all at once), and ztscan.json goes last: a reader that waits
for the JSON finds every other report beside it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from scanner.cli_options import OptionsError

if TYPE_CHECKING:
    from reports import Write
    from reports.html import ReportOptions
    from scanner.document import ScanDocument

CONTENT_TYPES = {".json": "application/json", ".html": "text/html; charset=utf-8", ".csv": "text/csv; charset=utf-8",
                 ".xml": "application/xml", ".md": "text/markdown; charset=utf-8", ".sarif": "application/sarif+json",
                 ".jsonl": "application/x-ndjson"}


class OutputError(Exception):
    """A report could not be stored: one line, without credentials."""




class Destination(Protocol):
    def put(self, filename: str, write: Write) -> str:
        """Store one report whole, written by ``write`` into a binary stream; return where it went."""
        ...


class LocalDirectory:
    def __init__(self, path: Path) -> None:
        self.path = path

    def put(self, filename: str, write: Write) -> str:
        from reports import write_atomic

        target = self.path / filename
        try:
            write_atomic(target, write)
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror}") from exc
        return str(target)


class S3Prefix:
    """s3://bucket/prefix/: credentials and endpoint as boto3 finds them (AWS_ENDPOINT_URL_S3 for MinIO & co)."""

    def __init__(self, url: str) -> None:
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        if not bucket:
            raise OptionsError(f"--out: {url} names no bucket (use s3://bucket/prefix/)")
        self.bucket, self.prefix = bucket, prefix.strip("/")
        self._client = None

    def _key(self, filename: str) -> str:
        return f"{self.prefix}/{filename}" if self.prefix else filename

    def put(self, filename: str, write: Write) -> str:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        if self._client is None:
            self._client = boto3.client("s3")
        url = f"s3://{self.bucket}/{self._key(filename)}"
        try:
            with tempfile.TemporaryFile() as body:  # on disk, not in memory: a report can be hundreds of MB
                write(body)
                body.seek(0)
                self._client.put_object(Bucket=self.bucket, Key=self._key(filename), Body=body,
                                        ContentType=CONTENT_TYPES.get(Path(filename).suffix,
                                                                      "application/octet-stream"))
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise OutputError(f"cannot write {url}: {error.get('Code')}: {error.get('Message')}") from exc
        except BotoCoreError as exc:
            raise OutputError(f"cannot write {url}: {exc}") from exc
        return url


def destination(out: str | Path) -> Destination:
    text = str(out)
    if text.startswith("s3://"):
        return S3Prefix(text)
    if "://" in text:
        raise OptionsError(f"--out: {text.split('://')[0]}:// is not supported (a directory or s3://bucket/prefix/)")
    return LocalDirectory(Path(out))


def write_all(doc: ScanDocument, formats: list[str], out: str | Path,
              options: ReportOptions | None = None) -> list[str]:
    """Render and store every requested report, the JSON document last."""
    import reports

    target = destination(out)
    ordered = sorted(formats, key=lambda f: f == "json")
    return [target.put(*reports.writer(doc, fmt, options)) for fmt in ordered]
