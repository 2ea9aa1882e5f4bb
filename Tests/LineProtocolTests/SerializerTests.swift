import LineProtocol
import Testing

@Suite struct SerializerTests {
    @Test func goldenLines() throws {
        let p = LineProtocolPoint(
            "my meas,x=y", tags: [("t k=", "v, =\\")],
            fields: [("f=,", .string("a \"b\" \\c")), ("i", .int(-5)), ("u", .uint(7)), ("b", .bool(true)),
                     ("x", .float(0.1)), ("e", .float(1e-5)), ("n", .float(-0.0))],
            timestamp: 1_700_000_000_000_000_000)
        #expect(try LineProtocolSerializer.line(p)
            == #"my\ meas\,x=y,t\ k\==v\,\ \=\\ f\=\,="a \"b\" \\c",i=-5i,u=7u,b=true,x=0.1,e=1e-05,n=-0.0 1700000000000000000"# + "\n")
    }

    @Test func extremeIntegers() throws {
        let p = LineProtocolPoint("m", fields: [("a", .int(.min)), ("b", .int(.max)), ("c", .uint(.max)), ("d", .int(0))])
        #expect(try LineProtocolSerializer.line(p)
            == "m a=-9223372036854775808i,b=9223372036854775807i,c=18446744073709551615u,d=0i\n")
    }

    @Test func unrepresentablePointsThrow() {
        func failure(_ p: LineProtocolPoint) -> LineProtocolSerializer.Failure? {
            do { _ = try LineProtocolSerializer.line(p); return nil } catch { return error }
        }
        #expect(failure(LineProtocolPoint("", fields: [("f", .int(1))])) == .emptyMeasurement)
        #expect(failure(LineProtocolPoint("#m", fields: [("f", .int(1))])) == .measurementStartsWithHash)
        #expect(failure(LineProtocolPoint("m", fields: [])) == .noFields)
        #expect(failure(LineProtocolPoint("m", tags: [("t", "")], fields: [("f", .int(1))])) == .emptyTagValue)
        #expect(failure(LineProtocolPoint("m", tags: [("", "v")], fields: [("f", .int(1))])) == .emptyKey)
        #expect(failure(LineProtocolPoint("m", fields: [("f", .int(1)), ("f", .int(2))])) == .duplicateKey)
        #expect(failure(LineProtocolPoint("m", fields: [("f", .string("a\nb"))])) == .newline)
        #expect(failure(LineProtocolPoint("m", fields: [("f", .float(.nan))])) == .nonFiniteFloat)
        #expect(failure(LineProtocolPoint("m", fields: [("f", .float(-.infinity))])) == .nonFiniteFloat)
    }
}
