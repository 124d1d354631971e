// swift-tools-version:6.2
import PackageDescription

// Micro-benchmarks of the hot path, in their own package so the server never links the
// benchmark harness. Run from this folder: `swift package benchmark` (see BENCHMARKS.md).
let package = Package(
    name: "SwitchboardBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        benchmarkTarget(
            "RealtimeBenchmarks",
            [
                .product(name: "Realtime", package: "main"),
                .product(name: "Core", package: "main"),
                .product(name: "Media", package: "main"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        benchmarkTarget(
            "RedisBenchmarks",
            [
                .product(name: "Redis", package: "main"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)

/// One benchmark executable: `Benchmarks/NAME`, run by the ordo-one plugin.
func benchmarkTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
