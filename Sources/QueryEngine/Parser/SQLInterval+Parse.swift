extension SQLInterval {
    /// Why interval text was refused.
    struct ParseError: Error {
        var message: String
    }

    /// Reads DuckDB's interval text: items `[-]number unit` (e.g. `7 days`, `1.5 hours`, `1day`), an optional
    /// time part `[-]H:MM[:SS[.fraction]]` after them, and an optional trailing `ago` that negates it all.
    /// A lone number means seconds. Fractions spill into smaller parts the way DuckDB does
    /// (`1.5 days` = 1 day 12 hours, `1.5 months` = 1 month 15 days, `0.5 years` = 6 months).
    static func parse(_ text: String) throws(ParseError) -> SQLInterval {
        var scanner = IntervalScanner(Array(text.utf8))
        return try scanner.parse()
    }

    /// `count` whole units, for `INTERVAL 2 HOURS`.
    static func make(_ count: Int64, _ unit: IntervalUnit) throws(ParseError) -> SQLInterval {
        var sum = IntervalSum()
        try sum.add(IntervalNumber(whole: count, fraction: 0, scale: 1, negative: false), unit)
        return try sum.interval()
    }
}

/// A non-negative decimal `whole + fraction / scale` (scale a power of ten up to 10^18) and a sign.
struct IntervalNumber {
    var whole: Int64
    var fraction: Int64
    var scale: Int64
    var negative: Bool
}

/// Months, days and nanoseconds summed with overflow checks (wider than the result, checked at the end).
struct IntervalSum {
    var months: Int64 = 0
    var days: Int64 = 0
    var nanoseconds: Int64 = 0

    private static let dayNanoseconds: Int64 = 86_400_000_000_000

    mutating func add(_ number: IntervalNumber, _ unit: IntervalUnit) throws(SQLInterval.ParseError) {
        var addMonths: Int64 = 0, addDays: Int64 = 0, addNanos: Int64 = 0
        switch unit {
        case .months(let perUnit):
            addMonths = try checked(number.whole.multipliedReportingOverflow(by: perUnit))
            addMonths = try checked(addMonths.addingReportingOverflow(
                scaled(number.fraction, by: perUnit, over: number.scale).quotient))
        case .month:
            addMonths = number.whole
            let spill = scaled(number.fraction, by: 30, over: number.scale)
            addDays = spill.quotient
            addNanos = scaled(spill.remainder, by: Self.dayNanoseconds, over: number.scale).quotient
        case .days(let perUnit):
            addDays = try checked(number.whole.multipliedReportingOverflow(by: perUnit))
            let spill = scaled(number.fraction, by: perUnit, over: number.scale)
            addDays = try checked(addDays.addingReportingOverflow(spill.quotient))
            addNanos = scaled(spill.remainder, by: Self.dayNanoseconds, over: number.scale).quotient
        case .nanoseconds(let perUnit):
            addNanos = try checked(number.whole.multipliedReportingOverflow(by: perUnit))
            addNanos = try checked(addNanos.addingReportingOverflow(
                scaled(number.fraction, by: perUnit, over: number.scale).quotient))
        }
        if number.negative {
            addMonths = -addMonths
            addDays = -addDays
            addNanos = -addNanos
        }
        months = try checked(months.addingReportingOverflow(addMonths))
        days = try checked(days.addingReportingOverflow(addDays))
        nanoseconds = try checked(nanoseconds.addingReportingOverflow(addNanos))
    }

    mutating func negate() throws(SQLInterval.ParseError) {
        months = try checked((0 as Int64).subtractingReportingOverflow(months))
        days = try checked((0 as Int64).subtractingReportingOverflow(days))
        nanoseconds = try checked((0 as Int64).subtractingReportingOverflow(nanoseconds))
    }

    func interval() throws(SQLInterval.ParseError) -> SQLInterval {
        guard let months = Int32(exactly: months), let days = Int32(exactly: days) else {
            throw SQLInterval.ParseError(message: "interval is out of range")
        }
        return SQLInterval(months: months, days: days, nanoseconds: nanoseconds)
    }

    /// `value * factor / scale` with a 128-bit product; needs `0 <= value < scale`, so it can't overflow.
    private func scaled(_ value: Int64, by factor: Int64, over scale: Int64) -> (quotient: Int64, remainder: Int64) {
        if value == 0 { return (0, 0) }
        let product = value.multipliedFullWidth(by: factor)
        return scale.dividingFullWidth(product)
    }

    private func checked(_ result: (partialValue: Int64, overflow: Bool)) throws(SQLInterval.ParseError) -> Int64 {
        if result.overflow { throw SQLInterval.ParseError(message: "interval is out of range") }
        return result.partialValue
    }
}

