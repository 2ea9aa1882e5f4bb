/// Every block encoding, in one table. Raw values are on disk: never reuse or renumber one.
///
/// Integer encodings apply to `.time`, `.int64`, `.uint64` and `.symbol` (codes as UInt32); see
/// docs/codecs.md for each payload's byte layout.
public enum EncodingID: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Values as stored in memory, little-endian (strings: UInt32 lengths, then the bytes).
    case plain = 0
    /// One value repeated for every row.
    case constant = 1
    /// Integers minus the block minimum, bit-packed in frames of 128.
    case frameOfReference = 2
    /// First value, then deltas minus the smallest delta, bit-packed.
    case delta = 3
    /// First value, then zigzag-encoded deltas, bit-packed.
    case deltaZigZag = 4
    /// First value and first delta, then zigzag-encoded deltas of deltas, bit-packed.
    case deltaOfDelta = 5
    /// Integers minus the block minimum in 0…8 whole bytes each (for zstd's entropy coder).
    case narrow = 6
    /// First value, then deltas minus the smallest delta in 0…8 whole bytes each.
    case deltaNarrow = 7
    /// Floats XOR-ed with their predecessor, leading/trailing zeros elided (Gorilla).
    case gorilla = 8
    /// Floats with their 8 bytes transposed into 8 planes, for the compressor.
    case byteShuffle = 9
    /// Floats that are decimals: value × 10^e as integers, encoded as integers.
    case decimal = 10
    /// Booleans, one bit a row.
    case bitmap = 11
    /// Strings: bit-packed lengths, then the concatenated bytes.
    case stringLengths = 12
    /// Strings: a sorted per-block dictionary of the distinct strings, then bit-packed codes.
    case stringDictionary = 13
    /// Strings that are one prefix and a decimal number ("u0463182"): the prefix once, the numbers as integers.
    case prefixedInteger = 14
    /// Floats that are mostly decimals: value × 10^e as integers, the rest stored aside as exceptions (ALP).
    case alp = 15
    /// Integers minus the block minimum, split into tokens and extra bits, the tokens Huffman-coded per block.
    case huffman = 16
    /// First value, then deltas minus the smallest delta, Huffman-coded as `huffman` (sorted timestamps).
    case deltaHuffman = 17
    /// Integers whose frequent values repeat: those listed once by frequency, each row's rank (or its offset
    /// past the ranks) Huffman-coded as `huffman` (durations, ids of heavy users).
    case rankedHuffman = 18

    public var description: String {
        switch self {
        case .plain: "plain"
        case .constant: "constant"
        case .frameOfReference: "for"
        case .delta: "delta"
        case .deltaZigZag: "delta-zigzag"
        case .deltaOfDelta: "delta-of-delta"
        case .narrow: "narrow"
        case .deltaNarrow: "delta-narrow"
        case .gorilla: "gorilla"
        case .byteShuffle: "byte-shuffle"
        case .decimal: "decimal"
        case .bitmap: "bitmap"
        case .stringLengths: "string-lengths"
        case .stringDictionary: "string-dictionary"
        case .prefixedInteger: "prefixed-int"
        case .alp: "alp"
        case .huffman: "huffman"
        case .deltaHuffman: "delta-huffman"
        case .rankedHuffman: "ranked-huffman"
        }
    }

    /// True when blocks of `type` may use this encoding.
    public func applies(to type: ColumnType) -> Bool {
        switch self {
        case .plain, .constant: true
        case .frameOfReference, .delta, .deltaZigZag, .deltaOfDelta, .narrow, .deltaNarrow, .huffman, .deltaHuffman, .rankedHuffman: type.isIntegerLike
        case .gorilla, .byteShuffle, .decimal, .alp: type == .float64
        case .bitmap: type == .bool
        case .stringLengths, .stringDictionary, .prefixedInteger: type == .string
        }
    }

    /// The encodings tried for a block of `type`, cheapest to decode first (ties keep the earlier).
    static func candidates(for type: ColumnType) -> [EncodingID] {
        switch type {
        // Symbol codes are numbered in first-seen order, so `huffman` already gives frequent ones short codes:
        // ranking them would cost ingest a sort a block for little.
        case .symbol:
            [.constant, .frameOfReference, .delta, .narrow, .deltaNarrow, .deltaZigZag, .deltaOfDelta, .huffman, .deltaHuffman, .plain]
        case .time, .int64, .date, .uint64:
            [.constant, .frameOfReference, .delta, .narrow, .deltaNarrow, .deltaZigZag, .deltaOfDelta, .huffman, .deltaHuffman, .rankedHuffman, .plain]
        case .float64: [.constant, .decimal, .alp, .byteShuffle, .plain, .gorilla]
        case .bool: [.constant, .bitmap, .plain]
        case .string: [.constant, .stringLengths, .prefixedInteger, .stringDictionary, .plain]
        }
    }
}

extension ColumnType {
    /// Types stored as integers: time and int64 (signed), uint64, symbol codes (UInt32).
    var isIntegerLike: Bool {
        switch self {
        case .time, .int64, .date, .uint64, .symbol: true
        case .float64, .bool, .string: false
        }
    }
}
