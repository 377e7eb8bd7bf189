import ArgumentParser
import Foundation
import Ledger
import LedgerPostgres
import LedgerSQLite
import MobileMoney
import Operators
import SikaResources

/// Where the ledger, operator data and PIN pepper live; shared by every command that opens the ledger.
public struct StoreOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(name: .long, help: "SQLite ledger file (default: $SIKA_DB or ./sika.sqlite); with --database, the base name of local files only.")
    public var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The ledger on PostgreSQL instead of SQLite: postgres://user[:password]@host[:port]/database (default: $SIKA_DATABASE_URL).",
            discussion: "The password may also come from $SIKA_DATABASE_PASSWORD (or SIKA_DATABASE_PASSWORD in serve's --secrets file); "
                + "sslmode=require or verify-full (with sslrootcert=CA.pem) turns TLS on. It is never printed: messages show the URL without it.",
            valueName: "url"))
    public var database: String?

    @Option(name: .long, help: "PostgreSQL writer connections, each committing its own batches (with --database).")
    public var databaseWriters: Int = 4

    @Option(
        name: .long, help: "Operator data: numbering, limits, tariffs (default: menus/operators.yaml of $SIKA_HOME, else the one built into sika).")
    public var operators: String?

    @Option(name: .long, help: "PIN pepper key file, used when $SIKA_PIN_PEPPER is not set (default: <db>.key).")
    public var keyFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "What an answered commit survives: full (crash and power loss), normal (process crash only), off (throwaway data).",
            discussion: "SQLite `synchronous` on the ledger's writer, read back at start; the command refuses to run if it did not apply."
        ))
    public var durability: Durability = .full

    /// The SQLite ledger file, and the base name of the process's local files (`<db>.key`, `<db>.tokens`) whatever the ledger's store.
    public var databasePath: String { db ?? ProcessInfo.processInfo.environment["SIKA_DB"] ?? "./sika.sqlite" }

    /// Where the ledger lives.
    public enum Backend: Sendable {
        case sqlite(path: String)
        case postgres(PostgresEndpoint)
    }

    /// The lock several nodes of one PostgreSQL database take for work one of them does at a time (the reconciler);
    /// nil on SQLite, where one process owns the file.
    public func exclusiveLock(secrets: [String: String] = [:]) throws -> (any ExclusiveLock)? {
        guard case .postgres(let endpoint) = try backend(secrets: secrets) else { return nil }
        return PostgresAdvisoryLock(endpoint: endpoint)
    }

    /// The ledger's store: `--database`, else `--db`, else `$SIKA_DATABASE_URL`, else `$SIKA_DB` or `./sika.sqlite`.
    ///
    /// - Parameter secrets: assignments of a secrets file; `SIKA_DATABASE_PASSWORD` there (or in the environment)
    ///   is the password when the URL has none.
    public func backend(secrets: [String: String] = [:]) throws -> Backend {
        let environment = ProcessInfo.processInfo.environment
        guard let url = database ?? (db == nil ? environment["SIKA_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } : nil) else {
            return .sqlite(path: databasePath)
        }
        var endpoint: PostgresEndpoint
        do {
            endpoint = try PostgresEndpoint(url: url)
        } catch {
            throw ValidationError("--database: \(error.message)")
        }
        if endpoint.password == nil {
            endpoint.password = environment["SIKA_DATABASE_PASSWORD"] ?? secrets["SIKA_DATABASE_PASSWORD"]
        }
        return .postgres(endpoint)
    }

    /// Where the ledger is, for people (never a password).
    public func location(secrets: [String: String] = [:]) throws -> String {
        switch try backend(secrets: secrets) {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let endpoint): endpoint.location
        }
    }

    /// The operator data file: `--operators`, else `$SIKA_HOME`'s, else the bundled one.
    public var operatorsPath: String { operators ?? SikaHome().operators.path }

    public func catalog() throws -> OperatorCatalog {
        try OperatorCatalog.load(from: URL(fileURLWithPath: operatorsPath))
    }

    /// Opens the ledger with its subscribers; the pepper key file is created on first use.
    ///
    /// - Parameter secrets: assignments of a secrets file (serve's `--secrets`), for the database password.
    public func open(
        createKey: Bool = true, ledgerOptions: Ledger.Options = Ledger.Options(), moneyOptions: MobileMoney.Options = MobileMoney.Options(),
        secrets: [String: String] = [:]
    ) async throws -> MobileMoney {
        CommandLogging.bootstrap(defaultLevel: .warning)
        let backend = try backend(secrets: secrets)
        if case .sqlite(let path) = backend { try Self.checkDirectory(of: path) }
        var ledgerOptions = ledgerOptions
        ledgerOptions.durability = durability
        let pepper = try PinPepper.load(
            environment: ProcessInfo.processInfo.environment, keyFile: keyFile ?? databasePath + ".key", createIfMissing: createKey)
        let ledger = try await openLedger(backend, catalog: try catalog(), options: ledgerOptions)
        return MobileMoney(ledger: ledger, pepper: pepper, options: moneyOptions, receipts: try Receipts.loadShipped())
    }

    /// Opens the ledger alone on `backend` (benches, the copy).
    public func openLedger(_ backend: Backend, catalog: OperatorCatalog, options: Ledger.Options) async throws -> Ledger {
        switch backend {
        case .sqlite(let path):
            return try await Ledger.openSQLite(path: path, catalog: catalog, options: options)
        case .postgres(let endpoint):
            guard databaseWriters >= 1 else { throw ValidationError("--database-writers must be at least 1") }
            var store = PostgresLedgerStore.Options()
            store.writers = databaseWriters
            return try await Ledger.openPostgres(endpoint: endpoint, catalog: catalog, options: options, store: store)
        }
    }

    /// What the ledger's writer runs with, read back from it, for people: `synchronous=FULL (…)` on SQLite,
    /// `synchronous_commit=on, fsync=on (…)` on PostgreSQL.
    public static func durabilityLine(_ ledger: Ledger) async throws -> String {
        if let store = ledger.store as? PostgresLedgerStore { return try await store.writerDurabilityReading() }
        return try await ledger.writerDurability().description
    }
}

extension StoreOptions {
    /// SQLite says only "unable to open database file" when the directory is missing: say which one.
    public static func checkDirectory(of path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw CommandFailure("cannot open the ledger \(path): the directory \(directory) does not exist")
        }
        guard isDirectory.boolValue else {
            throw CommandFailure("cannot open the ledger \(path): \(directory) is not a directory")
        }
    }
}

extension Durability: ExpressibleByArgument {}

/// Parses an amount typed on the command line: a positive whole number of FCFA.
public func parseAmount(_ text: String) throws -> Int64 {
    guard let value = Int64(text), value > 0 else { throw ValidationError("amount must be a positive whole number of FCFA") }
    return value
}
