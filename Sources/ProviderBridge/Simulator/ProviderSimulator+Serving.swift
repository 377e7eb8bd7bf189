import Logging
import ServiceLifecycle

extension ProviderSimulator {
    /// Runs one simulator per operator of `cores` on free ports of 127.0.0.1 for the duration of `body`, then
    /// shuts them down gracefully (the listener closes first, requests in flight finish).
    ///
    /// Graceful, not cancelled: a Hummingbird server whose task is cancelled while it still accepts connections
    /// drops an accepted child channel before it runs, and NIO traps on the writer it never finished
    /// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#2637) — which takes the whole
    /// process down, a bench or a test suite.
    ///
    /// - Parameter body: gets each operator's bound port.
    public static func serving<T: Sendable>(
        _ cores: [String: SimulatedProvider], logger: Logger, _ body: @Sendable ([String: Int]) async throws -> T
    ) async throws -> T {
        let (bound, continuation) = AsyncStream.makeStream(of: (String, Int).self)
        let simulators = cores.map { op, core in ProviderSimulator(provider: core, port: 0) { continuation.yield((op, $0)) } }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: simulators, logger: logger))
        let running = Task {
            // A group that fails to start (or stops) ends the wait for ports below.
            defer { continuation.finish() }
            try await group.run()
        }
        var ports: [String: Int] = [:]
        for await (op, port) in bound {
            ports[op] = port
            if ports.count == cores.count { break }
        }
        let result: Result<T, any Error>
        do {
            guard ports.count == cores.count else { throw NotListening(missing: Set(cores.keys).subtracting(ports.keys).sorted()) }
            result = .success(try await body(ports))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await running.value
        return try result.get()
    }

    /// These operators' simulators stopped before they listened.
    struct NotListening: Error, CustomStringConvertible {
        let missing: [String]
        var description: String { "the provider simulators of \(missing.joined(separator: ", ")) stopped before listening" }
    }
}
