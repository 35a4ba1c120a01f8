#!/usr/bin/env bash
# Regenerates the table of docs/bad-inputs.md from a real run: the test
# cli.BadInputs.EachGetsAMessageNamingTheFileAndField runs `scdfm` on each bad
# input and writes the messages to <build>/test-work/bad-inputs.md.
#   docs/make-bad-inputs.sh [BUILD_DIR]    (default: build; needs scdfm, test_cli and the datasets built)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
(cd "$build" && ctest -R '^cli\.BadInputs\.' --output-on-failure)
table="$build/test-work/bad-inputs.md"
doc=docs/bad-inputs.md
# Replace what lies between the two marker lines with the fresh table.
awk -v table="$table" '
  /<!-- table:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
  /<!-- table:end -->/ { skip = 0 }
  !skip { print }' "$doc" > "$doc.tmp"
mv "$doc.tmp" "$doc"
echo "updated $doc"
