// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "sika",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sika", targets: ["sika"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "MobileMoney", targets: ["MobileMoney"]),
        .library(name: "MenuEngine", targets: ["MenuEngine"]),
        .library(name: "SessionScripts", targets: ["SessionScripts"]),
        .library(name: "Sessions", targets: ["Sessions"]),
        .library(name: "ProviderBridge", targets: ["ProviderBridge"]),
        .library(name: "Gateway", targets: ["Gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
    ],
    targets: [
        .target(
            name: "Ledger",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MobileMoney",
            dependencies: [
                "Ledger",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "MenuEngine",
            dependencies: [
                .product(name: "Yams", package: "Yams")
            ],
            swiftSettings: strict
        ),
        .target(
            name: "SessionScripts",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "Sessions",
            dependencies: ["MenuEngine", "MobileMoney", "Ledger", "SessionScripts", "ProviderBridge"],
            swiftSettings: strict
        ),
        .target(
            name: "ProviderBridge",
            dependencies: [
                "Ledger",
                "MobileMoney",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Ledger",
                "MobileMoney",
                "MenuEngine",
                "Sessions",
                "SessionScripts",
                "ProviderBridge",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        // The files the binary needs at run time (menus, operator data, demo world, scripts, OpenAPI
        // document) as package resources, so `sika` works from any directory; see SikaHome. The target's
        // path is the package root so that the human-facing menus/, fixtures/ and docs/ stay where they
        // are and are the very files bundled; everything else at the root is excluded.
        .target(
            name: "SikaResources",
            path: ".",
            exclude: [
                "Sources/Gateway", "Sources/Ledger", "Sources/MenuEngine", "Sources/MobileMoney", "Sources/ProviderBridge",
                "Sources/SessionScripts", "Sources/Sessions", "Sources/sika", "Tests", "scripts", "README.md",
            ],
            sources: ["Sources/SikaResources"],
            resources: [.copy("menus"), .copy("fixtures"), .copy("docs")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sika",
            dependencies: [
                "SikaResources",
                "Ledger",
                "MobileMoney",
                "MenuEngine",
                "SessionScripts",
                "Sessions",
                "ProviderBridge",
                "Gateway",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"], swiftSettings: strict),
        .testTarget(
            name: "MobileMoneyTests",
            dependencies: ["MobileMoney", "Ledger", .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "MenuEngineTests", dependencies: ["MenuEngine"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "SessionScriptsTests",
            dependencies: ["SessionScripts", "MenuEngine", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ProviderBridgeTests",
            dependencies: [
                "ProviderBridge", "Ledger", "MobileMoney",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "ProviderBridge", "Sessions", "SessionScripts", "MobileMoney", "Ledger", "MenuEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SessionsTests", dependencies: ["Sessions", "SessionScripts", "MenuEngine", "MobileMoney", "Ledger"], swiftSettings: strict),
        .testTarget(
            name: "SikaTests",
            dependencies: [
                "sika", "Ledger", "MobileMoney", "ProviderBridge", "Gateway",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
