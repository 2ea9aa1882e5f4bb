import ArgumentParser
import Foundation
import Ingest
import LineProtocol

/// `tsdb-cli bench ingest`: parse-only and parse+write throughput into a fresh temporary store.
struct BenchIngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Line-protocol parse and parse+write throughput (rows/s, MB/s) into a fresh temporary store."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var data: BenchDataOptions

    @Option(name: .customLong("chunk-mb"), help: "Input chunk size in MB.")
    var chunkMB = 8

    func validate() throws {
        guard (1...1024).contains(chunkMB) else { throw ValidationError("--chunk-mb must be between 1 and 1024") }
    }

    func run() throws {
        let (lp, what) = try data.lineProtocol()
        let mb = Double(lp.count) / 1e6
        var parseTimes: [Double] = []
        var rows = 0
        for _ in 0..<data.runs {
            let (n, t) = try Stopwatch.time { try parseOnly(lp) }
            rows = n
            parseTimes.append(t)
        }
        var writeTimes: [Double] = [], flushTimes: [Double] = []
        for _ in 0..<data.runs {
            if global.effectiveServer != nil {
                let backend = try global.openBackend(create: true, forWriting: true)
                var pipeline = IngestPipeline()
                pipeline.chunkBytes = min(chunkMB, 4) << 20
                let s = try pipeline.run([IngestInput(name: "input", source: .memory(lp), size: lp.count)],
                                         sinks: [backend.makeIngestSink(precision: .ns, maxErrors: 10)], progress: { _ in })
                writeTimes.append(s.seconds)
                flushTimes.append(0)
            } else {
                let dir = try FileManagerLite.makeTemporaryDirectory("tsdb-bench-ingest")
                defer { FileManagerLite.remove(dir) }
                let r = try BenchTarget.load(lp, into: dir, chunkBytes: chunkMB << 20)
                writeTimes.append(r.ingest)
                flushTimes.append(r.flush)
            }
        }
        let parse = TimingSummary(parseTimes), write = TimingSummary(writeTimes), flush = TimingSummary(flushTimes)
        let total = TimingSummary(zip(writeTimes, flushTimes).map { $0 + $1 })
        if data.json {
            func entry(_ t: TimingSummary) -> [String: Any] {
                ["best_s": t.best, "median_s": t.median, "rows_per_s": Double(rows) / t.best, "mb_per_s": mb / t.best]
            }
            BenchOutput.json(["benchmark": "ingest", "data": what, "rows": rows, "bytes": lp.count, "runs": data.runs,
                              "parse": entry(parse), "parse_write": entry(write), "flush": entry(flush),
                              "total": entry(total), "target": global.effectiveServer ?? "embedded"])
            return
        }
        Terminal.out("bench ingest: \(what), \(Units.count(rows)) rows, \(Units.bytes(lp.count)) of line protocol, best of \(data.runs)\n")
        var t = TextTable(["stage", "best", "median", "rows/s", "MB/s"], rightAligned: [false, true, true, true, true])
        func add(_ name: String, _ s: TimingSummary, rate: Bool = true) {
            t.add([name, Units.seconds(s.best), Units.seconds(s.median),
                   rate ? Units.short(Double(rows) / s.best) : "", rate ? Units.fixed(mb / s.best, 1) : ""])
        }
        add("parse (1 thread)", parse)
        add(global.effectiveServer == nil ? "parse+write (WAL, memtable)" : "parse+write (HTTP)", write)
        if global.effectiveServer == nil {
            add("flush to segments", flush, rate: false)
            add("total", total)
        }
        Terminal.out(t.render(indent: "  "))
    }

    /// Parses all of `lp` in chunks as ingest does, building the batches; returns the rows.
    func parseOnly(_ lp: [UInt8]) throws -> Int {
        var reader = ChunkReader(.memory(lp), chunkBytes: chunkMB << 20)
        var ingester = LineProtocolIngester(precision: .ns, defaultTime: 0)
        var rows = 0
        while let c = try reader.next() {
            c.bytes.withUnsafeBytes { _ = ingester.feed($0, isFinal: c.isLast) }
            rows += ingester.takeBatches().report.linesAccepted
        }
        return rows
    }
}
