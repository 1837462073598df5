#!/usr/bin/env bash
# Debian's libraries for the PDF report and its tests. WeasyPrint (the `pdf` extra) loads Pango,
# pangoft2, HarfBuzz (and its subsetter, which keeps embedded fonts small), fontconfig and GObject
# at run time; libpango-1.0-0 and libpangoft2-1.0-0 pull in the rest, fonts-dejavu-core is the font
# the report names, and poppler-utils (pdftoppm) renders pages to PNG in the tests.
set -euo pipefail
exec "$(dirname "$0")/apt-install.sh" libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
  poppler-utils
