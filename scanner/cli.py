"""The ``ztscan`` command line (click: provider plugins contribute their own flags at run time)."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from reports.html import ReportOptions
from scanner import __version__, frameworks, pipeline, registry, shards
from scanner.cli_history import history_group, keep_history, load_scan, notify, store_option
from scanner.cli_options import OptionsError, build, click_params
from scanner.config import ScanOptions, load_config
from scanner.document import DocumentError, ScanDocument, json_schema, load
from scanner.findings import Severity
from scanner.memory import prepare_heap
from scanner.merge_cli import merge
from scanner.outputs import OutputError
from scanner.plan_cli import plan
from scanner.progress import make_progress
from scanner.provider import Provider, ProviderConfigError
from scanner.run import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, EXIT_USAGE, exit_code
from scanner.waivers import load_waivers

out = Console()


def fail(message: str, code: int = EXIT_USAGE) -> click.exceptions.Exit:
    print(f"ztscan: error: {message}", file=sys.stderr)
    return click.exceptions.Exit(code)


def _formats(value: str) -> list[str]:
    return [f.strip() for f in value.split(",") if f.strip()]


def _parse_scan_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise OptionsError(f"scan_date: {value!r} is not YYYY-MM-DD") from exc


def check_formats(formats: list[str]) -> None:
    import reports

    unknown = [f for f in formats if f not in reports.formats()]
    if unknown:
        raise OptionsError(f"--format: unknown format {unknown[0]!r} (choose from {', '.join(reports.formats())})")
    missing = next((why for f in formats if (why := reports.unavailable(f))), None)
    if missing:
        raise OptionsError(f"--format: {missing}")


def write_reports(doc: ScanDocument, formats: list[str], out_dir: str | Path,
                  branding: ReportOptions | None = None) -> list[str]:
    from scanner.outputs import write_all

    check_formats(formats)
    if branding and branding.logo and not branding.logo.is_file():
        raise OptionsError(f"--logo: {branding.logo} is not a readable file")
    return write_all(doc, formats, out_dir, branding)


def say(message: str) -> None:
    """One plain line on stderr: no wrapping or markup, so logs and CI keep it whole."""
    print(message, file=sys.stderr, flush=True)


def resolve_frameworks(names: list[str]) -> list[str] | None:
    if not names:
        return None
    resolved = [frameworks.resolve(n) for n in names]
    unknown = [n for n, r in zip(names, resolved, strict=True) if r is None]
    if unknown:
        known = ", ".join(frameworks.FRAMEWORKS)
        raise OptionsError(f"--compliance: unknown framework {unknown[0]!r} (known: {known})")
    return [r for r in resolved if r]


def print_summary(doc: ScanDocument, written: list[str], show_compliance: bool = False) -> None:
    failing = doc.summary.failures_by_severity
    counts = ", ".join(f"{n} {sev}" for sev, n in failing.items() if n) or "none"
    say(
        f"ztscan: {doc.summary.functions} functions, "
        f"{doc.summary.findings_by_status['FAIL']} failing findings ({counts}), "
        f"{doc.summary.findings_by_status['NOT_ASSESSED']} not assessed, "
        f"{doc.summary.targets_incomplete} incomplete targets")
    if doc.summary.unknown_facts:
        facts = list(doc.summary.unknown_facts.items())
        named = ", ".join(f"{path} ({n} function{'s' if n > 1 else ''})" for path, n in facts[:5])
        more = f" and {len(facts) - 5} more" if len(facts) > 5 else ""
        say(f"ztscan: {doc.summary.findings_by_status['NOT_ASSESSED']} finding(s) not assessed; facts not read: "
            f"{named}{more}")
    for error in doc.scan.plugin_errors:
        say(f"ztscan: {error}")
    if doc.scores.estate:
        say(f"ztscan: estate grade {doc.scores.estate.overall.label()}, {len(doc.attack_paths)} attack path(s)")
    for use in doc.waivers:
        if use.expired:
            say(f"ztscan: waiver for {use.check_id} on {use.resource} (owner {use.owner}) expired on "
                      f"{use.expires} and no longer applies")
    if show_compliance:
        for fw in doc.compliance:
            failing = [c.control for c in fw.controls if c.status == "FAIL"]
            say(f"ztscan: {fw.title}: {fw.pass_rate:.0%} of assessed controls pass"
                      + (f"; failing: {', '.join(failing)}" if failing else ""))
    for path in written:
        say(f"ztscan: wrote {path}")


def run_scan(providers: list[Provider], scan_opts: ScanOptions, quiet: bool,
             branding: ReportOptions | None = None) -> int:
    check_formats(scan_opts.formats)  # before a long scan, not after it
    waivers = load_waivers(scan_opts.waivers) if scan_opts.waivers else []
    shard_dir = shards.shard_out(scan_opts.out, providers) if scan_opts.shard_of else None
    started = datetime.now(UTC)
    prepare_heap()
    if shard_dir is not None and scan_opts.shard_of:
        with make_progress(quiet) as progress:
            collected = shards.collect(providers, scan_opts.executor, progress, scan_opts.shard_of)
        return write_shard_file(collected[0], scan_opts.shard_of, started, shard_dir, quiet)
    # The reports read each function back from the spill, so it lives until the last one is written.
    with closing(pipeline.new_spill(started)) as spill:
        with make_progress(quiet) as progress:
            arriving = ((p.name, r.collection) for p, r in shards.results(providers, scan_opts.executor, progress))
            doc = pipeline.run(arriving, spill, started, _parse_scan_date(scan_opts.scan_date), waivers,
                               resolve_frameworks(scan_opts.compliance))
        return publish(doc, scan_opts, quiet, branding)


def write_shard_file(done: shards.Collected, shard: tuple[int, int], started: datetime, out: Path,
                     quiet: bool) -> int:
    """A shard run writes its file, never reports or history: only merge sees the whole estate."""
    record = shards.write_shard(done, shard, started, out)
    if not quiet:
        functions = sum(len(p.collection.functions) for p in record.parts)
        say(f"ztscan: shard {shard[0]}/{shard[1]}: {len(record.parts)} of {len(record.plan)} planned shard(s), "
            f"{functions} functions; wrote {out / record.name}")
    for target in (t for p in record.parts for t in p.collection.targets if t.status == "failed"):
        say(f"ztscan: failed: {target.provider} {target.account} {target.region or ''}: {target.error}")
    return EXIT_INCOMPLETE if record.failed else EXIT_OK


def publish(doc: ScanDocument, scan_opts: ScanOptions, quiet: bool, branding: ReportOptions | None = None) -> int:
    """History, reports, summary and notifications of a finished scan (or of merged shards)."""
    kept = keep_history(doc, scan_opts, say, quiet)  # before the reports, which carry the history it adds
    written = write_reports(doc, scan_opts.formats, scan_opts.out, branding)
    if not quiet:
        print_summary(doc, written, show_compliance=bool(scan_opts.compliance))
    notify(doc, scan_opts, say)
    code = exit_code(doc, scan_opts.fail_on)
    return EXIT_INCOMPLETE if code == EXIT_OK and not kept else code


def _scan_command(name: str, cls: type[Provider]) -> click.Command:
    def callback(**values: Any) -> None:
        logging.basicConfig(level=logging.INFO if values.pop("verbose") else logging.WARNING,
                            format="ztscan: %(levelname)s: %(message)s", stream=sys.stderr)
        quiet = values.pop("quiet")
        try:
            config = load_config(values.pop("config"))
            scan_opts = build(ScanOptions, values, config.get("scan", {}), "scan")
            provider_opts = build(cls.Options, values, config.get(name, {}), name)
            branding = build(ReportOptions, values, config.get("report", {}), "report")
            code = run_scan([cls(provider_opts)], scan_opts, quiet, branding)
        except (OptionsError, ProviderConfigError) as exc:
            raise fail(str(exc)) from None
        except OutputError as exc:
            raise fail(str(exc), EXIT_INCOMPLETE) from None
        raise click.exceptions.Exit(code)

    params = [
        click.Option(["--config", "config"], type=click.Path(path_type=Path), default=None,
                     help="TOML config file ([scan] and one table per provider)"),
        click.Option(["--quiet", "-q", "quiet"], is_flag=True, help="Print nothing but errors"),
        click.Option(["--verbose", "-v", "verbose"], is_flag=True, help="Log API activity"),
        *click_params(ScanOptions),
        *click_params(ReportOptions),
        *click_params(cls.Options),
    ]
    return click.Command(name, callback=callback, params=params, help=f"Scan {cls.title}.")


class ScanGroup(click.Group):
    """``ztscan scan PROVIDER``: one sub-command per installed provider plugin."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return registry.provider_names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cls = registry.provider(cmd_name)
        return _scan_command(cmd_name, cls) if cls else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ztscan")
