import Foundation

/// Follows the framing of HTTP/1.1 requests on the raw bytes of a connection, ahead of NIO's decoder, so
/// `HTTPConnectionGuard` knows where a request starts, where its head ends and how its body is arriving,
/// and can refuse what the decoder would wait on forever: endless blank lines before a request, or a chunk
/// size no body could have (`ffffffffffffffff`).
///
/// It validates nothing else: bytes it cannot follow (a malformed chunk line, say) put it in `.opaque`,
/// where it only counts, and NIO's decoder rejects them. It is fed any split of the stream (one byte at a
/// time included) and reports the same events.
struct HTTPRequestFraming {
    /// What the scan found, in stream order.
    enum Event: Equatable {
        /// The first byte of a request line.
        case requestStarted
        /// The blank line ending a head; `hasBody` when a body (Content-Length > 0 or chunked) follows.
        case headComplete(hasBody: Bool)
        /// The last byte of a request (head, body and trailers).
        case requestComplete
    }

    /// Why a connection must be refused now.
    enum Failure: Error, Equatable {
        /// More than `maxBlankLines` empty lines before a request line.
        case tooManyBlankLines
        /// A chunk size (or the sum of chunk sizes) over `maxBodyBytes`, or with more than 16 hex digits.
        case chunkTooLarge
    }

    private enum LineKind { case request, header, trailer }

    private enum State {
        /// Between requests: `blank` empty lines seen.
        case between(blank: Int)
        /// In a line of the head or trailers.
        case line(LineKind)
        /// Reading a chunk-size line: value so far, hex digits seen.
        case chunkSize(value: UInt64, digits: Int)
        /// Past the size (extensions, CR): skipping to the line feed.
        case chunkSizeRest(value: UInt64)
        case chunkData(remaining: UInt64)
        /// The CRLF after a chunk's data.
        case chunkDataEnd
        case fixedBody(remaining: UInt64)
        /// Lost track of the framing; only counting.
        case opaque
    }

    /// Leading empty lines allowed before a request line (RFC 9112 §2.2 asks to ignore at least one).
    let maxBlankLines: Int
    /// Largest chunk, and largest sum of chunks, accepted.
    let maxBodyBytes: UInt64

    private var state = State.between(blank: 0)
    /// The start of the current line (at most `keep` bytes; enough for the headers that frame a body).
    private var line: [UInt8] = []
    private var lineLength = 0
    private var chunked = false
    private var contentLength: UInt64 = 0
    private var chunkTotal: UInt64 = 0
    /// Body bytes (chunk data or Content-Length bytes) of the current request so far.
    private(set) var bodyBytes = 0
    private static let keep = 256

    init(maxBodyBytes: Int, maxBlankLines: Int = 8) {
        self.maxBodyBytes = UInt64(max(0, maxBodyBytes))
        self.maxBlankLines = maxBlankLines
        line.reserveCapacity(Self.keep)
    }

    /// True while a request line or header is arriving.
    var inHead: Bool {
        if case .line(let k) = state { return k != .trailer }
        return false
    }

    /// True between requests (no byte of the next one seen).
    var betweenRequests: Bool {
        if case .between = state { return true }
        return false
    }

    /// Scans `bytes`, reporting events to `onEvent`. On a failure, returns it with the number of bytes
    /// before the offending one (those may be passed on); the scanner is then stuck and must not be fed.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, _ onEvent: (Event) -> Void) -> (Failure, consumed: Int)? {
        var i = 0
        let n = bytes.count
        while i < n {
            switch state {
            case .opaque:
                return nil
            case .fixedBody(let remaining):
                let take = min(UInt64(n - i), remaining)
                i += Int(take)
                bodyBytes += Int(take)
                if take == remaining {
                    finishRequest(onEvent)
                } else {
                    state = .fixedBody(remaining: remaining - take)
                }
                continue
            case .chunkData(let remaining):
                let take = min(UInt64(n - i), remaining)
                i += Int(take)
                bodyBytes += Int(take)
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
                continue
            default:
                break
            }
            let b = bytes[i]
            switch state {
            case .between(let blank):
                if b == 0x0A {
                    if blank + 1 > maxBlankLines { return (.tooManyBlankLines, i) }
                    state = .between(blank: blank + 1)
                } else if b != 0x0D {
                    onEvent(.requestStarted)
                    startLine(.request)
                    append(b)
                }
            case .line(let kind):
                if b == 0x0A {
                    endLine(kind, onEvent)
                } else {
                    append(b)
                }
            case .chunkSize(let value, let digits):
                if let d = Self.hexValue(b) {
                    if digits >= 16 { return (.chunkTooLarge, i) }
                    let v = value << 4 | UInt64(d)
                    if v > maxBodyBytes || chunkTotal + v > maxBodyBytes { return (.chunkTooLarge, i) }
                    state = .chunkSize(value: v, digits: digits + 1)
                } else if digits == 0 {
                    state = .opaque
                } else if b == 0x0A {
                    endChunkSize(value, onEvent)
                } else {
                    state = .chunkSizeRest(value: value)
                }
            case .chunkSizeRest(let value):
                if b == 0x0A { endChunkSize(value, onEvent) }
            case .chunkDataEnd:
                if b == 0x0A {
                    state = .chunkSize(value: 0, digits: 0)
                } else if b != 0x0D {
                    state = .opaque
                }
            case .opaque, .fixedBody, .chunkData:
                preconditionFailure("BUG: handled above")
            }
            i += 1
        }
        return nil
    }

    private mutating func startLine(_ kind: LineKind) {
        state = .line(kind)
        line.removeAll(keepingCapacity: true)
        lineLength = 0
    }

    private mutating func append(_ b: UInt8) {
        if lineLength < Self.keep { line.append(b) }
        lineLength += 1
    }

    private mutating func endLine(_ kind: LineKind, _ onEvent: (Event) -> Void) {
        if line.last == 0x0D && lineLength <= Self.keep { line.removeLast() }
        let empty = lineLength == 0 || (lineLength == 1 && line.isEmpty)
        switch kind {
        case .request:
            chunked = false
            contentLength = 0
            chunkTotal = 0
            bodyBytes = 0
            startLine(.header)
        case .header:
            guard empty else {
                readFramingHeader()
                startLine(.header)
                return
            }
            if chunked {
                onEvent(.headComplete(hasBody: true))
                state = .chunkSize(value: 0, digits: 0)
            } else if contentLength > 0 {
                onEvent(.headComplete(hasBody: true))
                state = .fixedBody(remaining: contentLength)
            } else {
                onEvent(.headComplete(hasBody: false))
                finishRequest(onEvent)
            }
        case .trailer:
            if empty { finishRequest(onEvent) } else { startLine(.trailer) }
        }
    }

    private mutating func endChunkSize(_ value: UInt64, _ onEvent: (Event) -> Void) {
        if value == 0 {
            startLine(.trailer)
        } else {
            chunkTotal += value
            state = .chunkData(remaining: value)
        }
    }

    private mutating func finishRequest(_ onEvent: (Event) -> Void) {
        state = .between(blank: 0)
        onEvent(.requestComplete)
    }

    /// Notes `Transfer-Encoding: …chunked` and `Content-Length` from the header line in `line`.
    private mutating func readFramingHeader() {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        switch name {
        case "transfer-encoding":
            let last = value.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            chunked = last == "chunked"
        case "content-length":
            contentLength = UInt64(value) ?? 0
        default:
            break
        }
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x41 + 10
        case 0x61...0x66: return b - 0x61 + 10
        default: return nil
        }
    }
}
