import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for testing `--server` mode: records each request and answers
/// with `respond`. One connection at a time, `Connection: close`; stops when the test drops it.
final class FakeHTTPServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: [UInt8]

        /// The decoded query parameters of the target.
        var query: [String: String] {
            var out: [String: String] = [:]
            for item in URLComponents(string: "http://x" + target)?.queryItems ?? [] { out[item.name] = item.value ?? "" }
            return out
        }
        var path: String { String(target.split(separator: "?").first ?? "") }
    }

    struct Response: Sendable {
        var status: Int
        var contentType = "application/json"
        var body = ""
        /// When not empty, the body instead: sent as HTTP/1.1 chunks, `beforeChunk(i)` running before
        /// each chunk after the first (a test holds the rest back there).
        var chunks: [String] = []
        var beforeChunk: (@Sendable (Int) -> Void)? = nil
        /// Close after the chunks without the last (empty) one, as a server does whose query failed
        /// after its first byte.
        var cutShort = false
    }

    let port: UInt16
    private let fd: Int32
    private let lock = NSLock()
    private var _requests: [Request] = []
    private let respond: @Sendable (Request) -> Response

    var requests: [Request] { lock.withLock { _requests } }
    var url: String { "http://127.0.0.1:\(port)" }

    init(respond: @escaping @Sendable (Request) -> Response) throws {
        self.respond = respond
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp in
                bind(fd, sp, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, sp, &len) == 0
            }
        }
        guard ok else { close(fd); throw POSIXError(.EADDRINUSE) }
        self.fd = fd
        port = UInt16(bigEndian: addr.sin_port)
        let t = Thread { [self] in self.serve() }
        t.start()
    }

    deinit { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }

    func stop() { shutdown(fd, Int32(SHUT_RDWR)) }

    private func serve() {
        while true {
            let c = accept(fd, nil, nil)
            if c < 0 { return }
            handle(c)
            close(c)
        }
    }

    private func handle(_ c: Int32) {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65_536)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(c, &buf, buf.count)
            if n <= 0 { return }
            data += buf[0..<n]
            if headerEnd == nil, let r = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = r + 4
                let head = String(decoding: data[0..<r], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let kv = line.split(separator: ":", maxSplits: 1)
                    if kv.count == 2, kv[0].lowercased() == "content-length" {
                        contentLength = Int(kv[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let h = headerEnd, data.count >= h + contentLength { break }
        }
        let h = headerEnd!
        let lines = String(decoding: data[0..<(h - 4)], as: UTF8.self).split(separator: "\r\n")
        let first = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { headers[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces) }
        }
        let req = Request(method: String(first[0]), target: String(first[1]), headers: headers,
                          body: Array(data[h..<(h + contentLength)]))
        lock.withLock { _requests.append(req) }
        let r = respond(req)
        if !r.chunks.isEmpty {
            func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { write(c, $0.baseAddress!, $0.count) } }
            send(Array("HTTP/1.1 \(r.status) OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\nContent-Type: \(r.contentType)\r\n\r\n".utf8))
            for (i, chunk) in r.chunks.enumerated() {
                if i > 0 { r.beforeChunk?(i) }
                let bytes = Array(chunk.utf8)
                send(Array((String(bytes.count, radix: 16) + "\r\n").utf8) + bytes + [13, 10])
            }
            if !r.cutShort { send(Array("0\r\n\r\n".utf8)) }
            return
        }
        let body = Array(r.body.utf8)
        let reason = r.status == 200 ? "OK" : r.status == 204 ? "No Content" : "Error"
        var head = "HTTP/1.1 \(r.status) \(reason)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        if r.status != 204 { head += "Content-Type: \(r.contentType)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + (r.status == 204 ? [] : body)
        _ = bytes.withUnsafeBytes { write(c, $0.baseAddress!, $0.count) }
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }
}