def cli() -> None:
    """Zero-trust posture scanner for serverless functions (AWS Lambda, Azure Functions, GCP Cloud Functions)."""


cli.add_command(ScanGroup("scan", help="Scan a cloud: ztscan scan aws|azure|gcp [options]."))
cli.add_command(history_group)
cli.add_command(plan)
cli.add_command(merge)


@cli.group("checks")
def checks_group() -> None:
    """The check catalogue."""


@checks_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata as JSON")
def checks_list(as_json: bool) -> None:
    """List every registered check."""
    found = registry.checks()
    if as_json:
        print(json.dumps([c.meta.model_dump(mode="json") for c in found], indent=2))
        return
    table = Table("id", "severity", "pillar", "title", "clouds")
    for c in found:
        table.add_row(c.meta.id, c.meta.severity.value, c.meta.pillar.value, c.meta.title,
                      ", ".join(c.meta.providers or ["all"]))
    out.print(table)


@cli.group("providers")
def providers_group() -> None:
    """Installed cloud provider plugins."""


@providers_group.command("list")
def providers_list() -> None:
    """List installed provider plugins."""
    table = Table("name", "title", "module")
    for name, cls in registry.providers().items():
        table.add_row(name, cls.title, cls.__module__)
    out.print(table)
    for message in registry.load_errors:
        print(f"ztscan: warning: {message}", file=sys.stderr)


