import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The memory mappings of segment files, bounded: a segment is mapped when a read first touches it and
/// unmapped, least recently used first, once more than `limit` are mapped.
///
/// Linux allows about 65,530 mappings per process (`vm.max_map_count`); a store with one segment per
/// day partition over many days would exhaust them if every open segment stayed mapped, and then every
/// flush and open fails with `mmap: Cannot allocate memory`. A mapping is pinned while a block is read
/// from it (`withBytes`), and a pinned mapping is never unmapped; decoded blocks are copies, so nothing
/// refers to a mapping after its read.
public final class SegmentMappings: Sendable {
    /// The mappings shared by every database that does not bring its own (`DatabaseOptions.segmentMappings`).
    public static let shared = SegmentMappings(limit: 4_096)

    /// Mappings kept at most, besides those pinned by reads in progress.
    public let limit: Int

    private struct Mapping {
        /// The mapping's address (an integer, so the lock's state holds no pointer).
        var base: UInt
        var size: Int
        var pins: Int
        var lastUse: UInt64
    }

    private struct State {
        var mappings: [ObjectIdentifier: Mapping] = [:]
        var clock: UInt64 = 0
        var peak = 0
        var mapped = 0
    }

    private let state = Mutex(State())

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Segments mapped now.
    public var count: Int { state.withLock { $0.mappings.count } }
    /// The most segments mapped at once so far.
    public var peakCount: Int { state.withLock { $0.peak } }
    /// Times a segment was mapped (a miss: it was not mapped when read).
    public var mapCount: Int { state.withLock { $0.mapped } }

    /// Runs `body` over the bytes of `reader`'s file, mapping it first if needed; the mapping stays while `body` runs.
    func withBytes<R>(_ reader: SegmentReader, _ body: (UnsafeRawPointer) throws -> R) throws -> R {
        let id = ObjectIdentifier(reader)
        let hit: UInt? = state.withLock { s in
            s.clock &+= 1
            guard var m = s.mappings[id] else { return nil }
            m.pins += 1
            m.lastUse = s.clock
            s.mappings[id] = m
            return m.base
        }
        let base = try hit.map { UnsafeRawPointer(bitPattern: $0)! } ?? map(reader, id)
        defer { state.withLock { s in s.mappings[id]?.pins -= 1 } }
        return try body(base)
    }

    /// Maps `reader`'s file and keeps it mapped until the reader goes away: the file is about to be
    /// unlinked (compaction, retention) while snapshots may still read it. Best effort: when the file
    /// cannot be mapped, a later read of it fails instead.
    func keepMapped(_ reader: SegmentReader) {
        let id = ObjectIdentifier(reader)
        let hit: Bool = state.withLock { s in
            guard s.mappings[id] != nil else { return false }
            s.mappings[id]!.pins += 1
            return true
        }
        if !hit { _ = try? map(reader, id) }
    }

    /// Maps the file outside the lock, then registers the mapping pinned (or uses one a racing read made)
    /// and unmaps the least recently used unpinned mappings beyond `limit`.
    private func map(_ reader: SegmentReader, _ id: ObjectIdentifier) throws -> UnsafeRawPointer {
        let fd = try FileIO.open(reader.path, O_RDONLY)
        defer { close(fd) }
        guard let m = mmap(nil, reader.fileSize, PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED else {
            throw StorageError.io(path: reader.path, op: "mmap", errno: errno)
        }
        let mine = UInt(bitPattern: m)
        let size = reader.fileSize
        let (base, unmap): (UInt, [(UInt, Int)]) = state.withLock { s in
            var unmap: [(UInt, Int)] = []
            s.clock &+= 1
            if var existing = s.mappings[id] {
                existing.pins += 1
                existing.lastUse = s.clock
                s.mappings[id] = existing
                return (existing.base, [(mine, size)])
            }
            s.mappings[id] = Mapping(base: mine, size: size, pins: 1, lastUse: s.clock)
            s.mapped += 1
            if s.mappings.count > limit {
                // Down to three quarters of the limit at once, so a scan of many more segments than the
                // limit sorts the mappings once per quarter-limit misses, not once per miss.
                let excess = s.mappings.count - limit * 3 / 4
                let victims = s.mappings.filter { $0.value.pins == 0 }.sorted { $0.value.lastUse < $1.value.lastUse }
                for (vid, v) in victims.prefix(excess) {
                    s.mappings[vid] = nil
                    unmap.append((v.base, v.size))
                }
            }
            s.peak = max(s.peak, s.mappings.count)
            return (mine, unmap)
        }
        for (p, n) in unmap { munmap(UnsafeMutableRawPointer(bitPattern: p), n) }
        return UnsafeRawPointer(bitPattern: base)!
    }

    /// Unmaps `reader`'s file, if mapped: the reader is going away (no read can be in progress).
    func forget(_ reader: SegmentReader) {
        let id = ObjectIdentifier(reader)
        if let m = state.withLock({ s in s.mappings.removeValue(forKey: id) }) {
            munmap(UnsafeMutableRawPointer(bitPattern: m.base), m.size)
        }
    }
}
