#!/usr/bin/env bash
# Install Debian packages unless they are all installed already: `scripts/apt-install.sh PKG...`.
set -euo pipefail
installed=$(dpkg-query -W -f='${Status}\n' "$@" 2>/dev/null | grep -c "install ok installed" || true)
if [ "$installed" -eq "$#" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$(basename "$0"): run as root (apt-get install $*) or install them yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "$@" >/dev/null
