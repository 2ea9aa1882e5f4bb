import NIOHTTP1
import NIOHTTPCompression

/// Which answers `HTTPResponseCompressor` compresses (gzip or deflate, when the request's
/// `Accept-Encoding` allows): text bodies (JSON, CSV, JSON Lines, the table format, metrics, the
/// console's pages) of at least `minimumBytes`, or of unknown length (streamed query results, which
/// stay streamed: each flushed chunk is compressed and sent as it comes).
enum ResponseCompression {
    /// Bodies smaller than this go out as they are.
    static let minimumBytes = 1024

    /// A header `HTTPHandler` sets on answers that must not be compressed (HEAD answers, small
    /// bodies); the predicate removes it before the head is written.
    static let identityMarker = "x-tsdb-identity"

    static func markUncompressed(_ headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: identityMarker, value: "1")
    }

    /// The compressor's `responseCompressionPredicate`.
    static func decide(_ head: inout HTTPResponseHead, _ supported: Bool) -> HTTPResponseCompressor.CompressionIntent {
        let type = head.headers.first(name: "Content-Type")?.lowercased() ?? ""
        let compressible = !head.headers.contains(name: "Content-Encoding")
            && (type.hasPrefix("text/") || type.contains("json") || type.contains("csv")
                || type.contains("javascript") || type.contains("xml") || type.contains("svg"))
        // Caches must key such answers on Accept-Encoding (HEAD and small answers included, so their
        // headers match the GET that may be compressed).
        if compressible { head.headers.replaceOrAdd(name: "Vary", value: "Accept-Encoding") }
        if head.headers.contains(name: identityMarker) {
            head.headers.remove(name: identityMarker)
            return .doNotCompress
        }
        return compressible ? .compressIfPossible : .doNotCompress
    }
}
