/// Printing names back as SQL: bare when that reads back the same, double-quoted otherwise.
enum SQLIdentifier {
    /// `name` bare if it is lower-case `[a-z_][a-z0-9_$]*` and not a reserved word; else `"na""me"`.
    static func quoted(_ name: String) -> String {
        var bare = !name.isEmpty
        for (index, byte) in name.utf8.enumerated() {
            let lowerLetter = byte &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_")
            let digit = byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "$")
            if !(lowerLetter || (index > 0 && digit)) {
                bare = false
                break
            }
        }
        if bare {
            let bytes = Array(name.utf8)
            let keyword = bytes.withUnsafeBufferPointer { Keyword.lookup($0, 0..<$0.count) }
            if keyword?.isReserved ?? false { bare = false }
        }
        if bare { return name }
        var text = "\""
        for character in name {
            text.append(character)
            if character == "\"" { text.append("\"") }
        }
        return text + "\""
    }

    /// `'text'` with each `'` doubled.
    static func stringLiteral(_ value: String) -> String {
        var text = "'"
        for character in value {
            text.append(character)
            if character == "'" { text.append("'") }
        }
        return text + "'"
    }
}
