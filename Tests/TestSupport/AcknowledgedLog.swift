import Synchronization

/// What the callers of a load test were told while the test restarted the server under them: each acknowledged
/// transfer's id with its key, counted before and after the restart, each refusal, and any other error.
public final class AcknowledgedLog<Refusal: Error & Sendable>: Sendable {
    private struct State {
        var acknowledged: [(id: Int64, key: String)] = []
        var before = 0
        var after = 0
        var restarted = false
        var refusals: [Refusal] = []
        var strange: [String] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// From now on, acknowledgements count as after the restart.
    public func markRestarted() { state.withLock { $0.restarted = true } }

    public var restarted: Bool { state.withLock { $0.restarted } }

    public func acknowledge(_ id: Int64, _ key: String) {
        state.withLock { state in
            state.acknowledged.append((id, key))
            if state.restarted { state.after += 1 } else { state.before += 1 }
        }
    }

    public func refuse(_ error: Refusal) { state.withLock { $0.refusals.append(error) } }

    /// An error that is not a refusal at all: the tests expect none.
    public func strange(_ error: any Error) { state.withLock { $0.strange.append("\(error)") } }

    public func count(afterRestart: Bool) -> Int { state.withLock { afterRestart ? $0.after : $0.before } }

    public var acknowledged: [(id: Int64, key: String)] { state.withLock { $0.acknowledged } }
    public var refusals: [Refusal] { state.withLock { $0.refusals } }
    public var strangeErrors: [String] { state.withLock { $0.strange } }
}
