"""``ztscan plan SCAN.json``: the remediation plan of a saved scan, as text or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scanner.document import DocumentError, RemediationPlan, load
from scanner.remediation_plan import describe


def as_text(plan: RemediationPlan | None) -> str:
    if plan is None:
        return "No failing finding: nothing to plan.\n"
    lines = [f"Estate {plan.estate_grade} ({plan.estate_score}/100): {describe(plan)}; all "
             f"{plan.changes_total} change(s) reach {plan.grade_after_all} ({plan.score_after_all}).", ""]
    for n, change in enumerate(plan.changes, 1):
        touched = ", ".join(change.function_names[:8]) + (
            f" and {len(change.function_names) - 8} more" if len(change.function_names) > 8 else "")
        lines += [f"{n:>3}. {change.title} [{change.provider}]",
                  f"     +{change.gain} -> {change.estate_grade_after} ({change.estate_score_after}); "
                  f"fixes {change.findings} finding(s) of {', '.join(change.checks)}",
                  f"     functions: {touched}",
                  f"     how: {change.remediation}" if change.remediation else ""]
        lines = [line for line in lines if line] + [""]
    if plan.changes_total > len(plan.changes):
        lines.append(f"... and {plan.changes_total - len(plan.changes)} smaller change(s) (see the JSON document).")
    return "\n".join(lines).rstrip("\n") + "\n"


@click.command("plan")
@click.argument("scan_file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def plan(scan_file: Path, fmt: str) -> None:
    """What to fix first in a saved scan: changes ranked by how much they raise the estate score."""
    try:
        doc = load(scan_file)
    except DocumentError as exc:
        print(f"ztscan: error: {exc}", file=sys.stderr)
        raise click.exceptions.Exit(2) from None
    result = doc.remediation_plan
    if fmt == "json":
        sys.stdout.write((result.model_dump_json(indent=2) if result else "null") + "\n")
    else:
        sys.stdout.write(as_text(result))
