"""``python -m scanner.demo.gcp``: serve the demo estate until interrupted."""

from __future__ import annotations

import contextlib
import time

from scanner.demo.gcp import demo_estate, serve

with serve(demo_estate()) as running:
    print(f"GCP emulator on {running.base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        while True:
            time.sleep(3600)
