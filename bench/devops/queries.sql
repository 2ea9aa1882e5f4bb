-- The DevOps query set: TSBS "cpu-only" questions (PostgreSQL/DuckDB dialect; each runs unchanged on DuckDB).
-- Data: `tsdb-cli generate --dataset devops` (measurement `cpu`, 10 host tags, 10 usage gauges every 10 s
-- from 2026-01-01); the windows below fall in its first day, so 200K rows of 20 hosts answer every one.
-- One query a line after its `-- name:` header; TSBS's query type in each name's comment line.
-- name: d01_minute_max_one_host_hour
-- single-groupby-1-1-1: per-minute max of one gauge, one host, one hour
SELECT time_bucket(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_user FROM cpu WHERE hostname = 'host_3' AND time >= '2026-01-01 05:00:00' AND time < '2026-01-01 06:00:00' GROUP BY minute ORDER BY minute
-- name: d02_minute_max5_eight_hosts_hour
-- single-groupby-5-8-1: per-minute max of five gauges, eight hosts, one hour
SELECT time_bucket(INTERVAL '1 minute', time) AS minute, max(usage_user) AS u, max(usage_system) AS s, max(usage_idle) AS i, max(usage_nice) AS n, max(usage_iowait) AS w FROM cpu WHERE hostname IN ('host_1', 'host_2', 'host_3', 'host_5', 'host_8', 'host_13', 'host_14', 'host_19') AND time >= '2026-01-01 07:00:00' AND time < '2026-01-01 08:00:00' GROUP BY minute ORDER BY minute
-- name: d03_hourly_mean_per_host_12h
-- double-groupby-1: hourly mean of one gauge per host over 12 hours
SELECT time_bucket(INTERVAL '1 hour', time) AS hour, hostname, avg(usage_user) AS mean_user FROM cpu WHERE time >= '2026-01-01 06:00:00' AND time < '2026-01-01 18:00:00' GROUP BY hour, hostname ORDER BY hour, hostname
-- name: d04_hourly_mean_all_per_host_12h
-- double-groupby-all: hourly mean of all ten gauges per host over 12 hours
SELECT time_bucket(INTERVAL '1 hour', time) AS hour, hostname, avg(usage_user) AS user, avg(usage_system) AS system, avg(usage_idle) AS idle, avg(usage_nice) AS nice, avg(usage_iowait) AS iowait, avg(usage_irq) AS irq, avg(usage_softirq) AS softirq, avg(usage_steal) AS steal, avg(usage_guest) AS guest, avg(usage_guest_nice) AS guest_nice FROM cpu WHERE time >= '2026-01-01 06:00:00' AND time < '2026-01-01 18:00:00' GROUP BY hour, hostname ORDER BY hour, hostname
-- name: d05_max_all_eight_hosts_8h
-- cpu-max-all-8: hourly max of all ten gauges for eight hosts over 8 hours
SELECT time_bucket(INTERVAL '1 hour', time) AS hour, max(usage_user) AS user, max(usage_system) AS system, max(usage_idle) AS idle, max(usage_nice) AS nice, max(usage_iowait) AS iowait, max(usage_irq) AS irq, max(usage_softirq) AS softirq, max(usage_steal) AS steal, max(usage_guest) AS guest, max(usage_guest_nice) AS guest_nice FROM cpu WHERE hostname IN ('host_0', 'host_4', 'host_6', 'host_9', 'host_10', 'host_11', 'host_15', 'host_17') AND time >= '2026-01-01 02:00:00' AND time < '2026-01-01 10:00:00' GROUP BY hour ORDER BY hour
-- name: d06_high_cpu_one_host_12h
-- high-cpu-1: the samples of one host over a threshold in 12 hours
SELECT time, hostname, usage_user, usage_system, usage_idle FROM cpu WHERE usage_user > 90.0 AND hostname = 'host_7' AND time >= '2026-01-01 00:00:00' AND time < '2026-01-01 12:00:00' ORDER BY time
-- name: d07_hosts_over_threshold_12h
-- high-cpu-all: hosts over a threshold in 12 hours, with how often
SELECT hostname, count(*) AS samples, max(usage_user) AS peak FROM cpu WHERE usage_user > 90.0 AND time >= '2026-01-01 12:00:00' AND time < '2026-01-02 00:00:00' GROUP BY hostname ORDER BY samples DESC, hostname
-- name: d08_last_values_per_host
-- lastpoint: each host's latest sample
SELECT hostname, max(time) AS last_time, arg_max(usage_user, time) AS usage_user, arg_max(usage_system, time) AS usage_system, arg_max(usage_idle, time) AS usage_idle FROM cpu GROUP BY hostname ORDER BY hostname
-- name: d09_latest_minutes_max
-- groupby-orderby-limit: the last five minutes before a time, per-minute max
SELECT time_bucket(INTERVAL '1 minute', time) AS minute, max(usage_user) AS max_user FROM cpu WHERE time < '2026-01-01 12:00:00' GROUP BY minute ORDER BY minute DESC LIMIT 5
-- name: d10_region_hourly
-- per-region hourly: mean and peak by region and hour over the whole set
SELECT region, time_bucket(INTERVAL '1 hour', time) AS hour, avg(usage_user) AS mean_user, max(usage_system) AS peak_system, count(*) AS samples FROM cpu GROUP BY region, hour ORDER BY region, hour
