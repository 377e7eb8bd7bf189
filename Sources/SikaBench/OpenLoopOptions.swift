import ArgumentParser

/// What shapes an open-loop run: how fast sessions arrive, how long users think, how long it lasts.
struct OpenLoopOptions: ParsableArguments {
    @Option(help: "Seconds during which new sessions arrive (the measured window starts once the first sessions finish).")
    var duration: Double = 40
    @Option(help: "Shortest think time between two steps of one user, seconds.") var thinkMin: Double = 1
    @Option(help: "Longest think time between two steps of one user, seconds.") var thinkMax: Double = 3
    @Option(help: "Seed of the think times.") var seed: UInt64 = 1
    @Option(help: "Line connections (operator gateways) the sessions are spread over.") var connections: Int = 8
    @Option(help: "Funded wallets; each journey sends 100 FCFA from one to the next.") var wallets: Int = 2000
    @Option(help: "Idle sessions opened before the run to measure the server's memory per open session.") var hold: Int = 10_000
    @Option(help: "Held sessions whose BEGIN is in flight at once (a burst of all of them measures the burst's task stacks, not the sessions).")
    var holdConcurrency: Int = 256
    @Option(help: "Where the server keeps sessions between steps: memory, sqlite (sika serve's default), or both (one run each, same rate).")
    var sessionStore: SessionStoreChoice = .memory

    /// The session stores a run compares.
    enum SessionStoreChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
        case memory, sqlite, both
        /// The stores to run, one fresh server each.
        var stores: [String] { self == .both ? ["memory", "sqlite"] : [rawValue] }
    }
    @Flag(help: "Tiny counts and millisecond think times: proves the bench runs and verifies clean (CI), measures nothing.")
    var smoke = false

    mutating func validate() throws {
        if smoke { (duration, thinkMin, thinkMax, connections, wallets, hold) = (1.5, 0.01, 0.03, 2, 16, 200) }
        guard duration > 0, thinkMin >= 0, thinkMax >= thinkMin, connections > 0, wallets > 1, hold >= 0, holdConcurrency > 0 else {
            throw ValidationError("durations and counts must be positive, --think-max at least --think-min")
        }
    }
}
