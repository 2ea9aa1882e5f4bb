"""Writes POINTS with the official InfluxDB 2 client (influxdb-client), v2 write API, synchronous.
usage: influxdb2_write.py PORT BUCKET TOKEN GZIP(0|1)"""
import sys
from influxdb_client import InfluxDBClient, Point, WritePrecision
from influxdb_client.client.write_api import SYNCHRONOUS
from points import POINTS

port, bucket, token, gz = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
with InfluxDBClient(url=f"http://127.0.0.1:{port}", token=token, org="tsdb", enable_gzip=gz) as client:
    assert client.ping(), "ping failed"
    api = client.write_api(write_options=SYNCHRONOUS)
    points = [Point("plays").tag("artist", a).tag("platform", p).field("duration_ms", d).field("liked", l)
              .field("revenue", r).field("user_id", u).time(t, WritePrecision.NS)
              for (a, p, d, l, r, u, t) in POINTS]
    api.write(bucket=bucket, record=points[:3])
    # The rest as line protocol in millisecond precision (the times are whole seconds).
    lines = [Point("plays").tag("artist", a).tag("platform", p).field("duration_ms", d).field("liked", l)
             .field("revenue", r).field("user_id", u).time(t // 1_000_000, WritePrecision.MS).to_line_protocol()
             for (a, p, d, l, r, u, t) in POINTS[3:]]
    api.write(bucket=bucket, record=lines, write_precision=WritePrecision.MS)
    # A rejected point must raise: a string where the column is an integer.
    try:
        api.write(bucket=bucket, record="plays,artist=X,platform=y duration_ms=\"oops\" 1763683200000000000")
        raise SystemExit("a conflicting point was accepted")
    except Exception as e:
        if "422" not in str(e) and "400" not in str(e):
            raise
print("ok")
