import NIOCore
import NIOEmbedded
import Testing
import TestSupport
@testable import PGWire

/// Framing of client messages: golden bytes from the protocol's message formats, decoded whole and
/// fed one byte at a time (a cut-off message asks for more, never fails).
@Suite struct PGFrontendDecoderTests {
    /// Decodes every message in `bytes`, fed in pieces of `step` bytes.
    static func decode(_ bytes: [UInt8], step: Int = .max, started: Bool = true) throws -> [PGFrontendMessage] {
        var d = PGFrontendDecoder()
        var out: [PGFrontendMessage] = []
        var buffer = ByteBuffer()
        if started {
            // Every stream begins with a startup packet; skip past it.
            var s = ByteBuffer(bytes: startupBytes)
            _ = try d.next(&s)
        }
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + step)
            buffer.writeBytes(bytes[i..<end])
            i = end
            while let m = try d.next(&buffer) { out.append(m) }
        }
        #expect(buffer.readableBytes == 0)
        return out
    }

    /// A StartupMessage: length 35, version 3.0, user=alice, database=music.
    static let startupBytes: [UInt8] = [0, 0, 0, 35, 0, 3, 0, 0] + Array("user\0alice\0database\0music\0".utf8) + [0]

    static func msg(_ type: Character, _ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [type.asciiValue!]
        let n = UInt32(body.count + 4)
        out += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
        return out + body
    }

    @Test func startupPackets() throws {
        let start = Self.startupBytes
        #expect(start.count == 35)
        for step in [1, 3, Int.max] {
            let ssl: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]
            let gss: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x30]
            let got = try Self.decode(ssl + gss + start, step: step, started: false)
            #expect(got == [.sslRequest, .gssEncRequest,
                            .startup(PGStartup(protocolVersion: 196_608, parameters: [("user", "alice"), ("database", "music")]))])
        }
        let cancel: [UInt8] = [0, 0, 0, 16, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0x03, 0xE9, 0xFF, 0xFF, 0xFF, 0xFE]
        #expect(try Self.decode(cancel, step: 1, started: false) == [.cancelRequest(processID: 1001, secretKey: -2)])
    }

    @Test func protocolTwoIsRefused() throws {
        var d = PGFrontendDecoder()
        var b = ByteBuffer(bytes: [0, 0, 0, 9, 0, 2, 0, 0, 0])
        #expect(throws: PGProtocolError.self) { _ = try d.next(&b) }
    }

    @Test func extendedQueryMessages() throws {
        let parse = Self.msg("P", Array("s1\0SELECT $1\0".utf8) + [0, 1, 0, 0, 0, 20])
        let bind = Self.msg("B", Array("p1\0s1\0".utf8) + [0, 1, 0, 1] + [0, 2] + [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 42] + [0xFF, 0xFF, 0xFF, 0xFF] + [0, 1, 0, 0])
        let describe = Self.msg("D", [UInt8(ascii: "P")] + Array("p1\0".utf8))
        let execute = Self.msg("E", Array("p1\0".utf8) + [0, 0, 0, 5])
        let close = Self.msg("C", [UInt8(ascii: "S")] + Array("s1\0".utf8))
        let all = parse + bind + describe + execute + Self.msg("H", []) + close + Self.msg("S", []) + Self.msg("Q", Array("SELECT 1; SELECT 2\0".utf8)) + Self.msg("X", [])
        let want: [PGFrontendMessage] = [
            .parse(name: "s1", query: "SELECT $1", parameterTypes: [20]),
            .bind(PGBind(portal: "p1", statement: "s1", parameterFormats: [.binary], parameters: [ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 42]), nil], resultFormats: [.text])),
            .describe(.portal, name: "p1"), .execute(portal: "p1", maxRows: 5), .flush, .close(.statement, name: "s1"), .sync,
            .query("SELECT 1; SELECT 2"), .terminate,
        ]
        for step in [1, 2, 7, Int.max] {
            #expect(try Self.decode(all, step: step) == want, "step \(step)")
        }
    }

    @Test func malformedMessagesAreProtocolErrors() throws {
        for bad in [Self.msg("Q", Array("no terminator".utf8)),
                    Self.msg("Z", []),
                    Self.msg("B", Array("\0\0".utf8) + [0, 1, 0, 7] + [0, 0] + [0, 0]),
                    Self.msg("D", [UInt8(ascii: "X"), 0]),
                    Self.msg("S", [1])] {
            #expect(throws: PGProtocolError.self, "\(bad)") { _ = try Self.decode(bad) }
        }
        // A message longer than the limit fails on its header, before its body arrives.
        var d = PGFrontendDecoder(maxMessageBytes: 100)
        var s = ByteBuffer(bytes: Self.startupBytes)
        _ = try d.next(&s)
        var b = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 1, 0])
        #expect(throws: PGProtocolError.self) { _ = try d.next(&b) }
    }

    /// Random message streams decode the same whole and byte by byte.
    @Test func randomQueriesSurviveAnySplit() throws {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<50 {
            var bytes: [UInt8] = []
            var want: [PGFrontendMessage] = []
            for _ in 0..<(1 + rng.below(6)) {
                let text = String((0..<rng.below(40)).map { _ in Character(UnicodeScalar(UInt8(32 + rng.below(90)))) })
                bytes += Self.msg("Q", Array(text.utf8) + [0])
                want.append(.query(text))
            }
            #expect(try Self.decode(bytes, step: 1 + rng.below(9)) == want)
        }
    }

    /// The decoder in a pipeline, on an EmbeddedChannel, fed a byte at a time.
    @Test func decoderInAChannel() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(PGFrontendDecoder()))
        for b in Self.startupBytes + Self.msg("Q", Array("SELECT 1\0".utf8)) {
            try channel.writeInbound(ByteBuffer(bytes: [b]))
        }
        guard case .startup = try channel.readInbound(as: PGFrontendMessage.self) else { Issue.record("no startup"); return }
        #expect(try channel.readInbound(as: PGFrontendMessage.self) == .query("SELECT 1"))
        _ = try channel.finish()
    }
}
