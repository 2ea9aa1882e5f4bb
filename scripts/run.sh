#!/usr/bin/env bash
# The main job: set up, build in release, then generate ~1M play events, ingest them into an embedded
# data directory (./tsdb-data unless TSDB_DATA is set) and answer the questions users ask.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The Swift runtime and Foundation linked in: every CLI query is a new process, and the shared runtime's
# dynamic loading was about half of a cold `tsdb-cli query` (docs/benchmarks.md). Both products are
# built the same way, so neither build recompiles the other's modules. The CLI is linked position-dependent
# (-no-pie): its loader then applies none of a PIE's ~126K relative relocations at every start. Only with
# the static runtime: against the shared one, a non-PIE binary's direct references to the runtime's
# protected functions make the loader warn at each start.
swift build -c release --static-swift-stdlib -Xlinker -no-pie --product tsdb-cli
swift build -c release --static-swift-stdlib --product tsdb-server
exec scripts/demo.sh "$@"
