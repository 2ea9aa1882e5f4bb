#!/usr/bin/env bash
# The main job: set up, build in release, then generate ~1M play events, ingest them into an embedded
# data directory (./tsdb-data unless TSDB_DATA is set) and answer the questions users ask.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product tsdb-cli
swift build -c release --product tsdb-server
exec scripts/demo.sh "$@"
