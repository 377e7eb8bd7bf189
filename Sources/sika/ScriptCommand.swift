import ArgumentParser
import CommandSupport
import Foundation
import GatewayCore
import Ledger
import LedgerSQLite
import LineFront
import MobileMoney
import Operators
import ScriptTargets
import SessionScripts
import Sessions
import SikaResources

/// `sika script run FILES…`: replay session scripts and print one pass/fail line per script.
struct ScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script", abstract: "Replay session scripts.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run session scripts in-process, each against a fresh ledger seeded with the demo world.",
            discussion: """
                With --connect, the scripts run against a live `sika serve --demo` over the line socket instead. The \\
                operator tokens, the admin token and the HTTP address come from <db>.tokens, which serve writes beside \\
                its ledger (--db, else $SIKA_DB, else ./sika.sqlite); $SIKA_TOKEN_<OPERATOR> and --token override them. \\
                Before each script the runner asks the server to restore the demo world (POST /api/admin/demo/reset), so \\
                every script starts from the seeded world as it does in-process; balances are read from the ledger file.
                """)
        @Argument(help: "Script files or directories (default: fixtures/scripts of $SIKA_HOME, else the scripts built into sika).")
        var paths: [String] = []
        @Option(help: "Menu directory (default: menus/ of $SIKA_HOME, else built in).") var menus: String?
        @Option(help: "Operator data (default: menus/operators.yaml of $SIKA_HOME, else built in).") var operators: String?
        @Option(help: "Demo world (default: fixtures/demo-world.yaml of $SIKA_HOME, else built in).") var world: String?
        @Option(help: ArgumentHelp("Replay against a live `sika serve --demo` at HOST:PORT over the line socket instead of in-process."))
        var connect: String?
        @Option(help: "With --connect: the server's ledger file, for balances and <db>.tokens (default: $SIKA_DB or ./sika.sqlite).")
        var db: String?
        @Option(help: "With --connect: operator token as OPERATOR=TOKEN (default: $SIKA_TOKEN_<OPERATOR>, else <db>.tokens).")
        var token: [String] = []
        @Flag(help: "With --connect: do not restore the demo world before each script (the scripts then share one world).")
        var noReset = false

        func validate() throws {
            if let connect { _ = try HostPort(connect) }
            for pair in token where !pair.contains("=") { throw ValidationError("--token expects OPERATOR=TOKEN") }
        }

        func run() async throws {
            CommandLogging.bootstrap(defaultLevel: .error)
            let home = SikaHome()
            let files = try ScriptSuite.files((paths.isEmpty ? [home.scripts.path] : paths).map { URL(fileURLWithPath: $0) })
            let operators = URL(fileURLWithPath: self.operators ?? home.operators.path)
            let results: [ScriptResult]
            if let connect {
                results = try await runConnected(files, to: HostPort(connect), operators: operators)
            } else {
                results = try await ScriptSuite(
                    menus: URL(fileURLWithPath: menus ?? home.menus.path), operators: operators,
                    world: URL(fileURLWithPath: world ?? home.world.path)
                ).run(paths: files)
            }
            for result in results { print(result) }
            let failed = results.filter { !$0.passed }.count
            print("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 || results.isEmpty { throw ExitCode.failure }
        }

        private func runConnected(_ files: [URL], to address: HostPort, operators: URL) async throws -> [ScriptResult] {
            let environment = ProcessInfo.processInfo.environment
            let catalog = try OperatorCatalog.load(from: operators)
            let database = db ?? environment["SIKA_DB"] ?? "./sika.sqlite"
            let server = try ServerFile.read(ServerFile.path(forDatabase: database))
            // The file first, then the environment, then --token: the last word is the most explicit one.
            var tokens = server.filter { $0.key.hasPrefix("SIKA_TOKEN_") }
            tokens.merge(environment.filter { $0.key.hasPrefix("SIKA_TOKEN_") && !$0.value.isEmpty }) { $1 }
            var byOperator = OperatorTokens.load(environment: tokens, catalog: catalog, generateMissing: false).tokens
            for pair in token {
                let parts = pair.split(separator: "=", maxSplits: 1)
                byOperator[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            var balances: (@Sendable (String) async throws -> Int64?)?
            var ledger: MobileMoney?
            if FileManager.default.fileExists(atPath: database) {
                let pepper = try PinPepper.load(environment: environment, keyFile: database + ".key", createIfMissing: false)
                let money = MobileMoney(ledger: try await Ledger.openSQLite(path: database, catalog: catalog), pepper: pepper)
                ledger = money
                balances = { msisdn in
                    guard let subscriber = try await money.subscriber(msisdn) else { return nil }
                    return try await money.ledger.account(id: subscriber.accountID)?.balance
                }
            }
            let restore = try noReset ? nil : DemoRestoreClient(server: server, environment: environment, database: database)
            var scripts: [SessionScript] = []
            for file in files { scripts += try ScriptParser.load(contentsOf: file) }
            var results: [ScriptResult] = []
            for script in scripts {
                // Each script from the seeded world, as in-process; and fresh connections, so that its SMS
                // checks see only its own messages.
                try await restore?.restore()
                // With the ledger at hand, SMS checks wait for what the outbox says this script sent, not for a quiet spell.
                var sentSince: (@Sendable (String) async throws -> [String])?
                if let ledger {
                    let mark = try await ledger.lastOutboxID()
                    sentSince = { msisdn in try await ledger.sentSMS(to: msisdn, after: mark) }
                }
                let target = try await LineScriptTarget.connect(
                    host: address.host, port: address.port, catalog: catalog, tokens: OperatorTokens(tokens: byOperator), balances: balances,
                    // A failure bound, not a pace: a passing script waits only as long as its SMS take, and a busy
                    // server (or a loaded machine) may take far longer than usual to deliver them.
                    sentSince: sentSince, deliveryTimeout: .seconds(120))
                results.append(await ScriptRunner { target }.run(script))
                await target.close()
            }
            return results
        }
    }
}