@cli.command("report")
@click.argument("scan_file", type=click.Path(path_type=Path))
@click.option("--format", "formats", default="html", show_default=True, help="Comma-separated formats")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("ztscan-report"),
              show_default=True, help="Directory for the reports")
@click.option("--title", default=None, help="Report title")
@click.option("--client", default=None, help="Client name shown on the cover")
@click.option("--logo", type=click.Path(path_type=Path), default=None, help="Logo image embedded in the report")
def report(scan_file: Path, formats: str, out_dir: Path, title: str | None, client: str | None,
           logo: Path | None) -> None:
    """Re-render a saved scan (ztscan.json) without touching any cloud."""
    try:
        doc = load(scan_file)
        branding = build(ReportOptions, {"title": title, "client": client, "logo": logo}, {}, "report")
        written = write_reports(doc, _formats(formats), out_dir, branding)
    except (DocumentError, OptionsError) as exc:
        raise fail(str(exc)) from None
    except OutputError as exc:
        raise fail(str(exc), EXIT_INCOMPLETE) from None
    for path in written:
        print(f"ztscan: wrote {path}", file=sys.stderr)


@cli.command("diff")
@click.argument("old_file")
@click.argument("new_file")
@store_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of stdout")
@click.option("--fail-on-new", type=click.Choice([s.value for s in Severity]), default=None,
              help="Exit 1 when a new failing finding is at or above this severity")
def diff(old_file: str, new_file: str, store: str | None, fmt: str, out_file: Path | None,
         fail_on_new: str | None) -> None:
    """Compare two saved scans (files, or scan ids in the history store): new, resolved and changed
    findings, and grade changes."""
    from reports import write_atomic
    from reports.html import render_diff_html
    from scanner.diff import as_text, compare

    try:
        result = compare(load_scan(old_file, store), load_scan(new_file, store))
    except DocumentError as exc:
        raise fail(str(exc)) from None
    rendered = {"text": as_text, "json": lambda d: d.model_dump_json(indent=2) + "\n",
                "html": render_diff_html}[fmt](result)
    if out_file is None:
        sys.stdout.write(rendered)
    else:
        write_atomic(out_file, rendered)
    if fail_on_new and result.new_at_or_above(Severity(fail_on_new)):
        raise click.exceptions.Exit(EXIT_FINDINGS)


@cli.command("schema")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of stdout")
def schema(out_file: Path | None) -> None:
    """Print the JSON Schema of the scan document (the --format json output)."""
    text = json.dumps(json_schema(), indent=2) + "\n"
    if out_file is None:
        sys.stdout.write(text)
    else:
        from reports import write_atomic

        write_atomic(out_file, text)


@cli.command("demo")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("ztscan-demo"),
              show_default=True, help="Directory for the reports")
@click.option("--format", "formats", default="html,json", show_default=True, help="Comma-separated formats")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors")
def demo(out_dir: Path, formats: str, quiet: bool) -> None:
    """Scan the built-in vulnerable demo estate, served by local emulators, through the real providers."""
    from scanner.demo import demo_providers

    # The demo keeps its history beside its reports, never in the user's store.
    scan_opts = ScanOptions(out=out_dir, formats=_formats(formats), store=str(out_dir / "history.db"))
    try:
        check_formats(scan_opts.formats)  # before the emulators start
        with demo_providers(quiet) as providers:
            code = run_scan(providers, scan_opts, quiet)
    except (OptionsError, ProviderConfigError) as exc:
        raise fail(str(exc)) from None
    # The demo estate is vulnerable on purpose: findings are its point, not an error.
    raise click.exceptions.Exit(EXIT_INCOMPLETE if code == EXIT_INCOMPLETE else 0)


def main() -> None:
    try:
        cli.main(prog_name="ztscan")
    except KeyboardInterrupt:
        print("ztscan: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug must still end in one line, not a traceback a user has to decode
        if os.environ.get("ZTSCAN_DEBUG"):
            raise
        print(f"ztscan: internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
              "(set ZTSCAN_DEBUG=1 for the traceback)", file=sys.stderr)
        sys.exit(EXIT_INCOMPLETE)