/// Walks interval text byte by byte.
private struct IntervalScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8 { index < bytes.count ? bytes[index] : 0 }
    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
    private func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- UInt8(ascii: "a") < 26 }
    private mutating func skipSpaces() {
        while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") { index += 1 }
    }

    private func fail(_ message: String) -> SQLInterval.ParseError {
        SQLInterval.ParseError(message: message)
    }

    mutating func parse() throws(SQLInterval.ParseError) -> SQLInterval {
        var sum = IntervalSum()
        var items = 0
        var sawTime = false
        skipSpaces()
        while index < bytes.count {
            if isLetter(current) {
                guard items > 0, word() == "ago" else { throw fail("expected a number") }
                skipSpaces()
                guard index == bytes.count else { throw fail("nothing may follow 'ago'") }
                try sum.negate()
                break
            }
            if sawTime { throw fail("the time part h:mm:ss must come last") }
            let negative = current == UInt8(ascii: "-")
            if negative { index += 1 }
            guard isDigit(current) else { throw fail("expected a number") }
            if isTimeAhead() {
                try time(into: &sum, negative: negative)
                sawTime = true
                items += 1
                skipSpaces()
                continue
            }
            let number = try decimal(negative: negative)
            skipSpaces()
            if index == bytes.count, items == 0 {
                // A lone number means seconds, as in DuckDB.
                try sum.add(number, .nanoseconds(1_000_000_000))
                return try sum.interval()
            }
            guard isLetter(current) else { throw fail("expected a unit after the number, e.g. 'days'") }
            let name = word()
            guard let unit = IntervalUnit.named(name) else { throw fail("unknown unit '\(name)'") }
            guard index == bytes.count || current == UInt8(ascii: " ") || current == UInt8(ascii: "\t")
                || current == UInt8(ascii: "-") || isDigit(current) else {
                throw fail("unexpected character after '\(name)'")
            }
            try sum.add(number, unit)
            items += 1
            skipSpaces()
        }
        guard items > 0 else { throw fail("expected a number and a unit, e.g. '7 days'") }
        return try sum.interval()
    }

    /// The run of letters at the index, in lower case.
    private mutating func word() -> String {
        let start = index
        while isLetter(current) { index += 1 }
        return String(decoding: bytes[start..<index].map { $0 | 0x20 }, as: UTF8.self)
    }

    /// Whether the digits at the index are followed by ':' (an `H:MM` time part).
    private func isTimeAhead() -> Bool {
        var at = index
        while at < bytes.count, isDigit(bytes[at]) { at += 1 }
        return at < bytes.count && bytes[at] == UInt8(ascii: ":")
    }

    /// `digits [. digits]`, keeping up to 18 fraction digits.
    private mutating func decimal(negative: Bool) throws(SQLInterval.ParseError) -> IntervalNumber {
        var number = IntervalNumber(whole: 0, fraction: 0, scale: 1, negative: negative)
        while isDigit(current) {
            let (times10, o1) = number.whole.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(current &- UInt8(ascii: "0")))
            guard !o1, !o2 else { throw fail("number is too large") }
            number.whole = sum
            index += 1
        }
        if current == UInt8(ascii: ".") {
            index += 1
            while isDigit(current) {
                if number.scale < 1_000_000_000_000_000_000 {
                    number.fraction = number.fraction * 10 + Int64(current &- UInt8(ascii: "0"))
                    number.scale *= 10
                }
                index += 1
            }
        }
        return number
    }

    /// `H:MM[:SS[.fraction]]`, added with the sign given.
    private mutating func time(into sum: inout IntervalSum, negative: Bool) throws(SQLInterval.ParseError) {
        let hours = try decimal(negative: negative)
        try sum.add(hours, .nanoseconds(3_600_000_000_000))
        index += 1  // ':'
        let minutes = try twoDigits()
        try sum.add(IntervalNumber(whole: minutes, fraction: 0, scale: 1, negative: negative), .nanoseconds(60_000_000_000))
        if current == UInt8(ascii: ":") {
            index += 1
            var seconds = IntervalNumber(whole: try twoDigits(), fraction: 0, scale: 1, negative: negative)
            if current == UInt8(ascii: ".") {
                let fraction = try decimal(negative: negative)
                seconds.fraction = fraction.fraction
                seconds.scale = fraction.scale
            }
            try sum.add(seconds, .nanoseconds(1_000_000_000))
        }
        guard index == bytes.count || current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") else {
            throw fail("bad time part: expected h:mm[:ss[.fraction]]")
        }
    }

    /// One or two digits below 60 (minutes, seconds).
    private mutating func twoDigits() throws(SQLInterval.ParseError) -> Int64 {
        var value: Int64 = 0
        var count = 0
        while isDigit(current), count < 2 {
            value = value * 10 + Int64(current &- UInt8(ascii: "0"))
            index += 1
            count += 1
        }
        guard count > 0, value < 60, !isDigit(current) else {
            throw fail("bad time part: minutes and seconds are 00 to 59")
        }
        return value
    }
}
