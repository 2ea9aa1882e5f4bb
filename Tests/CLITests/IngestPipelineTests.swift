import Foundation
import Ingest
import Synchronization
import TestSupport
import Testing
@testable import tsdb_cli

/// Parses as the embedded sink does and records every row that reaches `write`, in the order it arrives.
private final class RecordingSink: IngestSink, @unchecked Sendable {
    /// Touched only by `write`, which the pipeline calls on one thread.
    var rows: [String] = []
    var chunks = 0

    func prepare(_ chunk: LPChunk) -> PreparedChunk {
        PreparedChunk(bytes: chunk.bytes.count, parsed: EmbeddedIngestSink.parse(chunk, precision: .ns, maxErrors: 1_000), raw: nil)
    }

    func write(_ chunk: PreparedChunk) throws -> IngestReport {
        let p = try #require(chunk.parsed)
        for (b, batch) in p.batches.enumerated() {
            for i in 0..<batch.rowCount { rows.append("\(batch.table) line \(p.rowLines[b][i]) @\(batch.time[i])") }
        }
        chunks += 1
        return p.report
    }
}

@Suite struct IngestPipelineTests {
    /// One table's lines with bad lines, blanks and comments among them; the numbers of the good lines and
    /// of the bad ones.
    static func input(seed: UInt64, lines: Int) -> (bytes: [UInt8], good: [Int], bad: [Int]) {
        var r = SeededRandom(seed: seed)
        var text = "", good: [Int] = [], bad: [Int] = []
        for n in 1...lines {
            switch r.below(12) {
            case 0: text += "m,k=v f=\(n)xi \(n)\n"; bad.append(n)
            case 1: text += "m,k=v\n"; bad.append(n)
            case 2: text += r.chance(0.5) ? "\n" : "# \(n)\n"
            default:
                text += "m,k=v\(r.below(9)) f=\(n)i,s=\"\(String(repeating: "x", count: r.below(60)))\" \(n)\n"
                good.append(n)
            }
        }
        return (Array(text.utf8), good, bad)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyWorkerCountWritesTheSameRowsInInputOrder(seed: UInt64) throws {
        let (bytes, good, bad) = Self.input(seed: seed, lines: 3_000)
        var outcomes: [(rows: [String], errors: [String], written: Int, rejected: Int)] = []
        for workers in [1, 2, 4] {
            let sink = RecordingSink()
            var pipeline = IngestPipeline()
            pipeline.chunkBytes = 512 + Int(seed) * 700
            pipeline.workers = workers
            pipeline.maxErrors = 50
            let summary = try pipeline.run([IngestInput(name: "mem", source: .memory(bytes), size: nil)], sinks: [sink],
                                           progress: { _ in })
            #expect(sink.chunks > 10, "small chunks, so workers overlap")
            outcomes.append((sink.rows, summary.errors.map { "\($0.input) \($0.error.line): \($0.error.message)" },
                             summary.rowsWritten, summary.linesRejected))
        }
        // The rows in line order (one table), every good line once, and the first rejected lines by number.
        #expect(outcomes[0].rows == good.map { "m line \($0) @\($0)" })
        #expect(outcomes[0].written == good.count && outcomes[0].rejected == bad.count)
        #expect(outcomes[0].errors.count == 50)
        #expect(outcomes[0].errors.map { Int($0.split(separator: " ")[1].dropLast())! } == Array(bad.prefix(50)))
        for o in outcomes.dropFirst() {
            #expect(o.rows == outcomes[0].rows)
            #expect(o.errors == outcomes[0].errors)
            #expect(o.written == outcomes[0].written && o.rejected == outcomes[0].rejected)
        }
    }

    @Test func reorderBufferHandsItemsOutInNumberOrder() {
        let buffer = ReorderBuffer<Int>(window: 3)
        let claimed = Mutex(0)
        let total = 2_000
        for t in 0..<4 {
            Thread {
                var rng = SeededRandom(seed: UInt64(t))
                while true {
                    // Numbers are claimed in order, as the pipeline's workers pop them from one queue.
                    let n = claimed.withLock { c -> Int in c += 1; return c - 1 }
                    guard n < total else { return }
                    if rng.chance(0.1) { usleep(UInt32(rng.below(200))) }
                    guard buffer.put(n, n * 10) else { return }
                }
            }.start()
        }
        buffer.finish(count: total)
        var got: [Int] = []
        while let v = buffer.take() { got.append(v) }
        #expect(got == (0..<total).map { $0 * 10 })
    }

    @Test func cancellingStopsProducersWaitingForTheWindow() {
        let buffer = ReorderBuffer<Int>(window: 1)
        #expect(buffer.put(0, 0))
        let refused = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            refused.withLock { $0 = !buffer.put(1, 1) }  // waits: item 0 is not taken yet
            done.signal()
        }.start()
        buffer.cancel()
        done.wait()
        #expect(refused.withLock { $0 } == true)
        #expect(buffer.take() == nil)
    }
}
