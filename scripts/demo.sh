#!/usr/bin/env bash
# The tsdb story on an embedded data directory, with the release build of tsdb-cli:
# generate ~1M synthetic music play events, ingest them (with progress), look at how they are
# stored, and answer the questions users ask, each printed as a table with its time.
#
# Builds nothing: run `swift build -c release` first (or set TSDB_CLI to a tsdb-cli binary).
# Settings (environment): ROWS (default 1000000), DEMO_DIR (default ./demo). The data directory
# ($DEMO_DIR/data) is kept for exploring afterwards; the line-protocol file is removed unless KEEP=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${TSDB_CLI:-$ROOT/.build/release/tsdb-cli}"
ROWS="${ROWS:-1000000}"
DEMO_DIR="${DEMO_DIR:-./demo}"
DATA="$DEMO_DIR/data"
LP="$DEMO_DIR/plays.lp"

if [[ ! -x "$CLI" ]]; then
    echo "demo: no tsdb-cli at $CLI; build it first: swift build -c release" >&2
    exit 1
fi

bold=""; dim=""; reset=""
if [[ -t 1 ]]; then bold=$'\e[1m'; dim=$'\e[2m'; reset=$'\e[0m'; fi
step() { printf '\n%s== %s ==%s\n' "$bold" "$1" "$reset"; }
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

rm -rf "$DATA"
mkdir -p "$DEMO_DIR"

step "1. Generate $ROWS play events (line protocol, 365 days ending 2026-11-21)"
t0=$(now)
"$CLI" generate --rows "$ROWS" --seed 42 --out "$LP"
size=$(du -h "$LP" | cut -f1)
echo "wrote $LP: $size in $(seconds_since "$t0") s"
printf '%sfirst line: %s%s\n' "$dim" "$(head -c 300 "$LP" | head -n 1)" "$reset"

step "2. Ingest them into the embedded data directory $DATA"
"$CLI" ingest --data "$DATA" "$LP"

step "3. How they are stored"
"$CLI" inspect --data "$DATA"

step "4. Questions users ask"
status=0
ask() {
    local title="$1" sql="$2"
    printf '\n%s%s%s\n%s%s%s\n' "$bold" "$title" "$reset" "$dim" "$sql" "$reset"
    "$CLI" query --data "$DATA" --timing "$sql" 2>&1 || status=1
}

ask "How many plays, listeners and hours of listening in all?" \
    "SELECT count(*) AS plays, count(DISTINCT user_id) AS listeners, round(sum(duration_ms) / 3600000.0, 1) AS hours FROM plays"
ask "Plays and unique listeners of 'Artist 0001' on each platform in March" \
    "SELECT platform, count(*) AS plays, count(DISTINCT user_id) AS listeners FROM plays WHERE artist = 'Artist 0001' AND time >= '2026-03-01' AND time < '2026-04-01' GROUP BY platform ORDER BY plays DESC, platform"
ask "Daily plays over the last 7 days" \
    "SELECT time_bucket(INTERVAL '1 day', time) AS day, count(*) AS plays, round(sum(revenue), 2) AS revenue FROM plays WHERE time >= '2026-11-14' GROUP BY day ORDER BY day"
ask "Top 10 artists this week" \
    "SELECT artist, count(*) AS plays, count(DISTINCT user_id) AS listeners FROM plays WHERE time >= '2026-11-14' GROUP BY artist ORDER BY plays DESC, artist LIMIT 10"
ask "Skip rate by device" \
    "SELECT device, round(avg(CASE WHEN skipped THEN 1.0 ELSE 0.0 END), 4) AS skip_rate, count(*) AS plays FROM plays GROUP BY device ORDER BY skip_rate DESC, device"
ask "Top countries since New Year, with revenue" \
    "SELECT country, count(*) AS plays, round(sum(revenue), 2) AS revenue FROM plays WHERE time >= '2026-01-01' GROUP BY country ORDER BY plays DESC, country LIMIT 10"
ask "Completion rate by platform" \
    "SELECT platform, round(avg(CASE WHEN completed THEN 1.0 ELSE 0.0 END), 4) AS completion_rate, count(*) AS plays FROM plays GROUP BY platform ORDER BY platform"

[[ "${KEEP:-0}" == "1" ]] || rm -f "$LP"
printf '\n%sThe data stays in %s. Explore it:%s\n  %s shell --data %s\n  %s inspect --data %s plays\n' \
    "$bold" "$DATA" "$reset" "$CLI" "$DATA" "$CLI" "$DATA"
exit $status
