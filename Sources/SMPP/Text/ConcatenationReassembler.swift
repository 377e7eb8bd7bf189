import NIOCore

/// Collects the parts of concatenated messages as they arrive (UDH IEI 0x00 / 0x08, or the sar_* TLVs) and hands back
/// each message once its last part is in. Bounded: at most `maximumPendingMessages` incomplete messages are held (the
/// oldest is dropped to make room), and an incomplete message older than `timeout` is dropped by `expire(now:)`.
public struct ConcatenationReassembler: Sendable {
    /// What identifies the parts of one message.
    public struct Key: Hashable, Sendable {
        public var source: String
        public var destination: String
        public var reference: UInt16
        public var total: UInt8
    }

    /// What `receive` did with a short message.
    public enum Outcome: Hashable, Sendable {
        /// The message is whole (it was never split, or this was its last missing part).
        case complete(ReassembledMessage)
        /// A part was stored; more are missing.
        case pending(Key)
    }

    private struct Pending: Sendable {
        var first: SubmitSM
        var bodies: [UInt8: [UInt8]]
        var started: NIODeadline
    }

    public let maximumPendingMessages: Int
    public let timeout: TimeAmount
    private var pending: [Key: Pending] = [:]
    /// Keys dropped because the buffer was full; read and cleared by `takeEvicted()`.
    private var evicted: [Key] = []

    public init(maximumPendingMessages: Int = 256, timeout: TimeAmount = .seconds(60)) {
        precondition(maximumPendingMessages > 0)
        self.maximumPendingMessages = maximumPendingMessages
        self.timeout = timeout
    }

    /// How many incomplete messages are held.
    public var pendingCount: Int { pending.count }

    /// Takes in one submit_sm or deliver_sm.
    public mutating func receive(_ message: SubmitSM, now: NIODeadline) -> Outcome {
        guard let (info, body) = Self.concatenation(of: message), info.isValid, info.total > 1 else {
            // Not part of a longer message: hand it on with any UDH (ports, say) removed.
            let body = message.hasUDH ? (UserDataHeader.parse(message.userData)?.body ?? ArraySlice(message.userData)) : ArraySlice(message.userData)
            return .complete(
                ReassembledMessage(
                    source: message.source, destination: message.destination, dataCoding: message.dataCoding,
                    userData: Array(body), parts: 1))
        }
        let key = Key(
            source: message.source.address, destination: message.destination.address, reference: info.reference,
            total: info.total)
        if pending[key] == nil, pending.count >= maximumPendingMessages,
            let oldest = pending.min(by: { $0.value.started < $1.value.started })?.key
        {
            pending[oldest] = nil
            evicted.append(oldest)
        }
        var entry = pending[key] ?? Pending(first: message, bodies: [:], started: now)
        entry.bodies[info.index] = Array(body)
        if info.index == 1 { entry.first = message }
        guard entry.bodies.count == Int(info.total) else {
            pending[key] = entry
            return .pending(key)
        }
        pending[key] = nil
        let joined = (1...info.total).flatMap { entry.bodies[$0]! }
        return .complete(
            ReassembledMessage(
                source: entry.first.source, destination: entry.first.destination, dataCoding: entry.first.dataCoding,
                userData: joined, parts: Int(info.total)))
    }

    /// Drops the incomplete messages whose first part came `timeout` or longer ago, and returns their keys.
    public mutating func expire(now: NIODeadline) -> [Key] {
        let stale = pending.filter { now - $0.value.started >= timeout }.map(\.key)
        for key in stale { pending[key] = nil }
        return stale
    }

    /// The keys dropped to make room since the last call.
    public mutating func takeEvicted() -> [Key] {
        defer { evicted = [] }
        return evicted
    }

    /// The concatenation info and text octets of a message: from its UDH when esm_class has UDHI, else from the sar_*
    /// TLVs. Nil when the message carries neither (a UDH that cannot be parsed counts as none).
    static func concatenation(of message: SubmitSM) -> (ConcatenationInfo, ArraySlice<UInt8>)? {
        if message.hasUDH, let parsed = UserDataHeader.parse(message.userData) {
            if let info = parsed.concatenation { return (info, parsed.body) }
            return nil
        }
        let options = message.options
        if let reference = options.sarMessageReference, let total = options.sarTotalSegments,
            let index = options.sarSegmentSequenceNumber
        {
            return (ConcatenationInfo(reference: reference, total: total, index: index), ArraySlice(message.userData))
        }
        return nil
    }
}
