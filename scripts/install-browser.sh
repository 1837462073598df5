#!/usr/bin/env bash
# Debian's Chromium for the HTML report's browser tests (Playwright drives it through
# executable_path; `playwright install` would download a browser, which this project never does).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: run as root (apt-get install chromium) or install Chromium yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
chromium --version
