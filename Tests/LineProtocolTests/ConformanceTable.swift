import LineProtocol

/// One row of the conformance table: an input and what parsing it must give.
struct ConformanceCase: Sendable, CustomStringConvertible {
    enum Expect: Sendable {
        /// These points (in order) and no error.
        case points([LineProtocolPoint])
        /// Exactly one error, of this kind, at this 1-based column, about this key (when given).
        case error(LineProtocolError.Kind, column: Int, name: String? = nil)
    }

    var rule: String
    var input: String
    var expect: Expect
    var precision: Precision = .ns
    var maxLineLength: Int = 1 << 20

    var description: String { "\(rule): \(input.debugDescription)" }
}

private typealias V = LineProtocolPoint.Value

private func p(_ m: String, _ tags: [(String, String)] = [], _ fields: [(String, V)], _ ts: Int64? = nil) -> LineProtocolPoint {
    LineProtocolPoint(m, tags: tags, fields: fields, timestamp: ts)
}

private func ok(_ rule: String, _ input: String, _ points: LineProtocolPoint...,
                precision: Precision = .ns) -> ConformanceCase {
    ConformanceCase(rule: rule, input: input, expect: .points(points), precision: precision)
}

private func bad(_ rule: String, _ input: String, _ kind: LineProtocolError.Kind, col: Int, name: String? = nil,
                 precision: Precision = .ns, maxLineLength: Int = 1 << 20) -> ConformanceCase {
    ConformanceCase(rule: rule, input: input, expect: .error(kind, column: col, name: name),
                    precision: precision, maxLineLength: maxLineLength)
}

