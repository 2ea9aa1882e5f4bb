import NIOCore

/// A message from the server to a client (protocol 3.0), written by `PGBackendEncoder`.
public enum PGBackendMessage: Sendable, Equatable {
    /// The one-byte answer to SSLRequest or GSSENCRequest: `S` (TLS follows) or `N`.
    case encryptionResponse(accepted: Bool)
    case authenticationOk
    /// Asks for the password in clear (the connection's TLS, when configured, protects it).
    case authenticationCleartextPassword
    /// A run-time setting the client should know (`server_version`, `client_encoding`, `TimeZone`…).
    case parameterStatus(name: String, value: String)
    /// The key a CancelRequest must quote to cancel this session's queries.
    case backendKeyData(processID: Int32, secretKey: Int32)
    case readyForQuery(PGTransactionStatus)
    case rowDescription([PGColumnDescription])
    case noData
    case parameterDescription([UInt32])
    case parseComplete
    case bindComplete
    case closeComplete
    /// The end of one statement's results: `SELECT 3`, `SET`, `SHOW`, `BEGIN`…
    case commandComplete(String)
    case emptyQueryResponse
    /// Execute stopped at its row limit; another Execute continues the portal.
    case portalSuspended
    case errorResponse(PGErrorFields)
    case noticeResponse(PGErrorFields)
    /// DataRow messages already encoded by `PGDataRowWriter` (many rows in one buffer).
    case dataRows(ByteBuffer)
}

/// ReadyForQuery's transaction status.
public enum PGTransactionStatus: UInt8, Sendable {
    case idle = 0x49  // 'I'
    case inTransaction = 0x54  // 'T'
    case failed = 0x45  // 'E'
}

/// One column of a RowDescription.
public struct PGColumnDescription: Sendable, Equatable {
    public var name: String
    /// The table's OID and the column's number when the column is a plain table column (0 otherwise).
    public var tableOID: UInt32
    public var columnNumber: Int16
    public var type: PGType
    public var format: PGFormat

    public init(name: String, type: PGType, format: PGFormat, tableOID: UInt32 = 0, columnNumber: Int16 = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.tableOID = tableOID
        self.columnNumber = columnNumber
    }
}

/// The fields of an ErrorResponse or NoticeResponse.
public struct PGErrorFields: Sendable, Equatable, Error {
    /// `ERROR`, `FATAL`, `WARNING`, `NOTICE`…
    public var severity: String
    /// Five-character SQLSTATE (`PGSQLState`).
    public var code: String
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the query text the error points at.
    public var position: Int?

    public init(severity: String = "ERROR", code: String, message: String, detail: String? = nil, hint: String? = nil, position: Int? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
    }
}

/// SQLSTATE codes the server sends (PostgreSQL's Appendix A).
public enum PGSQLState {
    public static let successfulCompletion = "00000"
    public static let protocolViolation = "08P01"
    public static let featureNotSupported = "0A000"
    public static let invalidAuthorization = "28000"
    public static let invalidPassword = "28P01"
    public static let insufficientPrivilege = "42501"
    public static let syntaxError = "42601"
    public static let undefinedTable = "42P01"
    public static let undefinedColumn = "42703"
    public static let undefinedFunction = "42883"
    public static let datatypeMismatch = "42804"
    public static let groupingError = "42803"
    public static let undefinedObject = "42704"
    public static let invalidDatabase = "3D000"
    public static let invalidStatementName = "26000"
    public static let invalidCursorName = "34000"
    public static let dataException = "22000"
    public static let invalidTextRepresentation = "22P02"
    public static let invalidBinaryRepresentation = "22P03"
    public static let numericValueOutOfRange = "22003"
    public static let invalidDatetimeFormat = "22007"
    public static let datetimeFieldOverflow = "22008"
    public static let divisionByZero = "22012"
    public static let characterNotInRepertoire = "22021"
    public static let invalidParameterValue = "22023"
    public static let queryCanceled = "57014"
    public static let adminShutdown = "57P01"
    public static let insufficientResources = "53000"
    public static let outOfMemory = "53200"
    public static let tooManyConnections = "53300"
    /// Over a rate limit (PostgreSQL's configuration_limit_exceeded).
    public static let configurationLimitExceeded = "53400"
    public static let programLimitExceeded = "54000"
    public static let internalError = "XX000"
    public static let ioError = "58030"
}
