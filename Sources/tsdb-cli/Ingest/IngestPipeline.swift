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

/// Reads and prepares (parses, for the embedded store) chunk k+1 on a second thread while chunk k is
/// written on the calling thread: on two cores, parsing and writing overlap.
struct IngestPipeline {
    var chunkBytes = 8 << 20
    var maxErrors = 100

    private enum Item: Sendable {
        case chunk(input: Int, PreparedChunk)
        case failed(input: Int, message: String)
    }

    /// Ingests `inputs` in order through `sinks` (one per input); `progress` is told after each chunk.
    func run(_ inputs: [IngestInput], sinks: [IngestSink], progress: (IngestSummary) -> Void) throws -> IngestSummary {
        precondition(inputs.count == sinks.count, "BUG: \(inputs.count) inputs, \(sinks.count) sinks")
        let queue = BoundedQueue<Item>(capacity: 2)
        let chunkBytes = self.chunkBytes
        let reader = Thread {
            for (i, input) in inputs.enumerated() {
                var chunks = ChunkReader(input.source, chunkBytes: chunkBytes)
                do {
                    while let c = try chunks.next() {
                        guard queue.push(.chunk(input: i, sinks[i].prepare(c))) else { return }
                    }
                } catch {
                    queue.push(.failed(input: i, message: "\(error)"))
                    break
                }
            }
            queue.finish()
        }
        reader.name = "tsdb-ingest-reader"
        reader.stackSize = 8 << 20
        reader.start()

        var summary = IngestSummary()
        let clock = Stopwatch()
        while let item = queue.pop() {
            switch item {
            case let .failed(i, message):
                queue.cancel()
                throw CLIError("\(inputs[i].name): \(message)")
            case let .chunk(i, prepared):
                let report: IngestReport
                do {
                    report = try sinks[i].write(prepared)
                } catch {
                    queue.cancel()
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