/// Every rule of the grammar (docs/line-protocol.md), with the expected points or error.
let conformanceTable: [ConformanceCase] = [
    // Structure.
    ok("measurement and one field", "m f=1", p("m", [], [("f", .float(1))])),
    ok("tags, integer, timestamp", "m,t=v f=1i 123", p("m", [("t", "v")], [("f", .int(1))], 123)),
    ok("several tags and fields", "m,a=1,b=2 x=1,y=2i,z=true 1700000000000000000",
       p("m", [("a", "1"), ("b", "2")], [("x", .float(1)), ("y", .int(2)), ("z", .bool(true))], 1_700_000_000_000_000_000)),
    ok("newline-terminated line", "m f=1\n", p("m", [], [("f", .float(1))])),
    ok("CRLF line endings", "m f=1\r\nm f=2\r\n", p("m", [], [("f", .float(1))]), p("m", [], [("f", .float(2))])),
    ok("last line without newline", "m f=1\nm f=2", p("m", [], [("f", .float(1))]), p("m", [], [("f", .float(2))])),
    ok("blank and whitespace-only lines skipped", "\n\n   \nm f=1\n\r\n\n", p("m", [], [("f", .float(1))])),
    ok("comment lines skipped", "# a comment\nm f=1\n   # indented comment, f=2\n", p("m", [], [("f", .float(1))])),
    ok("leading spaces before the measurement", "   m f=1", p("m", [], [("f", .float(1))])),
    ok("runs of spaces between sections, trailing spaces", "m,t=v   f=1   123   ",
       p("m", [("t", "v")], [("f", .float(1))], 123)),
    ok("trailing space without timestamp", "m f=1 ", p("m", [], [("f", .float(1))])),
    ok("a tab is an ordinary byte", "m\tx f=1", p("m\tx", [], [("f", .float(1))])),
    ok("'=' in a measurement is literal", "a=b f=1", p("a=b", [], [("f", .float(1))])),
    ok("'#' after the first byte of a measurement", "m#1 f=1", p("m#1", [], [("f", .float(1))])),
    ok("UTF-8 names and values", "mé,tä=vö fü=\"ü\"", p("mé", [("tä", "vö")], [("fü", .string("ü"))])),
    ok("same key as tag and field is up to the visitor", "m,x=a x=1", p("m", [("x", "a")], [("x", .float(1))])),

    // Escapes.
    ok("measurement escapes comma and space", #"my\,meas\ ure f=1"#, p("my,meas ure", [], [("f", .float(1))])),
    ok("measurement: backslash before '=' is literal", #"a\=b f=1"#, p(#"a\=b"#, [], [("f", .float(1))])),
    ok("measurement: escaped backslash before the space", #"m\\ f=1"#, p(#"m\"#, [], [("f", .float(1))])),
    ok("tag key and value escape comma, equals, space", #"m,t\,k\=e\ y=v\,a\=l\ ue f=1"#,
       p("m", [("t,k=e y", "v,a=l ue")], [("f", .float(1))])),
    ok("field key escapes comma, equals, space", #"m f\,i\=e\ ld=1"#, p("m", [], [("f,i=e ld", .float(1))])),
    ok("tag value: escaped backslash", #"m,t=a\\b f=1"#, p("m", [("t", #"a\b"#)], [("f", .float(1))])),
    ok("tag value: backslash before another byte is literal", #"m,t=a\b f=1"#, p("m", [("t", #"a\b"#)], [("f", .float(1))])),
    ok("tag value ending in an escaped backslash", #"m,t=a\\ f=1"#, p("m", [("t", #"a\"#)], [("f", .float(1))])),
    ok("string escapes quote and backslash, others literal", #"m s="a \"q\" \\ \n b""#,
       p("m", [], [("s", .string(#"a "q" \ \n b"#))])),
    ok("string holds commas, spaces, equals unescaped", #"m s="x,y=z w",n=1i"#,
       p("m", [], [("s", .string("x,y=z w")), ("n", .int(1))])),
    ok("empty string", #"m s="""#, p("m", [], [("s", .string(""))])),
    bad("escaped space does not end a tag value", #"m,t=v\ f=1"#, .unescapedEquals, col: 5, name: "t"),

    // Floats.
    ok("float forms", "m a=1,b=1.5,c=-2.25,d=.5,e=5.,f=1e3,g=1E-3,h=1e+3,i=-0.0,j=0,k=007.50",
       p("m", [], [("a", .float(1)), ("b", .float(1.5)), ("c", .float(-2.25)), ("d", .float(0.5)), ("e", .float(5)),
                   ("f", .float(1000)), ("g", .float(0.001)), ("h", .float(1000)), ("i", .float(-0.0)),
                   ("j", .float(0)), ("k", .float(7.5))])),
    ok("largest float", "m f=1.7976931348623157e308", p("m", [], [("f", .float(.greatestFiniteMagnitude))])),
    ok("smallest subnormal", "m f=5e-324", p("m", [], [("f", .float(.leastNonzeroMagnitude))])),
    ok("underflow to zero", "m f=1e-400", p("m", [], [("f", .float(0))])),
    ok("long mantissa is correctly rounded", "m f=0.1234567890123456789012345",
       p("m", [], [("f", .float(Double("0.1234567890123456789012345")!))])),
    ok("long integral float", "m f=123456789012345678901234567890",
       p("m", [], [("f", .float(Double("123456789012345678901234567890")!))])),
    ok("fast-path boundary", "m f=9007199254740993e-22",
       p("m", [], [("f", .float(Double("9007199254740993e-22")!))])),
    bad("float overflow", "m f=1e309", .floatOutOfRange, col: 5, name: "f"),
    bad("nan rejected", "m f=nan", .nonFiniteFloat, col: 5, name: "f"),
    bad("NaN rejected", "m f=NaN", .nonFiniteFloat, col: 5, name: "f"),
    bad("inf rejected", "m f=inf", .nonFiniteFloat, col: 5, name: "f"),
    bad("-inf rejected", "m f=-inf", .nonFiniteFloat, col: 5, name: "f"),
    bad("+Inf rejected", "m f=+Inf", .nonFiniteFloat, col: 5, name: "f"),
    bad("Infinity rejected", "m f=Infinity", .nonFiniteFloat, col: 5, name: "f"),
    bad("leading plus", "m f=+5", .invalidFloat, col: 5, name: "f"),
    bad("two decimal points", "m f=1.5.3", .invalidFloat, col: 5, name: "f"),
    bad("trailing letters", "m f=12abc", .invalidFloat, col: 5, name: "f"),
    bad("exponent without digits", "m f=1e", .invalidFloat, col: 5, name: "f"),
    bad("lone minus", "m f=-", .invalidFloat, col: 5, name: "f"),
    bad("lone dot", "m f=.", .invalidFloat, col: 5, name: "f"),
    bad("letters", "m f=abc", .invalidFieldValue, col: 5, name: "f"),

    // Integers and unsigned.
    ok("integer forms and range", "m a=0i,b=-0i,c=9223372036854775807i,d=-9223372036854775808i,e=0042i",
       p("m", [], [("a", .int(0)), ("b", .int(0)), ("c", .int(.max)), ("d", .int(.min)), ("e", .int(42))])),
    bad("integer above Int64.max", "m f=9223372036854775808i", .integerOutOfRange, col: 5, name: "f"),
    bad("integer below Int64.min", "m f=-9223372036854775809i", .integerOutOfRange, col: 5, name: "f"),
    bad("integer far out of range", "m f=123456789012345678901234i", .integerOutOfRange, col: 5, name: "f"),
    bad("integer with a fraction", "m f=1.5i", .invalidInteger, col: 5, name: "f"),
    bad("integer of letters", "m duration_ms=abci", .invalidInteger, col: 15, name: "duration_ms"),
    bad("integer without digits", "m f=-i", .invalidInteger, col: 5, name: "f"),
    bad("text after the i", "m f=1i2", .invalidInteger, col: 5, name: "f"),
    ok("unsigned forms and range", "m a=0u,b=18446744073709551615u",
       p("m", [], [("a", .uint(0)), ("b", .uint(.max))])),
    bad("unsigned above UInt64.max", "m f=18446744073709551616u", .unsignedOutOfRange, col: 5, name: "f"),
    bad("negative unsigned", "m f=-1u", .invalidUnsigned, col: 5, name: "f"),

    // Booleans.
    ok("all boolean spellings", "m a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE",
       p("m", [], [("a", .bool(true)), ("b", .bool(true)), ("c", .bool(true)), ("d", .bool(true)), ("e", .bool(true)),
                   ("f", .bool(false)), ("g", .bool(false)), ("h", .bool(false)), ("i", .bool(false)), ("j", .bool(false))])),
    bad("truncated boolean", "m f=tru", .invalidFieldValue, col: 5, name: "f"),
    bad("mixed-case boolean", "m f=truE", .invalidFieldValue, col: 5, name: "f"),
    bad("not a boolean", "m f=yes", .invalidFieldValue, col: 5, name: "f"),
    bad("boolean with trailing text", "m f=falsey", .invalidFieldValue, col: 5, name: "f"),

    // Strings.
    bad("unterminated string", #"m f="abc"#, .unterminatedString, col: 5, name: "f"),
    bad("escaped closing quote leaves it unterminated", #"m f="a\""#, .unterminatedString, col: 5, name: "f"),
    bad("text after a string", #"m f="abc"x"#, .unexpectedText, col: 10, name: "f"),

    // Timestamps and precision.
    ok("negative timestamp", "m f=1 -1", p("m", [], [("f", .float(1))], -1)),
    ok("largest timestamp", "m f=1 9223372036854775807", p("m", [], [("f", .float(1))], .max)),
    ok("smallest timestamp", "m f=1 -9223372036854775808", p("m", [], [("f", .float(1))], .min)),
    ok("precision us", "m f=1 5", p("m", [], [("f", .float(1))], 5_000), precision: .us),
    ok("precision ms", "m f=1 5", p("m", [], [("f", .float(1))], 5_000_000), precision: .ms),
    ok("precision s", "m f=1 5", p("m", [], [("f", .float(1))], 5_000_000_000), precision: .s),
    ok("precision does not touch a missing timestamp", "m f=1", p("m", [], [("f", .float(1))]), precision: .s),
    bad("timestamp above Int64.max", "m f=1 9223372036854775808", .timestampOutOfRange, col: 7),
    bad("timestamp far out of range", "m f=1 123456789012345678901234", .timestampOutOfRange, col: 7),
    bad("timestamp out of range after scaling (s)", "m f=1 9223372037", .timestampOutOfRange, col: 7, precision: .s),
    bad("timestamp out of range after scaling (ms)", "m f=1 -9223372036855", .timestampOutOfRange, col: 7, precision: .ms),
    bad("timestamp with letters", "m f=1 12a", .invalidTimestamp, col: 7),
    bad("fractional timestamp", "m f=1 1.5", .invalidTimestamp, col: 7),
    bad("lone minus timestamp", "m f=1 -", .invalidTimestamp, col: 7),
    bad("text after the timestamp", "m f=1 123 456", .unexpectedText, col: 11),

    // Required parts.
    bad("measurement only", "m", .missingFields, col: 1),
    bad("measurement and tags only", "m,t=v", .missingFields, col: 6),
    bad("measurement and a space", "m ", .missingFields, col: 3),
    bad("tags and a space", "m,t=v ", .missingFields, col: 7),
    bad("missing measurement", ",t=v f=1", .missingMeasurement, col: 1),
    bad("missing measurement after spaces", "  ,t=v f=1", .missingMeasurement, col: 3),
    bad("empty tag key", "m,=v f=1", .emptyTagKey, col: 3),
    bad("space after a tag comma", "m, t=v f=1", .emptyTagKey, col: 3),
    bad("tag without '='", "m,t f=1", .missingTagValue, col: 3, name: "t"),
    bad("empty tag value", "m,t= f=1", .emptyTagValue, col: 5, name: "t"),
    bad("trailing comma in the tag set", "m,t=v, f=1", .emptyTagKey, col: 7),
    bad("unescaped '=' in a tag value", "m,t=a=b f=1", .unescapedEquals, col: 5, name: "t"),
    bad("duplicate tag", "m,t=1,t=2 f=1", .duplicateTag, col: 7, name: "t"),
    bad("duplicate tag, spelled differently", #"m,a\b=1,a\\b=2 f=1"#, .duplicateTag, col: 9, name: #"a\b"#),
    bad("duplicate field", "m f=1,f=2", .duplicateField, col: 7, name: "f"),
    bad("empty field key", "m =1", .emptyFieldKey, col: 3),
    bad("field without '='", "m f", .missingFieldValue, col: 3, name: "f"),
    bad("field with '=' and nothing", "m f=", .missingFieldValue, col: 5, name: "f"),
    bad("field value missing before a space", "m f= 1", .missingFieldValue, col: 5, name: "f"),
    bad("trailing comma in the field set", "m f=1,", .emptyFieldKey, col: 7),
    bad("two commas in the field set", "m f=1,,g=2", .emptyFieldKey, col: 7),
    bad("last field without '='", "m f=1,g", .missingFieldValue, col: 7, name: "g"),
    bad("line longer than the limit", "m f=1234567890", .lineTooLong, col: 11, maxLineLength: 10),
    ok("line exactly at the limit", "m f=123456", p("m", [], [("f", .float(123456))])),
]
