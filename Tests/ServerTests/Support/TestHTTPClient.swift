import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP/1.1 client over one keep-alive socket to 127.0.0.1, for tests that need to see
/// exact status codes, headers, chunked bodies and whether the server closed the connection.
final class TestHTTPClient {
    let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []

    init(port: Int, timeout: Double = 30) throws {
        self.port = port
        fd = try Self.connect(port: port, timeout: timeout)
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// Opens a TCP connection to 127.0.0.1:`port` with send/receive timeouts.
    static func connect(port: Int, timeout: Double = 30) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket() failed") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw TestError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
        return fd
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestError("send failed: errno \(errno)") }
            off += n
        }
    }

    /// Sends raw bytes (for hand-made requests).
    func sendRaw(_ bytes: [UInt8]) throws { try Self.sendAll(fd, bytes) }

    /// Sends a request and reads its response.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> TestResponse {
        try send(method, path, headers: headers, body: body)
        return try readResponse(method: method)
    }

    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: String) throws -> TestResponse {
        try request(method, path, headers: headers, body: Array(body.utf8))
    }

    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        var hasLength = false
        for (k, v) in headers {
            head += "\(k): \(v)\r\n"
            if k.lowercased() == "content-length" || k.lowercased() == "transfer-encoding" { hasLength = true }
        }
        if !hasLength && (method == "POST" || !body.isEmpty) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try Self.sendAll(fd, Array(head.utf8) + body)
    }

    /// True once the server closed its side (a read sees EOF or a reset).
    func peerClosed(wait: Double = 2) -> Bool {
        let deadline = Date().addingTimeInterval(wait)
        while Date() < deadline {
            var b = [UInt8](repeating: 0, count: 4096)
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 50) > 0 {
                let n = recv(fd, &b, b.count, 0)
                if n <= 0 { return true }
            }
        }
        return false
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &chunk, chunk.count, 0)
        if n < 0 { throw TestError("recv failed: errno \(errno)") }
        if n == 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    private func readLine() throws -> String {
        while true {
            if let i = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[0..<i])
                if line.last == 0x0D { line.removeLast() }
                buffer.removeFirst(i + 1)
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw TestError("connection closed before a full response line") }
        }
    }

    private func readBytes(_ n: Int) throws -> [UInt8] {
        while buffer.count < n {
            guard try fill() else { throw TestError("connection closed mid-body") }
        }
        let out = Array(buffer[0..<n])
        buffer.removeFirst(n)
        return out
    }

    func readResponse(method: String = "GET") throws -> TestResponse {
        let status = try readLine()
        let parts = status.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let code = Int(parts[1]) else { throw TestError("bad status line '\(status)'") }
        var headers: [(String, String)] = []
        while true {
            let l = try readLine()
            if l.isEmpty { break }
            if let c = l.firstIndex(of: ":") {
                headers.append((String(l[..<c]), l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        var r = TestResponse(status: code, headers: headers, body: [])
        if method == "HEAD" || code == 204 || code == 304 || (100..<200).contains(code) { return r }
        if let len = r.header("Content-Length").flatMap({ Int($0) }) {
            r.body = try readBytes(len)
        } else if r.header("Transfer-Encoding")?.lowercased() == "chunked" {
            r.chunks = 0
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else { throw TestError("bad chunk size '\(sizeLine)'") }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                r.body += try readBytes(size)
                r.chunks += 1
                _ = try readBytes(2)
            }
        } else {
            while try fill() {}
            r.body = buffer
            buffer = []
        }
        return r
    }
}

/// A parsed HTTP response.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// Number of chunks of a chunked body.
    var chunks = 0

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON.
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
}

/// Sends bytes over a plain TCP connection (line protocol over TCP).
final class TestTCPClient {
    private var fd: Int32

    init(port: Int) throws { fd = try TestHTTPClient.connect(port: port) }

    deinit { close() }

    func send(_ s: String) throws { try TestHTTPClient.sendAll(fd, Array(s.utf8)) }
    func send(_ b: [UInt8]) throws { try TestHTTPClient.sendAll(fd, b) }

    /// Half-closes, then waits until the server closed its side (it has committed everything by then).
    func finish(timeout: Double = 20) {
        shutdown(fd, Int32(SHUT_WR))
        var b = [UInt8](repeating: 0, count: 16)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let n = recv(fd, &b, b.count, 0)
            if n <= 0 { break }
        }
        close()
    }

    func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
