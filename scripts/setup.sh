#!/usr/bin/env bash
# Installs what tsdb needs to build and test, when it is missing: Debian's liblz4/libzstd/zlib/libedit headers
# and pkg-config, tzdata (the time zones of AT TIME ZONE, read from /usr/share/zoneinfo), Node.js (the console's JavaScript unit tests), Chromium and chromedriver (the console's
# browser test), and the Python packages the tests use (DuckDB as the reference engine, the InfluxDB
# and QuestDB client libraries, selenium). Safe to run repeatedly; does nothing when everything is there.
set -euo pipefail

need_apt=()
for p in liblz4-dev libzstd-dev zlib1g-dev libedit-dev pkg-config tzdata chromium chromium-driver; do
    dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: installing ${need_apt[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

py_missing=$(python3 - <<'PY'
import importlib.util
mods = {"duckdb": "duckdb", "pyarrow": "pyarrow", "numpy": "numpy",
        "influxdb_client": "influxdb-client", "influxdb": "influxdb", "questdb": "questdb",
        "selenium": "selenium"}
print(" ".join(pkg for mod, pkg in mods.items() if importlib.util.find_spec(mod) is None))
PY
)
if [ -n "$py_missing" ]; then
    echo "setup: pip installing $py_missing" >&2
    python3 -m pip install --quiet --disable-pip-version-check $py_missing 2>&1 | grep -v "Running pip as the 'root' user" || true
    python3 -c "import duckdb, pyarrow, numpy" || { echo "setup: Python packages failed to install" >&2; exit 1; }
fi
