#!/usr/bin/env bash
# Runs every test: set up, build (debug), run the whole suite.
# On failure the failing tests are listed again at the very end, where a truncated CI log still shows them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
log="$(mktemp "${TMPDIR:-/tmp}/tsdb-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
if swift test --skip-build "$@" 2>&1 | tee "$log"; then
    exit 0
fi
echo
echo "=== failures ==="
grep -E "✘|error:|fatal error|Fatal error|Crash|signal" "$log" | grep -v "passed" | head -60 || true
exit 1
