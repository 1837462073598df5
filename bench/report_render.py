"""Benchmark: render the HTML report (and JSON) for a synthetic 5,000-function scan.

Prints the render time and file size. Target: under 5 s and under 10 MB for the HTML.
Usage: python bench/report_render.py [--functions 5000]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime

from reports.html import render_html
from reports.json import render_json
from scanner.inventory import Grant, InvocationPath, ServerlessFunction
from scanner.provider import Collection
from scanner.run import assemble
from scanner.secret_values import classify


def estate(count: int) -> list[ServerlessFunction]:
    functions = []
    for i in range(count):
        provider = ("aws", "azure", "gcp")[i % 3]
        bare = ServerlessFunction(provider=provider, account=f"acct-{i % 12}", region=f"region-{i % 6}",
                                  id=f"{provider}:function:fn-{i:05d}", name=f"fn-{i:05d}", kind="bench",
                                  tags={"team": f"t{i % 40}", "env": "prod" if i % 2 else "dev"})
        # A synthetic estate where every fact was read: its defaults are the facts.
        fn = ServerlessFunction.model_validate(bare.model_dump(exclude_computed_fields=True))
        fn.identity.kind = "aws_iam_role"
        fn.identity.principal = f"role-{i % 50}"
        if i % 7 == 0:
            fn.identity.admin = [Grant(source="AdministratorAccess", actions=["*"], resources=["*"], reason="all")]
        if i % 5 == 0:
            fn.network.invocation = [InvocationPath(via="function_url", principal="*", principal_kind="anonymous",
                                                    auth="none", evidence="function URL AuthType NONE")]
        fn.secrets.settings = [classify("TABLE", f"t{i}"), classify("API_KEY", f"k{i}-Xy7Qw9Lm2Pz8Rt5Vb3Nc6")]
        fn.runtime.name = ("python3.9", "node|22", "python312")[i % 3]
        fn.runtime.deprecated_on = date(2025, 12, 15) if i % 4 == 0 else None
        functions.append(fn)
    return functions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--functions", type=int, default=5000)
    args = parser.parse_args()
    doc = assemble({"bench": Collection(functions=estate(args.functions))}, datetime.now(UTC), date(2026, 11, 28))
    print(f"{len(doc.functions)} functions, {len(doc.findings)} findings, {len(doc.attack_paths)} attack paths")
    started = time.perf_counter()
    html = render_html(doc)
    html_seconds = time.perf_counter() - started
    started = time.perf_counter()
    body = render_json(doc)
    json_seconds = time.perf_counter() - started
    print(f"HTML: {html_seconds:.2f} s, {len(html.encode()) / 1e6:.1f} MB")
    print(f"JSON: {json_seconds:.2f} s, {len(body) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
