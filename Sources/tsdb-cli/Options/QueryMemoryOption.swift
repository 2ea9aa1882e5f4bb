import ArgumentParser
import QueryEngine

/// `--query-memory SIZE`: the memory one embedded query may hold (`QueryControl`'s budget).
struct QueryMemoryOption: ParsableArguments {
    @Option(name: .customLong("query-memory"),
            help: ArgumentHelp("Memory one query may hold, e.g. 512MiB or 4GiB; a query needing more fails with an error (embedded; default: 4GiB).",
                               valueName: "size"))
    var queryMemory: String = "4GiB"

    /// The limit in bytes.
    var bytes: Int { QueryControl.parseBytes(queryMemory) ?? QueryControl.defaultMemoryLimit }

    func validate() throws {
        guard QueryControl.parseBytes(queryMemory) != nil else {
            throw ValidationError("invalid --query-memory '\(queryMemory)': expected a size such as 512MiB or 4GiB")
        }
    }

    /// Applies the budget to an embedded backend (a server applies its own).
    func apply(to backend: Backend) {
        (backend as? EmbeddedBackend)?.queryMemory = bytes
    }
}
