import Synchronization

/// Subscribers as a snapshot read them last, so that an operation is prepared off the write lock without a
/// read of its own (the read, with its thread hops and its pages re-read after every commit, cost more than
/// the checks it fed).
///
/// An entry may be stale: everything a preparation relies on is rechecked inside the write job, which does
/// the whole check itself when it differs (see `TransferRecheck`). So the cache can cost a fallback, never
/// a wrong answer; entries are dropped when their recheck failed and when an operation changed them.
final class SubscriberSnapshots: Sendable {
    private let entries = Mutex<[String: SubscriberRecord]>([:])
    /// Most entries; when full, the cache starts over (a crude bound, and a cheap one: a miss is one read).
    let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    func lookup(_ msisdn: String) -> SubscriberRecord? {
        entries.withLock { $0[msisdn] }
    }

    /// Keeps records read on a committed snapshot.
    func keep(_ records: SubscriberRecord...) {
        entries.withLock { entries in
            if entries.count + records.count > capacity { entries.removeAll(keepingCapacity: true) }
            for record in records { entries[record.msisdn.digits] = record }
        }
    }

    func forget(_ msisdns: String...) {
        entries.withLock { entries in
            for msisdn in msisdns { entries[msisdn] = nil }
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
