import Foundation
import Synchronization

/// A `SimulatedProvider` called in this process, without HTTP: the same answers and the same injected
/// faults (a dropped connection becomes `connectionLost`, a hang a `timeout`). Session scripts and fast
/// tests use it; `HTTPProvider` against a `ProviderSimulator` is the real thing.
public struct LocalProvider: Provider {
    public let simulator: SimulatedProvider
    public let source: String
    let authorization: String

    public init(simulator: SimulatedProvider, source: String, apiKey: String) {
        self.simulator = simulator
        self.source = source
        self.authorization = "Bearer \(apiKey)"
    }

    public var operatorID: String { simulator.operatorID }

    public func credit(_ request: ProviderTransferRequest, timeout: Duration) async throws(ProviderError) -> ProviderTransfer {
        let body = HTTPProvider.encode(request)
        let (status, data) = try await exchange(timeout) { [simulator, authorization] in
            await simulator.credit(authorization: authorization, body: body)
        }
        switch status {
        case 200, 201, 422: return try HTTPProvider.decode(ProviderTransfer.self, data, status: status)
        default: throw HTTPProvider.failure(status, data)
        }
    }

    public func status(key: String, timeout: Duration) async throws(ProviderError) -> ProviderTransfer? {
        let (status, data) = try await exchange(timeout) { [simulator, authorization] in
            await simulator.status(authorization: authorization, key: key)
        }
        switch status {
        case 200, 422: return try HTTPProvider.decode(ProviderTransfer.self, data, status: status)
        case 404: return nil
        default: throw HTTPProvider.failure(status, data)
        }
    }

    public func reverse(key: String, timeout: Duration) async throws(ProviderError) -> ProviderTransfer {
        let (status, data) = try await exchange(timeout) { [simulator, authorization] in
            await simulator.reverse(authorization: authorization, key: key)
        }
        switch status {
        case 200, 422: return try HTTPProvider.decode(ProviderTransfer.self, data, status: status)
        default: throw HTTPProvider.failure(status, data)
        }
    }

    public func credits(since: Int64, timeout: Duration) async throws(ProviderError) -> [ProviderTransfer] {
        let (status, data) = try await exchange(timeout) { [simulator, authorization] in
            await simulator.list(authorization: authorization, since: since)
        }
        guard status == 200 else { throw HTTPProvider.failure(status, data) }
        return try HTTPProvider.decode(ProviderTransferList.self, data, status: status).transfers
    }

    /// Runs the simulator's handler in a task of its own and waits at most `timeout` for it; like a
    /// server, the handler carries on after its caller gave up.
    private func exchange(_ timeout: Duration, _ handler: @escaping @Sendable () async -> SimulatedProvider.Reply)
        async throws(ProviderError) -> (Int, Data)
    {
        let reply: SimulatedProvider.Reply? = await withCheckedContinuation { continuation in
            let once = Once()
            let timer = Task {
                // Cancelled only by an answer that already claimed the continuation.
                do { try await Task.sleep(for: timeout) } catch { return }
                if once.claim() { continuation.resume(returning: nil) }
            }
            Task {
                let answer = await handler()
                // Claim before cancelling the timer: cancelling first woke the timer, which could claim
                // first and turn an answer that arrived in time into a timeout.
                guard once.claim() else { return }
                timer.cancel()
                continuation.resume(returning: answer)
            }
        }
        switch reply {
        case .answer(let status, let body)?: return (status, body)
        case .drop?: throw ProviderError(.connectionLost, "\(operatorID) dropped the connection")
        case nil: throw ProviderError(.timeout, "no answer from \(operatorID) within \(timeout)")
        }
    }
}

/// True for the first caller only: lets exactly one of two racing tasks resume a continuation.
final class Once: Sendable {
    private let done = Mutex(false)

    func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
