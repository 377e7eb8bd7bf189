import ArgumentParser
import Foundation
import Histogram
import Ledger
import LineFront
import NIOCore
import Synchronization

/// `sika-bench open-loop`: per-step latency under a realistic load. Sessions arrive at a fixed rate whatever the
/// server does (an open loop, so latency is not Little's law of a closed loop), each user thinks a seeded 1–3 s
/// between the 7 steps of a transfer journey, and thousands of sessions are open at once. The server runs in its
/// own process (`open-loop-server`), so its CPU seconds and resident memory are its own.
struct OpenLoopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-loop", abstract: "Step latency (HDR p50/p99/p99.9) at a fixed offered step rate, users thinking between steps.")

    @Option(help: "Offered steps per second (7 steps per session, so sessions arrive at a seventh of it).") var rate: Double = 2000
    @OptionGroup var options: OpenLoopOptions

    mutating func validate() throws {
        if options.smoke { rate = 300 }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
    }

    func run() async throws {
        // With both stores, they take turns at the same rate on fresh servers, so the same machine load hits both.
        var results: [OpenLoopResult] = []
        for store in options.sessionStore.stores {
            var runOptions = options
            runOptions.sessionStore = OpenLoopOptions.SessionStoreChoice(rawValue: store) ?? .memory
            let result = try await Self.measure(rate: rate, runOptions)
            if runOptions.hold > 0 { print("[\(store)] \(result.memory)") }
            if results.isEmpty { print("store   " + result.header) }
            print(store.padding(toLength: 8, withPad: " ", startingAt: 0) + result.row)
            print("        \(result.byStep)")
            print("        \(result.verified)")
            results.append(result)
        }
        // A smoke run's window is too short to read the server's CPU: no ratio then.
        if results.count == 2, results[0].cpuPerThousand > 0 {
            print(
                String(
                    format: "sqlite / memory: p50 %.2f x, p99 %.2f x, server CPU per step %.2f x",
                    results[1].percentile(50) / results[0].percentile(50),
                    results[1].p99 / results[0].p99, results[1].cpuPerThousand / results[0].cpuPerThousand))
        }
    }

    /// Seven phone steps after the dial: send money, on-net, number, amount, confirm, PIN.
    static func inputs(recipient: String) -> [String] { ["1", "1", String(recipient.dropFirst(3)), "100", "1", BenchWorld.pin] }

    /// One run at `rate` offered steps/s against a fresh server process.
    static func measure(rate: Double, _ options: OpenLoopOptions) async throws -> OpenLoopResult {
        let dir = try BenchWorld.directory("open-loop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try BenchChild(arguments: [
            "open-loop-server", "--wallets", "\(options.wallets)", "--directory", dir.path, "--session-store",
            options.sessionStore == .sqlite ? "sqlite" : "memory",
        ])
        let port = try server.listeningPort()
        let probe = ProcessProbe(pid: server.pid)
        var clients: [LineClient] = []
        for _ in 0..<options.connections {
            let client = try await LineClient.connect(host: "127.0.0.1", port: port)
            try await client.hello(operatorID: "tmoney", token: "bench")
            clients.append(client)
        }
        let numbers = BenchWorld.numbers(options.wallets)
        // Memory per open session, on the fresh server before the load (after it, the allocator keeps what the
        // run used and the difference means nothing): `hold` sessions left waiting at the main menu, then hung up.
        // At most `holdConcurrency` BEGINs are in flight at once: with all of them at once, the server holds every
        // step's task (its async stack, ~10 kB) at the same moment, the allocator keeps that high-water mark as
        // resident memory, and the figure measured the burst rather than what an open session keeps.
        let idleRSS = probe.residentMiB() ?? 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<options.hold {
                if index >= options.holdConcurrency { try await group.next() }
                let client = clients[index % clients.count]
                let sender = numbers[index % numbers.count]
                group.addTask { _ = try await client.begin(session: "h\(index)", msisdn: sender, dial: "*145#") }
            }
            try await group.waitForAll()
        }
        let heldRSS = probe.residentMiB() ?? 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<options.hold {
                let client = clients[index % clients.count]
                group.addTask { try await client.abort(session: "h\(index)") }
            }
            try await group.waitForAll()
        }
        // The load runs on connections of its own (`JourneyDriver`).
        for client in clients { await client.close() }
        let sessionRate = rate / 7
        let sessions = max(1, Int(sessionRate * options.duration))
        // The window opens once a session that arrived at the start has had time to finish (6 thinks at the
        // longest), so it holds only the steady state: every step in it was offered at `rate`.
        let warmUp = Duration.seconds(6 * options.thinkMax)
        var shares = Array(repeating: [JourneyDriver.Journey](), count: options.connections)
        for index in 0..<sessions {
            var random = SplitMix64(seed: options.seed ^ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let thinks = (0..<6).map { _ in Double.random(in: options.thinkMin...options.thinkMax, using: &random) }
            shares[index % options.connections].append(
                JourneyDriver.Journey(
                    id: "o\(index)", sender: numbers[index % numbers.count], arrival: .seconds(Double(index) / sessionRate),
                    inputs: inputs(recipient: numbers[(index + 1) % numbers.count]), thinks: thinks))
        }
        // One origin on both clocks, read together: arrivals are scheduled on NIO's, the window is on Swift's. The
        // half second lets every connection say HELLO first.
        let (start, origin) = (ContinuousClock.now + .milliseconds(500), NIODeadline.now() + .milliseconds(500))
        let window = (start + warmUp)..<(start + .seconds(options.duration))
        guard window.lowerBound < window.upperBound else {
            throw ValidationError("--duration must exceed 6 × --think-max (\(6 * options.thinkMax) s) so that a steady state is measured")
        }
        let recorder = StepRecorder(window: window)
        let monitor = Task { try await recorder.monitor(probe) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for share in shares {
                group.addTask {
                    try await JourneyDriver.run(
                        host: "127.0.0.1", port: port, operatorID: "tmoney", token: "bench", journeys: share, recorder: recorder, start: origin)
                }
            }
            try await group.waitForAll()
        }
        monitor.cancel()
        let steady = recorder.snapshot()
        let verified = try server.finish()
        // A smoke run measures nothing, but its journeys must all have gone through: CI's check of the generator.
        if options.smoke, steady.failures > 0 || steady.steps == 0 {
            throw ValidationError("smoke run: \(steady.failures) journeys failed, \(steady.steps) steps answered in the window")
        }
        return OpenLoopResult(
            offered: rate, window: (window.upperBound - window.lowerBound).seconds, steady: steady, idleRSS: idleRSS, held: options.hold,
            heldRSS: heldRSS, verified: verified)
    }
}
