"""InfluxDB 1.x's Python client (`pip install influxdb`) reading tsdb-server over /query.

Usage: influxql_client.py PORT DATABASE [TOKEN]. Prints one JSON object: the databases
get_list_database() lists, the points query() returns for a raw and a GROUP BY query, and the error
text of a bad query.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
from influxdb import InfluxDBClient  # noqa: E402
from influxdb.exceptions import InfluxDBClientError  # noqa: E402

port, db = int(sys.argv[1]), sys.argv[2]
token = sys.argv[3] if len(sys.argv) > 3 else None
client = InfluxDBClient(host="127.0.0.1", port=port, username="tester" if token else None, password=token, database=db)
out = {"databases": client.get_list_database()}
raw = client.query("SELECT duration_ms, artist FROM plays WHERE time >= '2026-01-01T00:00:00Z' LIMIT 3")
out["raw"] = list(raw.get_points())
grouped = client.query("SELECT count(duration_ms) FROM plays GROUP BY platform")
out["grouped"] = {tags["platform"]: list(points)[0]["count"] for (_, tags), points in grouped.items()}
out["epoch"] = list(client.query("SELECT duration_ms FROM plays LIMIT 1", epoch="ms").get_points())
try:
    client.query("SELEC nope")
    out["error"] = None
except InfluxDBClientError as e:
    out["error"] = str(e)
print(json.dumps(out))
