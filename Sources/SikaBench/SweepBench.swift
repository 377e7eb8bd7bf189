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
        let stores = options.sessionStore.stores
        for (index, rate) in rates.enumerated() {
            var kept = true
            for store in stores {
                var runOptions = options
                runOptions.sessionStore = OpenLoopOptions.SessionStoreChoice(rawValue: store) ?? .memory
                // Memory per session is the same at every rate: measure it once per store, on its first server.
                if index > 0 { runOptions.hold = 0 }
                let result = try await OpenLoopBench.measure(rate: rate, runOptions)
                if index == 0, runOptions.hold > 0 { print("[\(store)] \(result.memory)") }
                if index == 0, store == stores[0] { print("store   " + result.header) }
                print(store.padding(toLength: 8, withPad: " ", startingAt: 0) + result.row)
                print("        \(result.byStep)")
                kept = kept && result.p99 < targetP99 && result.steady.failures == 0 && result.achieved >= 0.95 * rate
                verified.append(result.verified)
            }
            // The highest rate is one that every store kept under the target.
            if kept { best = max(best ?? 0, rate) }
        }
        if let best {
            print("highest offered rate with p99 < \(targetP99) ms: \(Int(best)) steps/s")
        } else {
            print("no offered rate kept p99 < \(targetP99) ms")
        }
        print(verified.last ?? "")
    }
}
