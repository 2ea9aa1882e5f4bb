/// The public play-event query set (bench/queries.sql), built in so `bench queries` and the demo need no file.
/// Each runs unchanged on DuckDB over the same data; `-- name:` headers name them.
enum BuiltinQueries {
    static let text = #"""
-- The public play-events query set (PostgreSQL/DuckDB dialect; each runs unchanged on DuckDB).
-- Data: gen_plays.py beside this file. One query a line after its `-- name:` header.
-- name: p01_count
SELECT count(*) FROM plays
-- name: p02_sum_quarter
SELECT sum(duration_ms), avg(duration_ms), max(duration_ms) FROM plays WHERE time >= '2026-01-01' AND time < '2026-04-01'
-- name: p03_artist_month
SELECT platform, count(*) AS plays, count(DISTINCT user_id) AS listeners FROM plays WHERE artist = 'Artist 0001' AND time >= '2026-03-01' AND time < '2026-04-01' GROUP BY platform ORDER BY plays DESC, platform
-- name: p04_daily_week
SELECT time_bucket(INTERVAL '1 day', time) AS day, platform, count(*) AS plays FROM plays WHERE time >= '2026-05-01' AND time < '2026-05-08' GROUP BY day, platform ORDER BY day, platform
-- name: p05_country_top
SELECT country, count(*) AS plays, sum(revenue) AS revenue FROM plays WHERE time >= '2026-01-01' GROUP BY country ORDER BY plays DESC, country LIMIT 10
-- name: p06_completion_by_platform
SELECT platform, avg(CASE WHEN completed THEN 1.0 ELSE 0.0 END) AS completion_rate, count(*) AS plays FROM plays GROUP BY platform ORDER BY platform
-- name: p07_top_tracks_month
SELECT track, artist, count(*) AS plays FROM plays WHERE time >= '2026-07-01' AND time < '2026-08-01' GROUP BY track, artist ORDER BY plays DESC, track LIMIT 20
-- name: p08_listeners_week
SELECT count(DISTINCT user_id) FROM plays WHERE time >= '2026-02-01' AND time < '2026-02-08'
-- name: p09_weekly
SELECT date_trunc('week', time) AS week, count(*) AS plays, sum(CASE WHEN liked THEN 1 ELSE 0 END) AS likes FROM plays GROUP BY week ORDER BY week
-- name: p10_devices_in_countries
SELECT device, count(*) AS plays, avg(duration_ms) AS avg_ms FROM plays WHERE country IN ('BR', 'MX', 'AR') AND skipped = false GROUP BY device ORDER BY plays DESC, device
-- name: p11_busy_users
SELECT user_id, count(*) AS plays FROM plays WHERE time >= '2026-06-01' GROUP BY user_id HAVING count(*) > 50 ORDER BY plays DESC, user_id LIMIT 10
-- name: p12_avg_daily_by_platform
SELECT platform, avg(daily) AS avg_day, max(daily) AS peak_day FROM (SELECT platform, time_bucket(INTERVAL '1 day', time) AS day, count(*) AS daily FROM plays WHERE artist = 'Artist 0484' GROUP BY platform, day) GROUP BY platform ORDER BY platform
"""#
}
