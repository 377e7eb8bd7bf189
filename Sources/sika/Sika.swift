import ArgumentParser

/// The `sika` command-line tool: run the platform, manage the ledger, lint menus, replay scripts.
@main
struct Sika: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sika",
        abstract: "Sika: mobile money for feature phones.",
        subcommands: [
            LedgerCommand.self, SubscriberCommand.self, CashInCommand.self, ReverseCommand.self, Menus.self, ScriptCommand.self,
            ProviderCommand.self, ReconcileCommand.self, SettlementCommand.self,
            ServeCommand.self,
            PhoneCommand.self,
        ]
    )
}
