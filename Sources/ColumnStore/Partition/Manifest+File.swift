import Foundation

/// The `MANIFEST` file format, version 4 (the layout of version 2; see `Manifest.currentVersion`).
///
/// ```
/// offset 0      body:    JSON (UTF-8, keys sorted, pretty-printed) followed by "\n"
/// offset n      trailer: "crc32c " (7 bytes) | 8 lowercase hex digits | "\n"   — 16 bytes
/// ```
/// The hex digits are the CRC-32C of the body (bytes 0..<n), so the file stays readable with `cat` and an
/// edit that still parses as JSON is caught. The JSON's `version` must be 2, 3 or 4 (a manifest of version 2 or later without a
/// trailer is cut short, and refused). Version 1 files — plain JSON, no trailer — still open and are
/// rewritten as version 4 by the next save. A version above `currentVersion` refuses.
extension Manifest {
    static let trailerPrefix: [UInt8] = Array("crc32c ".utf8)
    static let trailerSize = 16

    static func load(_ path: String) throws -> Manifest? {
        guard FileIO.exists(path) else { return nil }
        return try decode(try FileIO.readFile(path), path: path)
    }

    /// Parses and verifies a manifest's bytes; every failure names the file and what is wrong.
    static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        try decode(bytes, path: path, deferringSegments: false).manifest
    }

    /// `decode`, but with `deferringSegments` each table's `segments` may be left empty and located in
    /// `bytes` instead (`segments`), for `deferredSegments` to read when a query first touches the table.
    /// A table missing from `segments` was read whole.
    static func decode(_ bytes: [UInt8], path: String, deferringSegments: Bool) throws -> (manifest: Manifest, segments: [String: Range<Int>]) {
        var body = bytes[...]
        var checked = false
        if let (stored, at) = trailer(bytes) {
            let actual = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<at])) }
            guard actual == stored else {
                throw StorageError.corrupt(path: path, detail: "manifest checksum mismatch: the trailer at offset \(at) says \(hex(stored)), the contents give \(hex(actual))")
            }
            body = bytes[0..<at]
            checked = true
        }
        let m: Manifest
        var deferred: [String: Range<Int>] = [:]
        do {
            // The direct reader handles what this build writes; anything else takes JSONDecoder's path.
            if let fast = ManifestFastDecoder.decode(body, deferringSegments: deferringSegments) {
                (m, deferred) = fast
            } else {
                m = try JSONDecoder().decode(Manifest.self, from: Data(body))
            }
        } catch {
            throw StorageError.corrupt(path: path, detail: "manifest does not parse (\(checked ? "checksum valid" : "no checksum trailer")): \(error)")
        }
        guard m.version >= 1 && m.version <= currentVersion else {
            throw StorageError.corrupt(path: path, detail: "manifest version \(m.version) is not one this build reads (1...\(currentVersion))")
        }
        guard checked || m.version == 1 else {
            throw StorageError.corrupt(path: path, detail: "manifest version \(m.version) has no checksum trailer at offset \(max(0, bytes.count - trailerSize)) (file cut short?)")
        }
        return (m, deferred)
    }

    /// The segments of `table` that `decode(_:path:deferringSegments:)` left in `bytes[range]`: read
    /// directly, or (a shape the direct reader does not know) from the whole manifest by `JSONDecoder`.
    static func deferredSegments(_ bytes: [UInt8], _ range: Range<Int>, table: String, path: String) throws -> [Segment] {
        if let list = ManifestFastDecoder.segments(bytes[range]) { return list }
        return try decode(bytes, path: path, deferringSegments: false).manifest.tables[table]?.segments ?? []
    }

    /// The stored checksum and the trailer's offset, when the file ends with a well-formed trailer line.
    private static func trailer(_ bytes: [UInt8]) -> (UInt32, Int)? {
        let at = bytes.count - trailerSize
        guard at >= 1, bytes[at - 1] == UInt8(ascii: "\n"), bytes.last == UInt8(ascii: "\n"),
              Array(bytes[at..<at + trailerPrefix.count]) == trailerPrefix else { return nil }
        let digits = String(decoding: bytes[(at + trailerPrefix.count)..<(bytes.count - 1)], as: UTF8.self)
        guard digits.utf8.count == 8, let v = UInt32(digits, radix: 16) else { return nil }
        return (v, at)
    }

    /// The current version's bytes of this manifest (whatever version it was read as).
    func encoded() -> [UInt8] {
        var m = self
        m.version = Manifest.currentVersion
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        var body = Array(try! enc.encode(m))
        body.append(UInt8(ascii: "\n"))
        return body + Manifest.trailerPrefix + Array(Manifest.hex(CRC32C.checksum(body)).utf8) + [UInt8(ascii: "\n")]
    }

    /// Writes the manifest atomically. `renamed` tells a caller whose save failed whether the new file
    /// already replaced the old one (then the manifest on disk may be either).
    func save(_ path: String, renamed: inout Bool) throws {
        try FileIO.writeFileAtomically(path, encoded(), renamed: &renamed)
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}
