-- pgbench custom script: a constant SELECT (no scan), so a transaction's time is the protocol's and the
-- connection's: what TLS adds shows here. Used by bench_pg_tls.sh.
\set ms random(1000, 300000)
SELECT :ms::bigint AS bound, version();
