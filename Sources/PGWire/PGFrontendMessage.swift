import NIOCore

/// A message from a PostgreSQL client (protocol 3.0), as decoded by `PGFrontendDecoder`.
///
/// Strings are decoded as UTF-8 (the only client encoding the server offers); parameter values stay
/// bytes (`ByteBuffer` slices) until the server decodes them by type and format.
public enum PGFrontendMessage: Sendable, Equatable {
    /// The first message of a session: protocol version and `user`, `database`, `options`, … pairs.
    case startup(PGStartup)
    /// `SSLRequest`: asks whether TLS follows; answered with one byte, `S` or `N`.
    case sslRequest
    /// `GSSENCRequest`: asks for GSSAPI encryption; answered `N` (not offered).
    case gssEncRequest
    /// `CancelRequest`, sent on a fresh connection: cancel the query of the session with this key.
    case cancelRequest(processID: Int32, secretKey: Int32)
    /// `PasswordMessage` (`p`): the password after `AuthenticationCleartextPassword`.
    case password(String)
    /// `Query` (`Q`): simple query, possibly several statements separated by `;`.
    case query(String)
    /// `Parse` (`P`): prepares a statement (`""` is the unnamed one); parameter type OIDs may be 0 (unspecified).
    case parse(name: String, query: String, parameterTypes: [UInt32])
    /// `Bind` (`B`): a portal from a statement and parameter values (nil is NULL).
    case bind(PGBind)
    /// `Describe` (`D`): of a statement (`S`) or portal (`P`).
    case describe(PGTarget, name: String)
    /// `Execute` (`E`): runs a portal, returning at most `maxRows` rows (0: all).
    case execute(portal: String, maxRows: Int32)
    /// `Close` (`C`): drops a statement or portal.
    case close(PGTarget, name: String)
    /// `Sync` (`S`): ends an extended-query cycle; the server answers ReadyForQuery.
    case sync
    /// `Flush` (`H`): send what is buffered.
    case flush
    /// `Terminate` (`X`): the client is leaving.
    case terminate
}

/// What a Describe or Close names.
public enum PGTarget: UInt8, Sendable, Equatable {
    case statement = 0x53  // 'S'
    case portal = 0x50  // 'P'
}

/// The startup packet's contents.
public struct PGStartup: Sendable, Equatable {
    /// Major version in the high 16 bits, minor in the low (3.0 is 196608).
    public var protocolVersion: Int32
    /// The name/value pairs, in the order sent (`user`, `database`, `application_name`, `options`, …).
    public var parameters: [(String, String)]

    public init(protocolVersion: Int32, parameters: [(String, String)]) {
        self.protocolVersion = protocolVersion
        self.parameters = parameters
    }

    /// The value of one parameter.
    public subscript(name: String) -> String? { parameters.first { $0.0 == name }?.1 }

    public static func == (a: PGStartup, b: PGStartup) -> Bool {
        a.protocolVersion == b.protocolVersion && a.parameters.elementsEqual(b.parameters) { $0 == $1 }
    }
}

/// A `Bind` message.
public struct PGBind: Sendable, Equatable {
    public var portal: String
    public var statement: String
    /// Per-parameter format codes: empty (all text), one (for all), or one per parameter.
    public var parameterFormats: [PGFormat]
    /// The values; nil is SQL NULL.
    public var parameters: [ByteBuffer?]
    /// Per-result-column format codes, same convention as `parameterFormats`.
    public var resultFormats: [PGFormat]

    public init(portal: String, statement: String, parameterFormats: [PGFormat], parameters: [ByteBuffer?], resultFormats: [PGFormat]) {
        self.portal = portal
        self.statement = statement
        self.parameterFormats = parameterFormats
        self.parameters = parameters
        self.resultFormats = resultFormats
    }

    /// The format of parameter `i` under the protocol's one-or-all convention.
    public func parameterFormat(_ i: Int) -> PGFormat { PGFormat.pick(parameterFormats, i) }
}

/// Text (0) or binary (1) encoding of a value on the wire.
public enum PGFormat: Int16, Sendable, Equatable {
    case text = 0
    case binary = 1

    /// Format `i` from a list that is empty (all text), of one (for all), or of one per value.
    public static func pick(_ formats: [PGFormat], _ i: Int) -> PGFormat {
        formats.isEmpty ? .text : formats.count == 1 ? formats[0] : (i < formats.count ? formats[i] : .text)
    }
}
