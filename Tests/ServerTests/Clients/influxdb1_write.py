"""Writes POINTS with the InfluxDB 1.x client (influxdb), /write, JSON points and line protocol.
usage: influxdb1_write.py PORT DB TOKEN"""
import sys
from influxdb import InfluxDBClient
from influxdb.exceptions import InfluxDBClientError
from points import POINTS

port, db, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
client = InfluxDBClient(host="127.0.0.1", port=port, username="tsdb", password=token, database=db)
version = client.ping()
assert version, "ping gave no version"
body = [{"measurement": "plays", "tags": {"artist": a, "platform": p},
         "fields": {"duration_ms": d, "liked": l, "revenue": float(r), "user_id": u}, "time": t}
        for (a, p, d, l, r, u, t) in POINTS[:3]]
assert client.write_points(body, time_precision="n")
# The rest as line protocol with second precision.
lines = []
for (a, p, d, l, r, u, t) in POINTS[3:]:
    esc = lambda s: s.replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")
    uq = u.replace('"', '\\"')
    lines.append(f'plays,artist={esc(a)},platform={esc(p)} duration_ms={d}i,liked={str(l).lower()},revenue={float(r)},user_id="{uq}" {t // 1_000_000_000}')
assert client.write_points(lines, time_precision="s", protocol="line")
try:
    client.write_points(["plays,artist=X,platform=y duration_ms=\"oops\" 1763683200"], time_precision="s", protocol="line")
    raise SystemExit("a conflicting point was accepted")
except InfluxDBClientError as e:
    assert e.code == 400 and "partial write" in str(e), str(e)
print("ok")
