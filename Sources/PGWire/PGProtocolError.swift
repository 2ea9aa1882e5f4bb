/// A client broke the protocol: the connection cannot continue (the server answers with an
/// ErrorResponse of SQLSTATE 08P01 and closes).
public struct PGProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { "protocol violation: \(message)" }
}
