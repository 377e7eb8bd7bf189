import ArgumentParser
import Foundation
import Ledger
import LedgerSQLite
import MobileMoney
import Operators
import SikaResources

/// Where the ledger, operator data and PIN pepper live; shared by every command that opens the ledger.
public struct StoreOptions: ParsableArguments, Sendable {
    public init() {}

    @Option(name: .long, help: "SQLite ledger file (default: $SIKA_DB or ./sika.sqlite).")
    public var db: String?

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

    public var databasePath: String { db ?? ProcessInfo.processInfo.environment["SIKA_DB"] ?? "./sika.sqlite" }

    /// The operator data file: `--operators`, else `$SIKA_HOME`'s, else the bundled one.
    public var operatorsPath: String { operators ?? SikaHome().operators.path }

    public func catalog() throws -> OperatorCatalog {
        try OperatorCatalog.load(from: URL(fileURLWithPath: operatorsPath))
    }

    /// Opens the ledger with its subscribers; the pepper key file is created on first use.
    public func open(
        createKey: Bool = true, ledgerOptions: Ledger.Options = Ledger.Options(), moneyOptions: MobileMoney.Options = MobileMoney.Options()
    ) async throws -> MobileMoney {
        CommandLogging.bootstrap(defaultLevel: .warning)
        try Self.checkDirectory(of: databasePath)
        var ledgerOptions = ledgerOptions
        ledgerOptions.durability = durability
        let pepper = try PinPepper.load(
            environment: ProcessInfo.processInfo.environment, keyFile: keyFile ?? databasePath + ".key", createIfMissing: createKey)
        let ledger = try await Ledger.openSQLite(path: databasePath, catalog: try catalog(), options: ledgerOptions)
        return MobileMoney(ledger: ledger, pepper: pepper, options: moneyOptions, receipts: try Receipts.loadShipped())
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
