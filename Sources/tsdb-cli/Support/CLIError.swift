/// A failure to report to the user as one line (ArgumentParser prints it as `Error: …` and exits 1).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
