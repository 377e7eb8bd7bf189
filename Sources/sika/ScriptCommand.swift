import ArgumentParser
import CommandSupport
import Foundation
import Gateway
import Ledger
import LedgerSQLite
import MobileMoney
import Operators
import ScriptTargets
import SessionScripts
import Sessions

/// `sika script run FILES…`: replay session scripts and print one pass/fail line per script.
struct ScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script", abstract: "Replay session scripts.", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run session scripts in-process, each against a fresh ledger seeded with the demo world.")
        @Argument(help: "Script files or directories (default: fixtures/scripts).") var paths: [String] = ["fixtures/scripts"]
        @Option(help: "Menu directory.") var menus: String = "menus"
        @Option(help: "Operator data.") var operators: String = "menus/operators.yaml"
        @Option(help: "Demo world.") var world: String = "fixtures/demo-world.yaml"
        @Option(
            help: ArgumentHelp(
                "Replay against a live `sika serve` at HOST:PORT over the line socket instead of in-process.",
                discussion: "Scripts expect a freshly seeded demo world and run one after the other against the same server."))
        var connect: String?
        @Option(help: "With --connect: the server's ledger file, to check balances (they cannot be read over the socket).") var db: String?
        @Option(help: "With --connect: operator token as OPERATOR=TOKEN (default: $SIKA_TOKEN_<OPERATOR>).") var token: [String] = []

        func validate() throws {
            if let connect { _ = try HostPort(connect) }
            for pair in token where !pair.contains("=") { throw ValidationError("--token expects OPERATOR=TOKEN") }
        }

        func run() async throws {
            CommandLogging.bootstrap(defaultLevel: .error)
            let results: [ScriptResult]
            if let connect {
                results = try await runConnected(to: HostPort(connect))
            } else {
                results = try await ScriptSuite(
                    menus: URL(fileURLWithPath: menus), operators: URL(fileURLWithPath: operators), world: URL(fileURLWithPath: world)
                ).run(paths: paths.map { URL(fileURLWithPath: $0) })
            }
            for result in results { print(result) }
            let failed = results.filter { !$0.passed }.count
            print("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 || results.isEmpty { throw ExitCode.failure }
        }

        private func runConnected(to address: HostPort) async throws -> [ScriptResult] {
            let catalog = try OperatorCatalog.load(from: URL(fileURLWithPath: operators))
            var tokens = OperatorTokens.load(environment: ProcessInfo.processInfo.environment, catalog: catalog, generateMissing: false).tokens
            for pair in token {
                let parts = pair.split(separator: "=", maxSplits: 1)
                tokens[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
            }
            var balances: (@Sendable (String) async throws -> Int64?)?
            if let db {
                let pepper = try PinPepper.load(environment: ProcessInfo.processInfo.environment, keyFile: db + ".key", createIfMissing: false)
                let money = MobileMoney(ledger: try await Ledger.openSQLite(path: db, catalog: catalog), pepper: pepper)
                balances = { msisdn in
                    guard let subscriber = try await money.subscriber(msisdn) else { return nil }
                    return try await money.ledger.account(id: subscriber.accountID)?.balance
                }
            }
            var scripts: [SessionScript] = []
            for file in try ScriptSuite.files(paths.map { URL(fileURLWithPath: $0) }) { scripts += try ScriptParser.load(contentsOf: file) }
            var results: [ScriptResult] = []
            for script in scripts {
                // Fresh connections per script, so each script's SMS checks see only its own messages.
                let target = try await LineScriptTarget.connect(
                    host: address.host, port: address.port, catalog: catalog, tokens: OperatorTokens(tokens: tokens), balances: balances)
                results.append(await ScriptRunner { target }.run(script))
                await target.close()
            }
            return results
        }
    }
}
