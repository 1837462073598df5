"""Tell people about new failing findings through Apprise (Slack, Teams, e-mail, any JSON webhook...).

The message names checks and functions only: never evidence, which can quote configuration. A
notification that cannot be sent is one line on stderr and never changes the scan's exit code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from scanner.document import ScanDocument
from scanner.findings import Finding, Severity

MAX_LISTED = 20


def worth_telling(doc: ScanDocument, at_least: Severity) -> list[Finding]:
    """New failing findings at or above the threshold; every failing one when the scan kept no history."""
    failing = doc.failing(at_least)
    if doc.history is None:
        return failing
    return [f for f in failing if f.delta == "new"]


def message(doc: ScanDocument, findings: list[Finding], at_least: Severity) -> tuple[str, str]:
    ranked = sorted(findings, key=lambda f: (-f.severity.rank, f.check_id, f.resource_name))
    since = "since the last scan" if doc.history and doc.history.previous_scan_id else "in a scan with no history"
    title = f"ztscan: {len(findings)} new failing finding(s) at or above {at_least.value} {since}"
    lines = [f"- {f.severity.value} {f.check_id} {f.title}: {f.resource_name} ({f.provider} {f.account} {f.region})"
             for f in ranked[:MAX_LISTED]]
    if len(ranked) > MAX_LISTED:
        lines.append(f"- and {len(ranked) - MAX_LISTED} more (see the report of scan {doc.scan.id})")
    lines.append(f"scan {doc.scan.id}, {doc.summary.functions} functions")
    return title, "\n".join(lines)


def _scheme(url: str) -> str:
    """How to name a notification URL in an error: its scheme only, since the rest often holds a token."""
    return url.split("://", 1)[0] + "://" if "://" in url else "a notification URL"


def send(doc: ScanDocument, urls: list[str], at_least: Severity, say: Callable[[str], None]) -> int:
    """Send one summary to each URL; return how many took it. Nothing to tell means nothing is sent."""
    findings = worth_telling(doc, at_least)
    if not urls or not findings:
        return 0
    try:
        import apprise
    except ImportError:
        say("ztscan: notification not sent: Apprise is not installed (pip install 'ztscan[notify]')")
        return 0
    logging.getLogger("apprise").setLevel(logging.CRITICAL)  # its own warnings would add lines per failure
    title, body = message(doc, findings, at_least)
    sent = 0
    for url in urls:
        client = apprise.Apprise()
        if not client.add(url):
            say(f"ztscan: notification not sent: {_scheme(url)} is not a valid Apprise URL")
        elif not client.notify(body=body, title=title):
            say(f"ztscan: notification not sent: {_scheme(url)} did not accept it")
        else:
            sent += 1
    return sent
