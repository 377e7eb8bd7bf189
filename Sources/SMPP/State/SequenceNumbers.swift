/// Hands out sequence numbers 1…0x7FFFFFFF and wraps (section 5.1.4: the high bit is reserved).
public struct SequenceNumbers: Sendable {
    public static let maximum: UInt32 = 0x7FFF_FFFF
    private var last: UInt32

    /// `start` is the first number handed out.
    public init(start: UInt32 = 1) {
        precondition((1...Self.maximum).contains(start))
        last = start - 1
    }

    public mutating func next() -> UInt32 {
        last = last >= Self.maximum ? 1 : last + 1
        return last
    }
}
