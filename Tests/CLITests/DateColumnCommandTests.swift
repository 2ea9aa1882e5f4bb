import Foundation
import Testing
import TestSupport

/// DATE columns through the CLI's formats: a Parquet DATE column and a CSV `--types col:date` column
/// ingest as DATE columns; `query` prints them, and writes them to Parquet (INT32 DATE) and Excel (date cells).
@Suite struct DateColumnCommandTests {
    static func python(_ script: String) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func parquetAndCSVDatesBecomeDateColumns() throws {
        let d = TempDirectory("tsdb-cli-dates")
        defer { d.remove() }
        let data = d.path + "/data"
        var (status, out) = try Self.python("""
            import duckdb
            duckdb.sql("COPY (SELECT TIMESTAMP '2026-03-01 10:00' + INTERVAL (i) HOUR AS time, CASE WHEN i = 1 THEN NULL ELSE DATE '2026-03-01' + i::INTEGER END AS due, i AS n FROM range(3) t(i)) TO '\(d.path)/bills.parquet'")
            """)
        #expect(status == 0, "\(out)")
        var r = try CLI.run(["ingest", "--data", data, d.path + "/bills.parquet"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        r = try CLI.run(["query", "--data", data, "--format", "csv", "SELECT due, n, due + 1 AS next FROM bills ORDER BY time"])
        #expect(r.stdout == "due,n,next\n2026-03-01,0,2026-03-02\n,1,\n2026-03-03,2,2026-03-04\n", "\(r.stdout)\(r.stderr)")
        r = try CLI.run(["query", "--data", data, "--format", "csv", "SELECT column_name, column_type FROM (DESCRIBE bills) WHERE column_name = 'due'"])
        if r.status != 0 { r = try CLI.run(["query", "--data", data, "--format", "csv", "DESCRIBE bills"]) }
        #expect(r.stdout.contains("due,DATE"), "\(r.stdout)\(r.stderr)")

        try "time,due,n\n2026-03-05T00:00:00Z,2026-03-31,5\n2026-03-06T00:00:00Z,2026-02-30,6\n2026-03-07T00:00:00Z,,7\n"
            .write(toFile: d.path + "/more.csv", atomically: true, encoding: .utf8)
        r = try CLI.run(["ingest", "--data", data, "--table", "bills", "--types", "due:date", d.path + "/more.csv"])
        #expect(r.status == 2 && r.stderr.contains("'2026-02-30' is not a date"), "\(r.stdout)\(r.stderr)")
        r = try CLI.run(["query", "--data", data, "--format", "csv", "SELECT n, due FROM bills WHERE n >= 5 ORDER BY n"])
        #expect(r.stdout == "n,due\n5,2026-03-31\n7,\n", "\(r.stdout)\(r.stderr)")

        // Out again: Parquet INT32 DATE and Excel date cells.
        r = try CLI.run(["query", "--data", data, "--format", "parquet", "--output", d.path + "/out.parquet", "SELECT due FROM bills ORDER BY time"])
        #expect(r.status == 0, "\(r.stderr)")
        r = try CLI.run(["query", "--data", data, "--format", "xlsx", "--output", d.path + "/out.xlsx", "SELECT due FROM bills ORDER BY time"])
        #expect(r.status == 0, "\(r.stderr)")
        (status, out) = try Self.python("""
            import duckdb, openpyxl
            print(duckdb.sql("SELECT typeof(due), count(due), min(due) FROM '\(d.path)/out.parquet' GROUP BY 1").fetchall())
            ws = openpyxl.load_workbook('\(d.path)/out.xlsx').worksheets[0]
            print(ws['A'][1].value.date().isoformat(), ws['A'][1].number_format, ws['A'][2].value)
            """)
        #expect(status == 0, "\(out)")
        #expect(out.contains("[('DATE', 3, datetime.date(2026, 3, 1))]"), "\(out)")
        #expect(out.contains("2026-03-01 yyyy-mm-dd None"), "\(out)")
    }
}
