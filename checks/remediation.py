"""Shorthand for per-cloud remediation in check metadata."""

from __future__ import annotations

from scanner.findings import Remediation


def fix(**per_cloud: tuple[str, str | None, str | None]) -> dict[str, Remediation]:
    """``fix(aws=(console, cli, terraform), ...)`` -> the remediation mapping CheckMeta wants."""
    return {cloud: Remediation(console=c, cli=cli, terraform=tf) for cloud, (c, cli, tf) in per_cloud.items()}
