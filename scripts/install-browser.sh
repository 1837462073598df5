#!/usr/bin/env bash
# Debian's Chromium for the HTML report's browser tests (Playwright drives it through
# executable_path; `playwright install` would download a browser, which this project never does).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
"$(dirname "$0")/apt-install.sh" chromium
chromium --version
