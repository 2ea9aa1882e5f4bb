"""Writes POINTS with QuestDB's client (questdb), ILP over TCP or HTTP.
usage: questdb_write.py tcp|http PORT [TOKEN]"""
import sys, warnings
warnings.simplefilter("ignore")
from questdb.ingress import Sender, TimestampNanos
from points import POINTS

transport, port = sys.argv[1], sys.argv[2]
conf = f"{transport}::addr=127.0.0.1:{port};"
if transport == "http" and len(sys.argv) > 3 and sys.argv[3]:
    conf += f"token={sys.argv[3]};"
if transport == "http":
    conf += "protocol_version=1;"
with Sender.from_conf(conf) as sender:
    for (a, p, d, l, r, u, t) in POINTS:
        sender.row("plays", symbols={"artist": a, "platform": p},
                   columns={"duration_ms": d, "liked": l, "revenue": float(r), "user_id": u},
                   at=TimestampNanos(t))
    sender.flush()
print("ok")
