import Synchronization

/// One provider's circuit breaker: after `failureThreshold` consecutive transport failures it opens and
/// refuses calls for `cooldown`, then lets one probe through; the probe's result closes or reopens it.
///
/// While a provider is down this keeps sessions from waiting on timeouts that cannot succeed, and keeps
/// the provider from a retry storm when it comes back.
public final class CircuitBreaker: Sendable {
    public struct Options: Sendable, Hashable {
        public var failureThreshold: Int
        public var cooldown: Duration

        public init(failureThreshold: Int = 8, cooldown: Duration = .seconds(2)) {
            self.failureThreshold = failureThreshold
            self.cooldown = cooldown
        }
    }

    /// Where the breaker stands.
    public enum State: String, Sendable, Hashable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    private struct Status {
        var state: State = .closed
        var failures = 0
        var openedAt: ContinuousClock.Instant?
        var probing = false
        var opened = 0
    }

    public let options: Options
    private let status = Mutex(Status())
    private let clock = ContinuousClock()

    public init(options: Options = Options()) { self.options = options }

    public var state: State { status.withLock { $0.state } }
    /// How many times the breaker opened.
    public var timesOpened: Int { status.withLock { $0.opened } }

    /// Asks to make a call; false means "do not call, the circuit is open".
    public func allow() -> Bool {
        let now = clock.now
        return status.withLock { s in
            switch s.state {
            case .closed: return true
            case .open:
                guard let openedAt = s.openedAt, now - openedAt >= options.cooldown else { return false }
                s.state = .halfOpen
                s.probing = true
                return true
            case .halfOpen:
                // One probe at a time; everyone else waits for its verdict.
                if s.probing { return false }
                s.probing = true
                return true
            }
        }
    }

    /// The provider answered (a credit, a refusal, a 404: all prove it is alive).
    public func recordSuccess() {
        status.withLock { s in
            s.state = .closed
            s.failures = 0
            s.probing = false
        }
    }

    /// A transport failure or overload answer.
    public func recordFailure() {
        let now = clock.now
        status.withLock { s in
            s.failures += 1
            s.probing = false
            if s.state == .halfOpen || (s.state == .closed && s.failures >= options.failureThreshold) {
                s.state = .open
                s.openedAt = now
                s.opened += 1
            }
        }
    }
}
