#!/usr/bin/env bash
# Debian's libraries for the PDF report and its tests. WeasyPrint (the `pdf` extra) loads Pango,
# pangoft2, HarfBuzz (and its subsetter, which keeps embedded fonts small), fontconfig and GObject
# at run time; libpango-1.0-0 and libpangoft2-1.0-0 pull in the rest, fonts-dejavu-core is the font
# the report names, and poppler-utils (pdftoppm, pdftotext) renders pages to PNG in the tests.
set -euo pipefail
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils)
installed=$(dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null | grep -c "install ok installed" || true)
if [ "$installed" -eq "${#PACKAGES[@]}" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-pdf-deps: run as root (apt-get install ${PACKAGES[*]}) or install them yourself" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
