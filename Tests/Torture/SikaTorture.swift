import ArgumentParser

/// `sika-torture …`: the child processes of the crash tests, kept out of the shipped `sika`'s command
/// tree. Each runs money operations and reports each acknowledged one on standard output, one line per
/// write, until the parent test kills it with SIGKILL.
@main
struct SikaTorture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sika-torture",
        abstract: "Crash-test children: run operations until killed, reporting each acknowledged one.",
        subcommands: [LedgerTransfers.self, OffNet.self, OffNetAudit.self]
    )
}
