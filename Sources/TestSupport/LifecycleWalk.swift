/// Issue 12 walked as a new user would: its statements as the issue writes them, in order, each with the
/// CSV answer every front (`tsdb-cli query`/`shell` embedded and `--server`, HTTP `query_sql`) must give.
/// A step's answer starting with "error:" must fail with a message containing the rest; "prefix:", start
/// with the rest.
public enum LifecycleWalk {
    public struct Step: Sendable {
        public var sql: String
        public var csv: String
        /// Whether the statement changes data (POST only over HTTP, a write-and-admin token).
        public var changesData: Bool
    }

    /// Whether `output` (a CSV answer, or an error's text when `failed`) is what `step` expects.
    public static func matches(_ step: Step, output: String, failed: Bool) -> Bool {
        if step.csv.hasPrefix("error:") { return failed && output.contains(step.csv.dropFirst(6)) }
        if failed { return false }
        if step.csv.hasPrefix("prefix:") { return output.hasPrefix(step.csv.dropFirst(7)) }
        return output == step.csv
    }

    static func s(_ sql: String, _ csv: String, changes: Bool = true) -> Step { Step(sql: sql, csv: csv, changesData: changes) }
    static func q(_ sql: String, _ csv: String) -> Step { Step(sql: sql, csv: csv, changesData: false) }

    public static let steps: [Step] = [
        // Every listed type and alias, the table options and dedup keys in one CREATE TABLE.
        s("CREATE TABLE IF NOT EXISTS plays (time TIMESTAMP, artist SYMBOL, user_id VARCHAR, duration_ms BIGINT, revenue DOUBLE, liked BOOLEAN, "
          + "listeners UBIGINT, track_no INTEGER, title TEXT, album STRING) WITH (retention = '3650 days', compression = 'zstd') "
          + "DEDUP UPSERT KEYS (time, user_id)", "status\ncreated table plays\n"),
        s("CREATE TABLE IF NOT EXISTS plays (time TIMESTAMP, artist SYMBOL)", "status\ntable plays exists\n"),
        q("SELECT column_name, data_type, kind FROM tsdb_columns WHERE table_name = 'plays' ORDER BY position",
          "column_name,data_type,kind\ntime,TIMESTAMP,time\nartist,SYMBOL,tag\nuser_id,VARCHAR,field\nduration_ms,BIGINT,field\nrevenue,DOUBLE,field\n"
          + "liked,BOOLEAN,field\nlisteners,UBIGINT,field\ntrack_no,BIGINT,field\ntitle,VARCHAR,field\nalbum,VARCHAR,field\n"),
        q("SELECT retention_days, compression, declared_schema, dedup_keys FROM tsdb_tables WHERE table_name = 'plays'",
          "retention_days,compression,declared_schema,dedup_keys\n3650,zstd,true,\"time, user_id\"\n"),
        s("INSERT INTO plays VALUES ('2026-09-01 10:00', 'Artist A', 'u123', 200000, 0.004, true, 7, 1, 'Song', 'LP'), "
          + "('2026-09-01 11:00', 'Artist B', 'u7', 180000, 0.004, false, 3, 2, 'Other', 'EP'), "
          + "('2026-09-03 09:30', 'Artist A', 'u123', 100000, 0.002, NULL, NULL, NULL, NULL, NULL)", "rows\n3\n"),
        s("INSERT INTO plays (time, artist, user_id) SELECT time + INTERVAL 14 DAY, artist, user_id FROM plays WHERE artist = 'Artist B'", "rows\n1\n"),
        // Which days of September hold data for these artists?
        q("SELECT day, rows FROM tsdb_partitions WHERE table_name = 'plays' AND day >= '2026-09-01' AND day < '2026-10-01' "
          + "AND day IN (SELECT date_trunc('day', time) FROM plays WHERE artist IN ('Artist A', 'Artist C')) ORDER BY day",
          "day,rows\n2026-09-01T00:00:00Z,2\n2026-09-03T00:00:00Z,1\n"),
        q("SHOW PARTITIONS FROM plays", "prefix:day,rows,memtable_rows,bytes,segments,min_time,max_time,deleted_rows\n2026-09-01T00:00:00Z,2,"),
        // The same keys again (a retried batch): the last row wins, the count does not change.
        s("INSERT INTO plays (time, artist, user_id, duration_ms) VALUES ('2026-09-01 10:00', 'Artist A', 'u123', 210000)", "rows\n1\n"),
        q("SELECT count(*) AS plays, sum(duration_ms) AS ms FROM plays", "plays,ms\n4,490000\n"),
        s("DELETE FROM plays WHERE user_id = 'u123'", "count\n2\n"),
        q("SELECT count(*) FROM plays WHERE user_id = 'u123'", "count_star()\n0\n"),
        // How many rows it purges depends on the front: a dedup-replaced row is purged too once a flush marked it.
        s("VACUUM plays", "prefix:rows_purged,segments_rewritten,symbols_erased\n"),
        s("ALTER TABLE plays ADD COLUMN mood VARCHAR", "status\nadded column mood to plays\n"),
        s("ALTER TABLE plays SET (compression = 'lz4')", "status\naltered table plays\n"),
        s("ALTER TABLE plays DEDUP DISABLE", "count\n2\n"),
        s("ALTER TABLE plays DEDUP ENABLE UPSERT KEYS (time, user_id)", "count\n2\n"),
        s("CREATE TABLE recent (time TIMESTAMP, artist SYMBOL, user_id VARCHAR) WITH (retention = '90 days', compression = 'zstd')",
          "status\ncreated table recent\n"),
        s("ALTER TABLE recent SET (retention = '30 days')", "status\naltered table recent\n"),
        s("CREATE TABLE september AS SELECT time, artist, user_id, duration_ms FROM plays WHERE time < '2026-10-01'",
          "status\ncreated table september with 2 rows\n"),
        q("SELECT column_name, data_type FROM tsdb_columns WHERE table_name = 'september' ORDER BY position",
          "column_name,data_type\ntime,TIMESTAMP\nartist,SYMBOL\nuser_id,VARCHAR\nduration_ms,BIGINT\n"),
        s("TRUNCATE TABLE september", "count\n2\n"),
        s("DROP TABLE september", "count\n0\n"),
        s("DROP TABLE IF EXISTS september", "count\n0\n"),
        s("CREATE TABLE tsdb_mine (time TIMESTAMP, x BIGINT)", "error:reserved for system tables"),
        q("SELECT table_name, rows FROM tsdb_tables ORDER BY table_name", "table_name,rows\nplays,2\nrecent,0\n"),
    ]
}
