// libFuzzer target for the line-protocol parser (see Fuzz/README.md for the command).
//
// Built together with Sources/LineProtocol/*.swift into one module, so the parser is used directly.
// Fails (traps) when: the parser crashes; an accepted point cannot be serialised, or does not parse
// back to itself; an error has an impossible position; parsing in two chunks differs from one pass.

/// Parses `buf` (optionally as two stream chunks split at `split`) into points and error positions.
private func run(_ buf: UnsafeRawBufferPointer, split: Int?) -> ([LineProtocolPoint], [Int], [[Int]], Int) {
    var parser = LineProtocolParser(maxLineLength: 200, maxErrors: 1000)
    var c = PointCollector()
    if let split {
        var pending = Array(buf[..<split])
        let used = pending.withUnsafeBytes { parser.parse($0, into: &c, isFinal: false) }
        precondition(used <= pending.count, "consumed more than given")
        pending.removeFirst(used)
        pending += buf[split...]
        let last = pending.withUnsafeBytes { parser.parse($0, into: &c, isFinal: true) }
        precondition(last == pending.count, "final parse left bytes")
    } else {
        let used = parser.parse(buf, into: &c)
        precondition(used == buf.count, "final parse left bytes")
    }
    for e in parser.errors {
        precondition(e.line >= 1 && e.line <= parser.lineNumber && e.column >= 1, "bad error position \(e)")
        _ = e.description
    }
    return (c.points, c.lines, parser.errors.map { [$0.line, $0.column, Int($0.kind.rawValue)] }, parser.errorCount)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func lineProtocolFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buf = UnsafeRawBufferPointer(start: data, count: size)
    let (points, lines, errors, errorCount) = run(buf, split: nil)
    for p in points {
        var line: [UInt8] = []
        do { try LineProtocolSerializer.append(p, to: &line) } catch {
            preconditionFailure("accepted point cannot be serialised: \(error)")
        }
        var again = PointCollector()
        var parser = LineProtocolParser()
        parser.parse(line, into: &again)
        precondition(parser.errorCount == 0 && again.points == [p], "round trip changed \(p)")
    }
    if size > 0 {
        let split = Int(data[0]) % (size + 1)
        let (p2, l2, e2, n2) = run(buf, split: split)
        precondition(p2 == points && l2 == lines && e2 == errors && n2 == errorCount, "chunked parse differs (split \(split))")
    }
    return 0
}
