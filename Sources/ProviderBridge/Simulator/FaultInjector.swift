import Foundation
import Ledger
import Synchronization

/// Decides, reproducibly, which fault each request meets, and counts what it injected.
public final class FaultInjector: Sendable {
    /// The endpoint a decision is for: only mutating ones can be duplicated or lose their answer.
    public enum Endpoint: String, Sendable {
        case credit
        case status
        case reverse
        case list
    }

    /// What to do with one request.
    public struct Decision: Sendable, Hashable {
        public var fault: Fault
        public var delayMs: Int
        public var duplicate: Bool
    }

    public let plan: FaultPlan
    private struct State {
        var requests = 0
        var seen: [String: Int] = [:]
        var counts: [Fault: Int] = [:]
    }
    private let state = Mutex(State())

    public init(plan: FaultPlan) { self.plan = plan }

    /// What was injected so far, by fault (`none` counts the requests answered normally).
    public var counts: [Fault: Int] { state.withLock { $0.counts } }

    /// Forgets arrival numbers and counts (not the plan).
    public func reset() { state.withLock { $0 = State() } }

    public func decide(_ endpoint: Endpoint, key: String, recipient: String? = nil) -> Decision {
        let (index, occurrence) = state.withLock { s -> (Int, Int) in
            let index = s.requests
            s.requests += 1
            let id = endpoint.rawValue + " " + key
            let occurrence = s.seen[id, default: 0]
            s.seen[id] = occurrence + 1
            return (index, occurrence)
        }
        var random = SplitMix64(seed: plan.seed ^ Self.hash("\(endpoint.rawValue)|\(key)|\(occurrence)"))
        let delay = plan.latencyMs + (plan.jitterMs > 0 ? Int(random.next() % UInt64(plan.jitterMs + 1)) : 0)
        let draw = random.unit()
        let duplicateDraw = random.unit()
        let mutating = endpoint == .credit || endpoint == .reverse
        var fault = Fault.none
        if let recipient, endpoint == .credit, plan.hold.contains(recipient) {
            fault = .hold
        } else if plan.outage?.contains(index) == true {
            fault = .outage
        } else if draw < plan.serverError {
            fault = .serverError
        } else if draw < plan.serverError + plan.reset {
            fault = .reset
        } else if mutating && draw < plan.serverError + plan.reset + plan.timeout {
            fault = .timeout
        } else if mutating && draw < plan.serverError + plan.reset + plan.timeout + plan.lostResponse {
            fault = .lostResponse
        }
        let duplicate = mutating && fault == .none && duplicateDraw < plan.duplicate
        state.withLock { s in
            s.counts[duplicate ? .duplicate : fault, default: 0] += 1
        }
        return Decision(fault: fault, delayMs: delay, duplicate: duplicate)
    }

    /// FNV-1a: stable across runs and platforms, unlike `Hasher`.
    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
