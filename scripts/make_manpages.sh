#!/usr/bin/env bash
# Regenerates docs/man/*.1 from the commands' --help, with swift-argument-parser's generate-manual
# plugin: tsdb-server(1), tsdb-cli(1) and one page per tsdb-cli subcommand (tsdb-cli.query(1), …).
# Run after changing a flag or its help text; commit the result.
#   scripts/make_manpages.sh            # writes docs/man/
#   man -l docs/man/tsdb-server.1       # read one
set -euo pipefail
cd "$(dirname "$0")/.."
# The date of the last commit, not today's, so unchanged help gives unchanged pages.
# Debug binaries give the same help as release ones and are usually built already.
swift package plugin generate-manual --configuration debug --multi-page --section 1 --date "$(git log -1 --format=%cs)"
out=.build/plugins/GenerateManual/outputs
mkdir -p docs/man
rm -f docs/man/*.1
for target in tsdb-server tsdb-cli; do
  cp "$out/$target"/*.1 docs/man/
done
# The implicit `help` subcommand gets a page of its own, saying nothing the main page does not.
rm -f docs/man/*.help.1
# tsdb-server has no subcommands, but the plugin lists the implicit `help` one in its synopsis.
sed -i '/^\.Ar subcommand$/d' docs/man/tsdb-server.1
ls docs/man
