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
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
            dependencies: ["MenuEngine", "MobileMoney", "Ledger", "SessionScripts"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sika",
            dependencies: [
                "Ledger",
                "MobileMoney",
                "MenuEngine",
                "SessionScripts",
                "Sessions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
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
            name: "SessionsTests", dependencies: ["Sessions", "SessionScripts", "MenuEngine", "MobileMoney", "Ledger"], swiftSettings: strict),
        .testTarget(name: "SikaTests", dependencies: ["sika", "Ledger", "MobileMoney"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
