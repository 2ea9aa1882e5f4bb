#!/usr/bin/env bash
# Runs every test: set up, build (debug), run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
