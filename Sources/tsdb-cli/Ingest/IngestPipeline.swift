import Foundation
import Ingest
#if canImport(Glibc)
import Glibc
#endif

/// One input of an ingest: a named file descriptor, with its size when known (for progress).
struct IngestInput: Sendable {
    var name: String
    var source: ChunkReader.Source
    var size: Int?

    /// Opens `path` (`-` is standard input); gzip (a `.gz` name or gzip's magic bytes) is decompressed
    /// as it is read.
    static func open(_ path: String) throws -> IngestInput {
        if path == "-" {
            return IngestInput(name: "stdin", source: .stream(try InputStream(fd: STDIN_FILENO, name: "stdin", gzipName: false)), size: nil)
        }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("cannot open \(path): \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            Glibc.close(fd)
            throw CLIError("\(path) is a directory, not a line-protocol file")
        }
        let stream = try InputStream(fd: fd, name: path, gzipName: path.lowercased().hasSuffix(".gz"))
        // A compressed file's size says nothing of the text's: its progress has no total.
        let size = (st.st_mode & S_IFMT) == S_IFREG && !stream.isGzip ? Int(st.st_size) : nil
        return IngestInput(name: path, source: .stream(stream), size: size)
    }
}

/// What an ingest did, over all inputs.
struct IngestSummary {
    var rowsWritten = 0
    var linesRejected = 0
    var bytes = 0
    var seconds = 0.0
    /// The first rejected lines, each with its input's name.
    var errors: [(input: String, error: IngestError)] = []
}

/// Reads an input in chunks on one thread, prepares (parses, for the embedded store) them on `workers`
/// threads, and writes them on the calling thread in input order: on two cores, reading, parsing and
/// writing overlap, and parsing — the costliest step before the store — uses every core the store leaves.
///
/// Each chunk is a run of whole lines that knows the number of its first line, so a chunk parsed on
/// its own reports the input's line numbers; the write order (and so the WAL order) is the input's.
struct IngestPipeline {
    var chunkBytes = 8 << 20
    var maxErrors = 100
    /// Threads that prepare chunks (at least 1).
    var workers = IngestPipeline.defaultWorkers

    /// One per core, at most 4: each chunk in flight holds its bytes and its batches.
    static var defaultWorkers: Int { min(4, max(1, ProcessInfo.processInfo.activeProcessorCount)) }

    private enum Item: Sendable {
        case chunk(input: Int, PreparedChunk)
        case failed(input: Int, message: String)
    }

    /// Ingests `inputs` in order through `sinks` (one per input); `progress` is told after each chunk.
    func run(_ inputs: [IngestInput], sinks: [IngestSink], progress: (IngestSummary) -> Void) throws -> IngestSummary {
        precondition(inputs.count == sinks.count, "BUG: \(inputs.count) inputs, \(sinks.count) sinks")
        let workers = max(1, self.workers)
        // Chunks read and not yet taken by a worker, and prepared chunks waiting for their turn to be written.
        let raw = BoundedQueue<(number: Int, input: Int, chunk: LPChunk)>(capacity: workers)
        let ready = ReorderBuffer<Item>(window: workers + 1)
        let chunkBytes = self.chunkBytes
        let reader = Thread {
            var number = 0
            defer {
                raw.finish()
                ready.finish(count: number)
            }
            for (i, input) in inputs.enumerated() {
                var chunks = ChunkReader(input.source, chunkBytes: chunkBytes)
                do {
                    while let c = try chunks.next() {
                        guard raw.push((number, i, c)) else { return }
                        number += 1
                    }
                } catch {
                    if ready.put(number, .failed(input: i, message: "\(error)")) { number += 1 }
                    return
                }
            }
        }
        reader.name = "tsdb-ingest-reader"
        reader.stackSize = 8 << 20
        reader.start()
        for w in 0..<workers {
            let worker = Thread {
                while let (number, i, chunk) = raw.pop() {
                    guard ready.put(number, .chunk(input: i, sinks[i].prepare(chunk))) else { return }
                }
            }
            worker.name = "tsdb-ingest-parse-\(w)"
            worker.stackSize = 8 << 20
            worker.start()
        }

        var summary = IngestSummary()
        let clock = Stopwatch()
        func stop() {
            ready.cancel()
            raw.cancel()
        }
        while let item = ready.take() {
            switch item {
            case let .failed(i, message):
                stop()
                throw CLIError("\(inputs[i].name): \(message)")
            case let .chunk(i, prepared):
                let report: IngestReport
                do {
                    report = try sinks[i].write(prepared)
                } catch {
                    stop()
                    throw error
                }
                summary.bytes += prepared.bytes
                summary.rowsWritten += report.linesAccepted
                summary.linesRejected += report.linesRejected
                for e in report.errors where summary.errors.count < maxErrors {
                    summary.errors.append((inputs[i].name, e))
                }
                summary.seconds = clock.elapsed
                progress(summary)
            }
        }
        summary.seconds = clock.elapsed
        return summary
    }
}
