-- pgbench custom script: dashboard-style SELECTs a PostgreSQL client sends, with a random bound.
-- Used by bench_pg.sh (pgbench -f). In the extended and prepared modes pgbench sends :ms as an untyped
-- parameter $1; the cast gives its type, as a driver's typed parameter would.
\set ms random(1000, 300000)
SELECT count(*), sum(duration_ms) FROM plays WHERE duration_ms > :ms::bigint;
SELECT platform, count(*) AS plays FROM plays WHERE time >= TIMESTAMP '2026-01-01' AND time < TIMESTAMP '2026-02-01' AND duration_ms > :ms::bigint GROUP BY platform ORDER BY plays DESC;
