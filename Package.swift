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
        .executable(name: "sika-bench", targets: ["SikaBench"]),
        .library(name: "Operators", targets: ["Operators"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "LedgerSQLite", targets: ["LedgerSQLite"]),
        .library(name: "LedgerPostgres", targets: ["LedgerPostgres"]),
        .library(name: "MobileMoney", targets: ["MobileMoney"]),
        .library(name: "MenuEngine", targets: ["MenuEngine"]),
        .library(name: "SessionScripts", targets: ["SessionScripts"]),
        .library(name: "Sessions", targets: ["Sessions"]),
        .library(name: "SessionsSQLite", targets: ["SessionsSQLite"]),
        .library(name: "SessionsPostgres", targets: ["SessionsPostgres"]),
        .library(name: "ScriptTargets", targets: ["ScriptTargets"]),
        .library(name: "ProviderBridge", targets: ["ProviderBridge"]),
        .library(name: "GatewayCore", targets: ["GatewayCore"]),
        .library(name: "LineFront", targets: ["LineFront"]),
        .library(name: "USSDFront", targets: ["USSDFront"]),
        .library(name: "JSONAPI", targets: ["JSONAPI"]),
        .library(name: "Serve", targets: ["Serve"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "SimulatorFront", targets: ["SimulatorFront"]),
        .library(name: "SMPP", targets: ["SMPP"]),
        .library(name: "SMPPFront", targets: ["SMPPFront"]),
        .library(name: "SMTP", targets: ["SMTP"]),
        .library(name: "MailDelivery", targets: ["MailDelivery"]),
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
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "Operators",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(name: "Ledger", dependencies: ["Operators"], swiftSettings: strict),
        .target(
            name: "LedgerSQLite",
            dependencies: [
                "Ledger", "Operators", "PrivateFiles", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // The PostgreSQL store: several writer connections, each with its own group commit, on dedicated threads.
        .target(
            name: "LedgerPostgres",
            dependencies: [
                "Ledger", "Operators",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Owner-only (0600) database files, for both SQLite stores (the ledger's and the sessions').
        .target(name: "PrivateFiles", swiftSettings: strict),
        .target(
            name: "MobileMoney",
            dependencies: [
                "Ledger",
                "Operators",
                "MenuEngine",
                "SikaResources",
                // E-mail addresses and display names are checked by the rules the SMTP client sends by.
                "SMTP",
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
            dependencies: ["MenuEngine", "MobileMoney", "Ledger", "Operators"],
            swiftSettings: strict
        ),
        // The durable session store: its own SQLite file beside the ledger's (the only other module with SQL).
        .target(
            name: "SessionsSQLite",
            dependencies: ["Sessions", "PrivateFiles", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        // The session store on PostgreSQL, so that several `sika serve` nodes share sessions.
        .target(
            name: "SessionsPostgres",
            dependencies: [
                "Sessions", "LedgerPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ScriptTargets",
            dependencies: [
                "Sessions", "SessionScripts", "MenuEngine", "MobileMoney", "Ledger", "LedgerSQLite", "Operators", "ProviderBridge",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ProviderBridge",
            dependencies: [
                "Ledger",
                "MobileMoney",
                "Operators",
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
        // The protocol-neutral gateway: the step runner, per-session ordering and backpressure (a pure state
        // machine), SMS delivery to any front's sink, credentials, connection caps, metrics.
        .target(
            name: "GatewayCore",
            dependencies: [
                "Operators", "Ledger", "MobileMoney", "MenuEngine", "Sessions",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // The operators' line protocol: codec, connection handler and listener; a client and a script target.
        .target(
            name: "LineFront",
            dependencies: [
                "GatewayCore", "Operators", "Ledger", "Sessions", "SessionScripts",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // What every HTTP front shares on the one HTTP listener: the request context with the client's address.
        .target(
            name: "HTTPServerSupport",
            dependencies: [
                "GatewayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The aggregators' USSD callback (POST /ussd), with /health and /metrics.
        .target(
            name: "USSDFront",
            dependencies: [
                "GatewayCore", "HTTPServerSupport", "Ledger", "Sessions", "MenuEngine",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        // The JSON API for apps: JWT sessions, transactions, history, balances, off-net, cards, admin.
        .target(
            name: "JSONAPI",
            dependencies: [
                "HTTPServerSupport", "Operators", "Ledger", "MobileMoney", "Sessions",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The simulated mobile network behind the web phone: phones with inboxes, dialling through GatewayCore,
        // one SMS sink per operator. Protocol-neutral, so an SMPP front can fill the same inboxes.
        .target(
            name: "Simulator",
            dependencies: ["GatewayCore", "Ledger", "MobileMoney", "Operators"],
            swiftSettings: strict
        ),
        // The web simulator: the page (plain HTML/CSS/JS resources) and its JSON + server-sent events API.
        .target(
            name: "SimulatorFront",
            dependencies: [
                "Simulator", "HTTPServerSupport", "GatewayCore", "LineFront",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Web")],
            swiftSettings: strict
        ),
        // Everything `sika serve` runs as one service group: the fronts on their listeners, SMS delivery,
        // the idle-session sweeper, and whatever other services the process adds.
        .target(
            name: "Serve",
            dependencies: [
                "GatewayCore", "LineFront", "HTTPServerSupport", "USSDFront", "JSONAPI", "Sessions", "Simulator", "SimulatorFront",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // SMPP 3.4, both roles: the PDU codec, bind state machines, windowing, text codings, receipts,
        // the USSD mapping, a server connection handler and an async client. Knows nothing of Sika.
        .target(
            name: "SMPP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // SMPP in Sika, both roles: the operator network simulator's SMPP server (ESMEs reach the simulated phones and
        // serve their USSD codes) and the mobile-money service as an ESME of the operators' SMSCs (menus, receipts, DLRs).
        .target(
            name: "SMPPFront",
            dependencies: [
                "GatewayCore", "Simulator", "SMPP", "Ledger", "Operators",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The submission subset of SMTP (EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT) and
        // RFC 5322 / MIME message building. Knows nothing of Sika.
        .target(
            name: "SMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // E-mail notices out of the mail outbox: the relay URL (`--smtp`), the sender, the retry policy, the dispatcher
        // service and its metrics. The only module that drives the SMTP client.
        .target(
            name: "MailDelivery",
            dependencies: [
                "Ledger", "MobileMoney", "SMTP",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // glibc's posix_spawn file actions that Swift's Glibc module does not show.
        .target(name: "CSpawn"),
        // Child processes without Foundation.Process (whose run() crashes now and then on Linux, see ChildProcess).
        .target(name: "ChildProcess", dependencies: ["CSpawn"], swiftSettings: strict),
        .target(
            name: "CommandSupport",
            dependencies: [
                "Operators", "Ledger", "LedgerSQLite", "LedgerPostgres", "MobileMoney", "SikaResources",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The files the binary needs at run time (menus, operator data, demo world, scripts, OpenAPI
        // document) as package resources, so `sika` works from any directory; see SikaHome. The target's
        // path is the package root so that the human-facing menus/, fixtures/ and docs/ stay where they
        // are and are the very files bundled; its one source file is in SikaResources/ at the root, so that
        // a new module under Sources/ needs no entry here.
        .target(
            name: "SikaResources",
            path: ".",
            exclude: ["Sources", "Tests", "scripts", "README.md"],
            sources: ["SikaResources"],
            resources: [.copy("menus"), .copy("fixtures"), .copy("docs")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "sika",
            dependencies: [
                "Operators",
                "SikaResources",
                "Ledger",
                "LedgerSQLite",
                "LedgerPostgres",
                "ScriptTargets",
                "CommandSupport",
                "MobileMoney",
                "MenuEngine",
                "SessionScripts",
                "Sessions",
                "SessionsSQLite",
                "SessionsPostgres",
                "ProviderBridge",
                "GatewayCore", "LineFront", "JSONAPI", "Serve", "Simulator", "SMPP", "SMPPFront", "MailDelivery",
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
        // What every test target shares: the repository, shipped data, a fresh ledger or seeded world, a
        // clock, log capture. Never a dependency of shipped code.
        .target(
            name: "TestSupport",
            dependencies: [
                "Operators", "Ledger", "LedgerSQLite", "LedgerPostgres", "MobileMoney", "MenuEngine", "Sessions", "SMPP", "ChildProcess",
                .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        // Counts SQLite syncs at the VFS level, so a test can prove that commits really reach the disk.
        .target(name: "SyncCountingVFS", path: "Tests/SyncCountingVFS", linkerSettings: [.linkedLibrary("sqlite3")]),
        .testTarget(name: "GatewayCoreTests", dependencies: ["GatewayCore", "MenuEngine", "Sessions"], swiftSettings: strict),
        .testTarget(
            name: "LedgerTests", dependencies: ["Ledger", "LedgerSQLite", "Operators", "TestSupport", "SyncCountingVFS"],
            swiftSettings: strict),
        // The PostgreSQL store's own behaviour (URL, TLS, durability read back, shards, reconnecting after a restart);
        // the money rules run on it through the ledger, money, session and conformance suites.
        .testTarget(
            name: "LedgerPostgresTests",
            dependencies: ["Ledger", "LedgerPostgres", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "LedgerSQLiteTests",
            dependencies: ["Ledger", "LedgerSQLite", "MobileMoney", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "MobileMoneyTests",
            dependencies: [
                "MobileMoney", "MenuEngine", "Ledger", "LedgerPostgres", "Operators", "TestSupport", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .testTarget(name: "MenuEngineTests", dependencies: ["MenuEngine", "TestSupport"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(name: "SessionScriptsTests", dependencies: ["SessionScripts"], swiftSettings: strict),
        .testTarget(
            name: "ProviderBridgeTests",
            dependencies: [
                "ProviderBridge", "Ledger", "LedgerPostgres", "MobileMoney", "Operators", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "GatewayCore", "LineFront", "USSDFront", "JSONAPI", "Serve", "HTTPServerSupport", "ProviderBridge", "Sessions", "SessionsSQLite",
                "ScriptTargets",
                "SessionScripts", "MobileMoney", "Ledger", "LedgerSQLite", "MenuEngine",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: [
                "Simulator", "Serve", "GatewayCore", "Sessions", "MobileMoney", "Ledger", "TestSupport", "SessionScripts", "ScriptTargets",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SessionsTests",
            dependencies: [
                "Sessions", "SessionsSQLite", "SessionsPostgres", "ScriptTargets", "SessionScripts", "MenuEngine", "MobileMoney", "Ledger",
                "Operators",
                "TestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict),
        // The benchmarks: their own executable, never a dependency of the shipped `sika`.
        .executableTarget(
            name: "SikaBench",
            dependencies: [
                "CommandSupport", "Operators", "Ledger", "LedgerSQLite", "LedgerPostgres", "MobileMoney", "MenuEngine", "Sessions", "SessionsSQLite",
                "SessionsPostgres",
                "ProviderBridge",
                "GatewayCore",
                "LineFront", "Serve", "SikaResources", "SMPP", "SMPPFront", "Simulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"), "ChildProcess",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // A standalone SMPP server with a toy host, for the smpplib / aiosmpplib checks (scripts/smpp-interop.sh).
        .executableTarget(
            name: "smpp-interop-server",
            dependencies: [
                "SMPP", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SMPPInterop/Server",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SMPPTests",
            dependencies: [
                "SMPP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SMPPFrontTests",
            dependencies: [
                "SMPPFront", "SMPP", "GatewayCore", "Ledger", "Operators", "Serve", "Sessions", "Simulator", "TestSupport", "ChildProcess",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SMTPTests",
            dependencies: [
                "SMTP", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MailDeliveryTests",
            dependencies: [
                "MailDelivery", "MobileMoney", "Ledger", "SMTP", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // The crash tests' child processes.
        .executableTarget(
            name: "sika-torture",
            dependencies: [
                "CommandSupport", "Ledger", "MobileMoney", "ProviderBridge", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/Torture",
            swiftSettings: strict
        ),
        .testTarget(
            name: "SikaTests",
            dependencies: [
                "sika", "sika-torture", "ChildProcess", "Ledger", "LedgerSQLite", "LedgerPostgres", "MobileMoney", "Operators", "TestSupport",
                "ProviderBridge", "LineFront", "SMPP", "MailDelivery",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "GatewayCore", "LineFront", "JSONAPI", "Serve", "Sessions", "Simulator", "MobileMoney", "Ledger", "Operators", "TestSupport", "SMPP",
                "SMPPFront",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
