#!/usr/bin/env bash
# Installs what tsdb needs to build and test, when it is missing: Debian's liblz4/libzstd/zlib/libedit/snappy headers
# and pkg-config, tzdata (the time zones of AT TIME ZONE, read from /usr/share/zoneinfo), Node.js (the console's JavaScript unit tests), Chromium and chromedriver (the console's
# browser test), openssl and curl (the TLS tests make a certificate and call HTTPS), and the Python packages the tests use (DuckDB as the reference engine, pyarrow and polars reading tsdb's Parquet files, the InfluxDB
# and QuestDB client libraries, selenium), and the PostgreSQL clients the --pg tests drive (psql and
# pgbench from postgresql-client/postgresql-contrib, the JDBC driver and a JDK, psycopg 3, psycopg2 and
# asyncpg), and for the cold-start benchmarks in docs/benchmarks.md hyperfine and the DuckDB CLI (PyPI
# duckdb-cli). Safe to run repeatedly; does nothing when everything is there.
set -euo pipefail

need_apt=()
for p in liblz4-dev libzstd-dev zlib1g-dev libedit-dev libsnappy-dev libxlsxwriter-dev pkg-config tzdata chromium chromium-driver \
         postgresql-client postgresql-contrib libpostgresql-jdbc-java default-jdk-headless openssl curl hyperfine; do
    dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
# InfluxQL tests: a real InfluxDB 1.x as the oracle, and the influx 1.x CLI as a client.
for p in influxdb influxdb-client; do dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p"); done
# libcurl: the CLI's --server speaks HTTP through it (Sources/CCurl: the header at build time, libcurl.so.4
# opened on first use at run time).
dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || need_apt+=(libcurl4-openssl-dev)
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
        "selenium": "selenium", "polars": "polars", "psycopg": "psycopg[binary]", "psycopg2": "psycopg2-binary",
        "asyncpg": "asyncpg", "duckdb_cli": "duckdb-cli",
        "openpyxl": "openpyxl", "chdb": "chdb"}
print(" ".join(pkg for mod, pkg in mods.items() if importlib.util.find_spec(mod) is None))
PY
)
if [ -n "$py_missing" ]; then
    echo "setup: pip installing $py_missing" >&2
    python3 -m pip install --quiet --disable-pip-version-check $py_missing 2>&1 | grep -v "Running pip as the 'root' user" || true
    python3 -c "import duckdb, pyarrow, numpy" || { echo "setup: Python packages failed to install" >&2; exit 1; }
fi
