import Synchronization

/// The 8-bit references of concatenated messages a sender writes: each long message gets the next one, so the parts
/// of two messages in flight at once are not mixed up by the handset.
final class ConcatenationReferences: Sendable {
    private let last = Atomic<UInt8>(UInt8.random(in: 0...255))

    func next() -> UInt8 { last.wrappingAdd(1, ordering: .relaxed).newValue }
}
