import ArgumentParser

/// `sika bench …`: the performance targets, measured. Run with `swift run -c release`.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput against in-run baselines (build with -c release).",
        subcommands: [LedgerBench.self, EngineBench.self, GatewayBench.self, OffNetBench.self, LimiterBench.self]
    )
}
