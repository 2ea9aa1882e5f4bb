import ArgumentParser
import Foundation

/// `tsdb-cli inspect [TABLE]`: what is stored and how: columns, partitions, segments, encodings, sizes.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show tables, columns and types, partitions, segments, sizes, encodings and compression ratios.",
        discussion: "Embedded data directories only. With TABLE the partitions are listed too; --segments lists every segment."
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Flag(help: "List every segment of every partition.")
    var segments = false

    @Argument(help: ArgumentHelp("Only this table (and list its partitions).", valueName: "table"))
    var table: String?

    func run() throws {
        let backend = try global.openEmbedded(command: "inspect", readOnly: true)
        defer { try? backend.close() }
        if let table, backend.database.schema(of: table) == nil {
            let names = backend.database.tableNames()
            throw CLIError("no table '\(table)' in database '\(global.db)'" + (names.isEmpty ? "" : " (tables: \(names.joined(separator: ", ")))"))
        }
        let report = try StoreReport.gather(backend.database, name: global.db, only: table)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.keyEncodingStrategy = .convertToSnakeCase
            Terminal.write(STDOUT_FILENO, [UInt8](try enc.encode(report)) + [0x0A])
        } else {
            Terminal.out(report.text(partitions: table != nil || segments, segments: segments))
        }
    }
}
