import ArgumentParser
import CommandSupport
import Foundation

/// The `sika` command-line tool: run the platform, manage the ledger, lint menus, replay scripts.
@main
struct Sika: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sika",
        abstract: "Sika: mobile money for feature phones.",
        subcommands: [
            LedgerCommand.self, SubscriberCommand.self, CashInCommand.self, ReverseCommand.self, Menus.self, ScriptCommand.self,
            ProviderCommand.self, ReconcileCommand.self, SettlementCommand.self, MailCommand.self,
            ServeCommand.self,
            PhoneCommand.self,
        ]
    )

    /// Wrong arguments (parsing and `validate()`) print the usage and exit 64, as ArgumentParser does;
    /// a failure while a command runs prints one line, `error: …`, and exits 1: the usage would only
    /// hide what went wrong.
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
        } catch {
            CommandFailure.exit(error)
        }
    }
}
