import NIOCore
import Testing
@testable import PGWire

/// Server messages pinned to their bytes (PostgreSQL's "Message Formats").
@Suite struct PGBackendEncoderTests {
    static func bytes(_ m: PGBackendMessage) -> [UInt8] {
        var b = ByteBuffer()
        PGBackendEncoder.write(m, into: &b)
        return Array(b.readableBytesView)
    }

    @Test func goldenBytes() {
        #expect(Self.bytes(.encryptionResponse(accepted: false)) == [UInt8(ascii: "N")])
        #expect(Self.bytes(.authenticationOk) == [0x52, 0, 0, 0, 8, 0, 0, 0, 0])
        #expect(Self.bytes(.authenticationCleartextPassword) == [0x52, 0, 0, 0, 8, 0, 0, 0, 3])
        #expect(Self.bytes(.readyForQuery(.idle)) == [0x5A, 0, 0, 0, 5, 0x49])
        #expect(Self.bytes(.readyForQuery(.failed)) == [0x5A, 0, 0, 0, 5, 0x45])
        #expect(Self.bytes(.backendKeyData(processID: 1001, secretKey: -1)) == [0x4B, 0, 0, 0, 12, 0, 0, 3, 0xE9, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Self.bytes(.parameterStatus(name: "TimeZone", value: "UTC")) == [0x53, 0, 0, 0, 17] + Array("TimeZone\0UTC\0".utf8))
        #expect(Self.bytes(.commandComplete("SELECT 3")) == [0x43, 0, 0, 0, 13] + Array("SELECT 3\0".utf8))
        #expect(Self.bytes(.parseComplete) == [0x31, 0, 0, 0, 4])
        #expect(Self.bytes(.portalSuspended) == [0x73, 0, 0, 0, 4])
        #expect(Self.bytes(.parameterDescription([20, 25])) == [0x74, 0, 0, 0, 14, 0, 2, 0, 0, 0, 20, 0, 0, 0, 25])
        // RowDescription: name, table OID, column number, type OID, size, modifier, format.
        #expect(Self.bytes(.rowDescription([PGColumnDescription(name: "n", type: .int8, format: .binary)]))
            == [0x54, 0, 0, 0, 26, 0, 1, UInt8(ascii: "n"), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1])
        let e = PGErrorFields(code: "42P01", message: "no t", position: 15)
        #expect(Self.bytes(.errorResponse(e)) == [0x45, 0, 0, 0, 36] + Array("SERROR\0VERROR\0C42P01\0Mno t\0P15\0\0".utf8))
    }
}
