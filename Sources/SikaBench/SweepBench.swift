import ArgumentParser

/// `sika-bench sweep`: the open-loop bench at several offered rates, one fresh server each, as one table,
/// and the highest offered rate whose p99 stays under the target.
struct SweepBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Open-loop step latency at several offered rates, and the highest rate that keeps p99 under a target.")

    @Option(parsing: .upToNextOption, help: "Offered steps per second, one run each.")
    var rates: [Double] = [1000, 2500, 5000, 7500, 10000]
    @Option(help: "p99 target in milliseconds.") var targetP99: Double = 10
    @OptionGroup var options: OpenLoopOptions

    mutating func validate() throws {
        if options.smoke { rates = [150, 300] }
        guard !rates.isEmpty, rates.allSatisfy({ $0 > 0 }) else { throw ValidationError("--rates must be positive") }
    }

    func run() async throws {
        var best: Double?
        var verified: [String] = []
        for (index, rate) in rates.enumerated() {
            var runOptions = options
            // Memory per session is the same at every rate: measure it once, on the first server.
            if index > 0 { runOptions.hold = 0 }
            let result = try await OpenLoopBench.measure(rate: rate, runOptions)
            if index == 0 {
                if runOptions.hold > 0 { print(result.memory) }
                print(result.header)
            }
            print(result.row)
            if result.p99 < targetP99, result.steady.failures == 0, result.achieved >= 0.95 * rate { best = max(best ?? 0, rate) }
            verified.append(result.verified)
        }
        if let best {
            print("highest offered rate with p99 < \(targetP99) ms: \(Int(best)) steps/s")
        } else {
            print("no offered rate kept p99 < \(targetP99) ms")
        }
        print(verified.last ?? "")
    }
}
