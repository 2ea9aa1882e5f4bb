// swift-tools-version:6.1
import PackageDescription

// tsdb: a columnar time-series engine for event analytics.
// Module map (see Sources/README.md): ColumnStore (storage) <- LineProtocol/Ingest (writes)
// <- QueryEngine (reads) <- tsdb-server / tsdb-cli (front ends).
let package = Package(
    name: "tsdb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tsdb-cli", targets: ["tsdb-cli"]),
        .executable(name: "tsdb-server", targets: ["tsdb-server"]),
        .library(name: "ColumnStore", targets: ["ColumnStore"]),
        .library(name: "LineProtocol", targets: ["LineProtocol"]),
        .library(name: "Ingest", targets: ["Ingest"]),
        .library(name: "QueryEngine", targets: ["QueryEngine"]),
        .library(name: "Parquet", targets: ["Parquet"]),
        .library(name: "PGWire", targets: ["PGWire"]),
        .library(name: "InfluxQL", targets: ["InfluxQL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        // libxlsxwriter (and the libcrypto it needs), opened with dlopen when the first workbook is made;
        // its header comes from libxlsxwriter-dev.
        .target(name: "CXlsxWriter", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(name: "CLibedit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // libcurl for tsdb-cli's --server (HTTP/1.1 chunks, TLS, gzip), opened with dlopen on first use so a
        // local query does not map it and its dependencies; its header comes from libcurl4-openssl-dev.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        // CRC-32C with the CPU's instructions (SSE4.2 / ARMv8 CRC32), chosen at run time by ColumnStore.
        .target(name: "CCRC32C"),

        .target(
            name: "ColumnStore",
            dependencies: ["CLZ4", "CZstd", "CCRC32C", .product(name: "Atomics", package: "swift-atomics")],
            exclude: ["Codecs/README.md"]
        ),
        // Parquet files over column vectors: writer and reader; knows no SQL.
        .target(name: "Parquet", dependencies: ["ColumnStore", "CZstd", "CSnappy", "CZlib"]),
        // Excel workbooks over column vectors through libxlsxwriter; knows no SQL.
        .target(name: "XLSX", dependencies: ["ColumnStore", "CXlsxWriter"]),
        .target(name: "LineProtocol"),
        // PostgreSQL wire protocol v3: messages, framing, value formats; knows no storage and no SQL.
        .target(name: "PGWire", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "Ingest", dependencies: ["LineProtocol", "ColumnStore", "Parquet"]),
        .target(
            name: "QueryEngine",
            dependencies: ["ColumnStore", "Parquet", "XLSX"]
        ),
        // InfluxQL: lexer, parser, translation to the engine's SQL, InfluxDB's series JSON; one engine.
        .target(name: "InfluxQL", dependencies: ["ColumnStore", "QueryEngine"]),
        .executableTarget(
            name: "tsdb-server",
            dependencies: [
                "ColumnStore", "Ingest", "QueryEngine", "Parquet", "CZlib", "PGWire", "InfluxQL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            // The console's files are compiled in as Console/ConsoleAssets.swift (scripts/embed_console_assets.py).
            exclude: ["Console/assets"]
        ),
        .executableTarget(
            name: "tsdb-cli",
            dependencies: [
                "ColumnStore", "Ingest", "QueryEngine", "Parquet", "CLibedit", "CZlib", "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Test support: seeded generators, fixtures, a crash harness.
        .target(name: "TestSupport", dependencies: ["ColumnStore"], path: "Sources/TestSupport"),
        // A child process the crash tests start and SIGKILL mid-write.
        .executableTarget(name: "CrashWriter", dependencies: ["ColumnStore", "TestSupport"], path: "Tests/CrashWriter"),

        .testTarget(name: "ColumnStoreTests", dependencies: ["ColumnStore", "TestSupport", "CrashWriter"]),
        .testTarget(name: "LineProtocolTests", dependencies: ["LineProtocol", "Ingest", "ColumnStore", "TestSupport"]),
        .testTarget(name: "QueryEngineTests", dependencies: ["QueryEngine", "Ingest", "ColumnStore", "TestSupport"],
                    exclude: ["SQLLogic/sqllogic"]),
        .testTarget(name: "ServerTests", dependencies: ["tsdb-server", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio")], exclude: ["Clients"]),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "ColumnStore", "TestSupport"]),
        .testTarget(name: "PGWireTests", dependencies: ["PGWire", "TestSupport", .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(name: "InfluxQLTests", dependencies: ["InfluxQL", "QueryEngine", "Ingest", "ColumnStore", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["tsdb-cli", "TestSupport"]),
    ]
)
