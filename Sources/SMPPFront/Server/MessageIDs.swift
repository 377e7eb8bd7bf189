import Foundation
import Synchronization

/// The SMSC message ids the server hands out in `submit_sm_resp` and names in receipts: decimal, increasing, and
/// starting from the start time in milliseconds, so a restarted server does not give an id again. Decimal digits
/// read the same to every ESME (Kannel's `msg-id-type` included).
final class MessageIDs: Sendable {
    private let next: Atomic<UInt64>

    init(start: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) { next = Atomic(start) }

    func make() -> String { String(next.wrappingAdd(1, ordering: .relaxed).oldValue) }
}
