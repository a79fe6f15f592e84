// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "klinesync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "klinesync", targets: ["klinesync"]),
        .library(name: "KlineSyncCore", targets: ["KlineSyncCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        // Already in the graph through Hummingbird; named here because the simulator stops its server gracefully.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Zips of the simulator's data.binance.vision archive (deflate; zlib underneath).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // The agent's metrics: Core records through swift-metrics; its HTTP server exports them as Prometheus text.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The domain: manifest, intervals, bars, planner, plan, report and the Store / Exchange protocols.
        // No NIO, GRDB or PostgresNIO here.
        .target(
            name: "KlineSyncCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // SQLite implementation of Store (GRDB).
        .target(
            name: "KlineSyncSQLite",
            dependencies: [
                "KlineSyncCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API of the same SQLite GRDB links, for the bulk insert and read paths.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // PostgreSQL implementation of Store (PostgresNIO), with per-symbol advisory locks for several agents.
        .target(
            name: "KlineSyncPostgres",
            dependencies: [
                "KlineSyncCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Binance REST implementation of Exchange (AsyncHTTPClient), and the data.binance.vision archive
        // (ArchiveSource): SHA-256 checks (Crypto), zips (ZIPFoundation).
        .target(
            name: "KlineSyncBinance",
            dependencies: [
                "KlineSyncCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Binance-compatible market-data simulator (Hummingbird).
        .target(
            name: "KlineSyncSimulator",
            dependencies: [
                "KlineSyncCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // The agent's HTTP endpoints (Hummingbird): /metrics (Prometheus text), /healthz, /status.
        .target(
            name: "KlineSyncAgentServer",
            dependencies: [
                "KlineSyncCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "klinesync",
            dependencies: [
                "KlineSyncCore",
                "KlineSyncAgentServer",
                "KlineSyncSQLite",
                "KlineSyncPostgres",
                "KlineSyncBinance",
                "KlineSyncSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // SIGINT and SIGTERM as an async sequence (apply's stop-then-abandon).
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // The agent runs beside its HTTP server in one ServiceGroup.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "KlineSyncCoreTests",
            dependencies: ["KlineSyncCore", .product(name: "MetricsTestKit", package: "swift-metrics")],
            exclude: ["Fixtures"]
        ),
        // Benchmarks: `klinesync-bench insert [--bars N]`; more modes are added as subcommands.
        .executableTarget(
            name: "klinesync-bench",
            dependencies: [
                "KlineSyncCore",
                "KlineSyncSQLite",
                "KlineSyncPostgres",
                "KlineSyncBinance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The Store contract suite, run against every backend (SQLite always).
        .testTarget(
            name: "KlineSyncStoreTests",
            dependencies: [
                "KlineSyncCore", "KlineSyncSQLite", "KlineSyncPostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "KlineSyncBinanceTests",
            dependencies: [
                "KlineSyncCore",
                "KlineSyncBinance",
                "KlineSyncSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "KlineSyncSimulatorTests",
            dependencies: [
                "KlineSyncCore",
                "KlineSyncSimulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "KlineSyncAgentServerTests",
            dependencies: [
                "KlineSyncCore",
                "KlineSyncAgentServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // End to end: the built `klinesync` binary over real loopback HTTP into real SQLite files.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "KlineSyncCore",
                "KlineSyncSimulator",
                "KlineSyncSQLite",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ]
)
