import NIOCore
import NIOHTTP1

/// A complete request as the routes see it: head, decoded URL, and the whole (decompressed) body.
struct HTTPRequest: Sendable {
    var head: HTTPRequestHead
    var path: String
    var query: QueryParameters
    var body: ByteBuffer
}

/// A complete response (also the `Error` side of a `Result` when a request cannot go on).
struct HTTPResponse: Sendable, Error {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]

    init(_ status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    static func json(_ status: HTTPResponseStatus, _ body: String) -> HTTPResponse {
        var h = HTTPHeaders()
        h.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(status, headers: h, body: Array(body.utf8))
    }

    /// `{"error": message}`: the error shape of InfluxDB 1.x and 3.
    static func error(_ status: HTTPResponseStatus, _ message: String) -> HTTPResponse {
        json(status, #"{"error":\#(JSON.quote(message))}"#)
    }

    /// `{"code": code, "message": message}`: the error shape of InfluxDB 2.
    static func v2Error(_ status: HTTPResponseStatus, code: String, _ message: String) -> HTTPResponse {
        json(status, #"{"code":\#(JSON.quote(code)),"message":\#(JSON.quote(message))}"#)
    }
}

/// What a route answers: a whole response, or a head followed by a body produced in pieces.
enum HTTPReply: Sendable {
    case full(HTTPResponse)
    case stream(HTTPResponseStatus, HTTPHeaders, any ChunkSource)
    /// A head whose body a query thread is still writing as the engine produces rows (`LiveBody`).
    case live(HTTPResponseStatus, HTTPHeaders, LiveBody)
}

/// JSON text for the server's small response bodies.
enum JSON {
    /// `s` as a JSON string literal, quotes included.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
        return out
    }
}
