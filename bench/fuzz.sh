#!/usr/bin/env bash
# Runs every fuzz target for N seconds each (default 60): bash bench/fuzz.sh [N]
#
#   diagnostics  FuzzAnalyze           any bytes as Python / template / env file
#   diagnostics  FuzzFix               fixes parse, remove their finding, converge
#   server       FuzzIncrementalEdits  incremental edits vs a fresh parse
#   server       FuzzStream            the framing layer on any bytes
#   jinja        FuzzScan              the Jinja scanner
#   config       FuzzLoad              the configuration loader
#   envfile      FuzzParse             the .env / .flaskenv parser
#   cli          FuzzDecodeCache       check's cache file (any bytes; any gob
#                                      stream behind a valid checksum)
#
# Seeds: testdata/fuzz at the root and each package's testdata/fuzz; a
# failing input is written to the package's testdata/fuzz/<Target>/ (commit
# it with the fix: it then runs in every `go test`). Exit status 1 when a
# target fails. Minimisation is bounded (-fuzzminimizetime), else a slow
# input stalls the run for a minute.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
export CGO_ENABLED=1
targets=(
  "./diagnostics FuzzAnalyze"
  "./diagnostics FuzzFix"
  "./server FuzzIncrementalEdits"
  "./server FuzzStream"
  "./diagnostics/jinja FuzzScan"
  "./config FuzzLoad"
  "./diagnostics/envfile FuzzParse"
  "./cli FuzzDecodeCache"
)
failed=()
for t in "${targets[@]}"; do
  read -r pkg name <<<"$t"
  echo "== $name ($pkg, ${secs}s)"
  if go test "$pkg" -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" -fuzzminimizetime 5s 2>&1 |
      grep -v '^fuzz: elapsed' | tail -20; [ "${PIPESTATUS[0]}" -ne 0 ]; then
    failed+=("$name")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all ${#targets[@]} fuzz targets passed (${secs}s each)"
