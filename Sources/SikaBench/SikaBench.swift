import ArgumentParser
import CommandSupport

/// `sika-bench …`: the performance targets, measured against baselines taken in the same run.
///
/// A separate executable, so that the shipped `sika` carries no benchmark code. Build it in release
/// mode for figures (`swift build -c release --product sika-bench`); `--smoke` runs any bench with
/// tiny counts, which is what CI does to prove each one still runs and ends with a clean ledger.
@main
struct SikaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sika-bench",
        abstract: "Measure throughput and latency against in-run baselines (build with -c release).",
        subcommands: [
            LedgerBench.self, EngineBench.self, GatewayBench.self, OpenLoopBench.self, SweepBench.self, OffNetBench.self, LimiterBench.self,
            SMPPBench.self, NodesBench.self, OpenLoopServer.self, NodesServer.self,
        ]
    )
}
