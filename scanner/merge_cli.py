"""``ztscan merge SHARD.json... --out DIR``: the shard files of one ``--shard K/N`` scan, checked and
turned into the document, reports and history an unsharded scan of the same options produces."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from reports.html import ReportOptions
from scanner.cli_options import OptionsError, build, click_params
from scanner.config import ScanOptions, load_config
from scanner.outputs import OutputError
from scanner.run import EXIT_INCOMPLETE
from scanner.waivers import load_waivers

_SCAN_ONLY = {"executor", "shard"}  # how shards ran is no option of the merge


def _merge(files: tuple[Path, ...], values: dict[str, Any]) -> int:
    from scanner import cli, shards

    quiet = values.pop("quiet")
    config = load_config(values.pop("config"))
    scan_opts = build(ScanOptions, values, config.get("scan", {}), "merge")
    branding = build(ReportOptions, values, config.get("report", {}), "report")
    cli.check_formats(scan_opts.formats)
    results, started, missing = shards.combine(files)
    for k in missing:
        cli.say(f"ztscan: shard {k} was not given: its targets are reported as failed")
    waivers = load_waivers(scan_opts.waivers) if scan_opts.waivers else []
    doc = shards.document(results, started, cli._parse_scan_date(scan_opts.scan_date), waivers,
                          cli.resolve_frameworks(scan_opts.compliance))
    return cli.publish(doc, scan_opts, quiet, branding)


def _callback(files: tuple[Path, ...], **values: Any) -> None:
    from scanner.cli import fail

    try:
        code = _merge(files, values)
    except OptionsError as exc:
        raise fail(str(exc)) from None
    except OutputError as exc:
        raise fail(str(exc), EXIT_INCOMPLETE) from None
    raise click.exceptions.Exit(code)


merge = click.Command(
    "merge",
    callback=_callback,
    help="Merge the shard-K-of-N.json files of a --shard scan into one scan: reports and history.",
    params=[
        click.Argument(["files"], nargs=-1, required=True, type=click.Path(path_type=Path)),
        click.Option(["--config", "config"], type=click.Path(path_type=Path), default=None,
                     help="TOML config file (its [scan] and [report] tables)"),
        click.Option(["--quiet", "-q", "quiet"], is_flag=True, help="Print nothing but errors"),
        *(p for p in click_params(ScanOptions) if p.name not in _SCAN_ONLY),
        *click_params(ReportOptions),
    ],
)
