// swift-tools-version:6.1
// Benchmarks of tsdb, run in release: `swift package --disable-sandbox benchmark` (package-benchmark), and
// `swift run -c release codec-report` for the codec size/speed table written to docs/benchmarks-codecs.md.
import PackageDescription

let package = Package(
    name: "tsdb-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "tsdb", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // gen_plays-shaped columns (same distributions as shared/bench/gen_plays.py), one block at a time.
        .target(name: "PlaysColumns", dependencies: [.product(name: "ColumnStore", package: "tsdb")]),
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                "PlaysColumns",
                .product(name: "ColumnStore", package: "tsdb"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "codec-report",
            dependencies: ["PlaysColumns", .product(name: "ColumnStore", package: "tsdb")]
        ),
        // "checksum WAL records and segment blocks": CRC-32C software vs hardware path, GB/s.
        .executableTarget(name: "ChecksumBench", dependencies: [.product(name: "ColumnStore", package: "tsdb")]),
        // "parse gen_plays lines": single-core line-protocol parse into columnar batches, lines/s and MB/s.
        .executableTarget(
            name: "LineProtocolBench",
            dependencies: [
                .product(name: "ColumnStore", package: "tsdb"),
                .product(name: "LineProtocol", package: "tsdb"),
                .product(name: "Ingest", package: "tsdb"),
            ]
        ),
    ]
)
