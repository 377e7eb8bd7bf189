import Synchronization

/// Spaces the submit_sm of one bind to at most `perSecond`, so the SMSC's throttle is respected rather than answered
/// with ESME_RTHROTTLED. Callers wait their turn; a pause (after the SMSC said "throttled" anyway) delays every turn.
final class SubmitPacer: Sendable {
    private let interval: Duration?
    private let next = Mutex<ContinuousClock.Instant>(.now)

    init(perSecond: Double?) {
        interval = perSecond.flatMap { $0 > 0 ? Duration.nanoseconds(Int64(1_000_000_000 / $0)) : nil }
    }

    /// Waits for the next slot.
    func take() async {
        let wait = next.withLock { next -> Duration in
            let now = ContinuousClock.now
            let slot = max(now, next)
            next = slot + (interval ?? .zero)
            return slot - now
        }
        if wait > .zero { try? await Task.sleep(for: wait) }
    }

    /// No submit for `duration` from now.
    func pause(for duration: Duration) {
        next.withLock { $0 = max($0, .now + duration) }
    }
}
