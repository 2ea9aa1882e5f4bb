import CCurl
import Foundation
import QueryEngine

/// One blocking HTTP request whose response body is handed over as it arrives, through libcurl's easy
/// interface: `curl_easy_perform` runs on the caller's thread and calls back with each piece of the body,
/// so a slow consumer (a terminal, a disk) slows the transfer instead of piling the answer up in memory.
/// HTTP/1.1 chunking, `Content-Encoding: gzip` and TLS are libcurl's, which is opened on the first request
/// (`CCurl`), so a local command never loads it.
///
/// A 200 answer goes to `body` piece by piece; any other status is collected (up to `errorBodyLimit`)
/// and returned, for the caller to explain.
final class HTTPStream {
    /// A finished request: status, content type, and the body when the status was not 200.
    struct Outcome {
        var status: Int
        var contentType: String?
        var errorBody: Data
    }

    /// A 200 answer whose connection ended before the response did (the server cut it short after an
    /// error, or the connection broke); `reason` is libcurl's.
    struct CutShort: Error, CustomStringConvertible {
        var reason: String
        var description: String { "the answer was cut short: \(reason)" }
    }

    /// Bytes of a refusal kept for its message.
    static let errorBodyLimit = 1 << 20

    private let body: (UnsafeRawBufferPointer) throws -> Void
    private let control: QueryControl?
    private let errorLimit: Int
    private var handle: UnsafeMutableRawPointer?
    private var status = 0
    private var errorBody = Data()
    private var failure: Error?

    private init(control: QueryControl?, errorLimit: Int, body: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.control = control
        self.errorLimit = errorLimit
        self.body = body
    }

    /// Sends `method` to `url` with `headers` (and `content`, the body of a POST) and streams a 200 answer
    /// into `body`. `control`, when cancelled, aborts the transfer (the server sees the connection close);
    /// `timeout`, when given, bounds the whole request in seconds. A non-200 body is kept up to
    /// `errorLimit` bytes. A transport failure or a throw from `body` throws.
    static func send(_ url: URL, method: String = "GET", headers: [(String, String)] = [], content: [UInt8]? = nil,
                     timeout: Int? = nil, errorLimit: Int = errorBodyLimit, control: QueryControl? = nil,
                     body: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> Outcome {
        if let why = tsdb_curl_load() {
            throw CLIError("cannot load libcurl, which --server needs (\(String(cString: why))); install libcurl 4 "
                           + "(Debian/Ubuntu: apt-get install libcurl4) or name its file in TSDB_LIBCURL")
        }
        guard let h = tsdb_curl_easy_init() else { throw CLIError("cannot start an HTTP request (libcurl)") }
        defer { tsdb_curl_easy_cleanup(h) }
        let stream = HTTPStream(control: control, errorLimit: errorLimit, body: body)
        stream.handle = h
        let context = Unmanaged.passUnretained(stream).toOpaque()
        var list: UnsafeMutablePointer<curl_slist>?
        defer { tsdb_curl_slist_free_all(list) }
        for (name, value) in headers { list = tsdb_curl_slist_append(list, "\(name): \(value)") }
        // Without it curl sends `Expect: 100-continue` before a larger POST body and waits for an answer.
        list = tsdb_curl_slist_append(list, "Expect:")
        var rc = tsdb_curl_set_string(h, CURLOPT_URL, url.absoluteString)
        func set(_ r: CURLcode) { if rc == CURLE_OK { rc = r } }
        set(tsdb_curl_set_headers(h, list))
        // libcurl reads the body during `perform`, from this copy (never NULL: libcurl takes that as no body).
        let payload = content.map { bytes in
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 1)
            copy.copyBytes(from: bytes)
            return (copy, bytes.count)
        }
        defer { payload?.0.deallocate() }
        if let payload {
            set(tsdb_curl_set_post_body(h, payload.0.baseAddress, curl_off_t(payload.1)))
            if method != "POST" { set(tsdb_curl_set_string(h, CURLOPT_CUSTOMREQUEST, method)) }
        } else if method != "GET" {
            set(tsdb_curl_set_string(h, CURLOPT_CUSTOMREQUEST, method))
        }
        if let timeout { set(tsdb_curl_set_long(h, CURLOPT_TIMEOUT, timeout)) }
        // "" asks for every encoding libcurl can decode (gzip, deflate) and decodes it.
        set(tsdb_curl_set_string(h, CURLOPT_ACCEPT_ENCODING, ""))
        set(tsdb_curl_set_long(h, CURLOPT_CONNECTTIMEOUT, 30))
        set(tsdb_curl_set_long(h, CURLOPT_NOSIGNAL, 1))
        set(tsdb_curl_set_pointer(h, CURLOPT_WRITEDATA, context))
        set(tsdb_curl_set_data_fn(h, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let me = Unmanaged<HTTPStream>.fromOpaque(context!).takeUnretainedValue()
            return me.received(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        })
        set(tsdb_curl_set_pointer(h, CURLOPT_XFERINFODATA, context))
        set(tsdb_curl_set_progress_fn(h) { context, _, _, _, _ in
            let me = Unmanaged<HTTPStream>.fromOpaque(context!).takeUnretainedValue()
            return me.control?.isCancelled == true ? 1 : 0
        })
        set(tsdb_curl_set_long(h, CURLOPT_NOPROGRESS, 0))
        guard rc == CURLE_OK else { throw CLIError("cannot set up the HTTP request: \(String(cString: tsdb_curl_easy_strerror(rc)))") }
        rc = withExtendedLifetime(stream) { tsdb_curl_easy_perform(h) }
        if let failure = stream.failure { throw failure }
        if rc == CURLE_ABORTED_BY_CALLBACK { throw CLIError("cancelled") }
        if rc != CURLE_OK && stream.status == 200 { throw CutShort(reason: String(cString: tsdb_curl_easy_strerror(rc))) }
        guard rc == CURLE_OK else {
            let host = "\(url.scheme ?? "http")://\(url.host ?? "?")\(url.port.map { ":\($0)" } ?? "")"
            throw CLIError("cannot reach \(host): \(String(cString: tsdb_curl_easy_strerror(rc)))")
        }
        let type = tsdb_curl_content_type(h).map { String(cString: $0) }
        return Outcome(status: Int(tsdb_curl_response_code(h)), contentType: type, errorBody: stream.errorBody)
    }

    /// One piece of the body; false stops the transfer.
    private func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if status == 0 { status = Int(tsdb_curl_response_code(handle)) }
        if status != 200 {
            if errorBody.count < errorLimit { errorBody.append(contentsOf: bytes.prefix(errorLimit - errorBody.count)) }
            return true
        }
        do {
            try body(bytes)
            return true
        } catch {
            failure = error
            return false
        }
    }
}
