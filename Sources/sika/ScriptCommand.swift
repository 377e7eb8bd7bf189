import ArgumentParser
import Foundation
import Ledger
import MobileMoney
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

        func run() async throws {
            CommandLogging.bootstrap(defaultLevel: .error)
            let results = try await ScriptSuite(
                menus: URL(fileURLWithPath: menus), operators: URL(fileURLWithPath: operators), world: URL(fileURLWithPath: world)
            ).run(paths: paths.map { URL(fileURLWithPath: $0) })
            for result in results { print(result) }
            let failed = results.filter { !$0.passed }.count
            print("\(results.count - failed) passed, \(failed) failed")
            if failed > 0 || results.isEmpty { throw ExitCode.failure }
        }
    }
}
