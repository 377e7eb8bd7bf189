import NIOCore

/// The outstanding requests of one session, as a value: at most `capacity` in flight, the rest wait in FIFO order (up
/// to `maximumWaiting`), responses are matched by sequence number, and every request fails once `timeout` has passed
/// since it was enqueued, sent or not. Sending can be paused (the channel is not writable) without losing anything.
public struct RequestWindow<Element>: Sendable where Element: Sendable {
    /// What `enqueue` did.
    public enum Admission: Sendable {
        /// Send it now, with this sequence number.
        case send(UInt32)
        /// It waits for a free slot.
        case queued
        /// The waiting queue is full: the request is refused.
        case rejected
    }

    private struct InFlight: Sendable {
        var element: Element
        var deadline: NIODeadline
    }

    private struct Waiting: Sendable {
        var element: Element
        var deadline: NIODeadline
    }

    public private(set) var capacity: Int
    public let maximumWaiting: Int
    public let timeout: TimeAmount
    public private(set) var sequenceNumbers = SequenceNumbers()
    private var inFlight: [UInt32: InFlight] = [:]
    private var waiting = CircularBuffer<Waiting>()
    public private(set) var isPaused = false

    public init(capacity: Int, timeout: TimeAmount, maximumWaiting: Int = 1024) {
        precondition(capacity > 0, "a window holds at least one request")
        self.capacity = capacity
        self.timeout = timeout
        self.maximumWaiting = maximumWaiting
    }

    public var inFlightCount: Int { inFlight.count }

    /// Changes how many requests may be in flight (a bind's own window, set once it is bound). A smaller window lets
    /// the requests in flight finish; returns the waiting ones a larger one lets out now.
    public mutating func resize(capacity: Int) -> [(UInt32, Element)] {
        precondition(capacity > 0, "a window holds at least one request")
        self.capacity = capacity
        return releasable()
    }
    public var waitingCount: Int { waiting.count }

    /// A sequence number for a request that bypasses the window (bind, unbind, enquire_link, responses never need one).
    public mutating func nextSequenceNumber() -> UInt32 { sequenceNumbers.next() }

    public mutating func enqueue(_ element: Element, now: NIODeadline) -> Admission {
        let deadline = now + timeout
        if !isPaused, waiting.isEmpty, inFlight.count < capacity {
            let sequence = sequenceNumbers.next()
            inFlight[sequence] = InFlight(element: element, deadline: deadline)
            return .send(sequence)
        }
        guard waiting.count < maximumWaiting else { return .rejected }
        waiting.append(Waiting(element: element, deadline: deadline))
        return .queued
    }

    /// A response arrived. Returns the request it answers (nil for an unknown sequence number) and the waiting
    /// requests that may now be sent.
    public mutating func complete(sequenceNumber: UInt32) -> (element: Element?, release: [(UInt32, Element)]) {
        let element = inFlight.removeValue(forKey: sequenceNumber)?.element
        return (element, element == nil ? [] : releasable())
    }

    /// Removes every request whose deadline has passed; returns them, and the waiting requests that may now be sent.
    public mutating func expire(now: NIODeadline) -> (expired: [Element], release: [(UInt32, Element)]) {
        var expired: [Element] = []
        for (sequence, entry) in inFlight where entry.deadline <= now {
            inFlight[sequence] = nil
            expired.append(entry.element)
        }
        var kept = CircularBuffer<Waiting>(initialCapacity: waiting.count)
        for entry in waiting {
            if entry.deadline <= now { expired.append(entry.element) } else { kept.append(entry) }
        }
        waiting = kept
        return (expired, releasable())
    }

    /// Stops sending (the channel is not writable): new requests wait.
    public mutating func pause() { isPaused = true }

    /// Sending may go on: returns the waiting requests that fit the window.
    public mutating func resume() -> [(UInt32, Element)] {
        isPaused = false
        return releasable()
    }

    /// Empties the window (the connection closed): every request, in flight or waiting, to be failed.
    public mutating func removeAll() -> [Element] {
        let all = inFlight.values.map(\.element) + waiting.map(\.element)
        inFlight = [:]
        waiting = CircularBuffer()
        return all
    }

    /// The earliest deadline, for scheduling the next `expire`.
    public var nextDeadline: NIODeadline? {
        let first = inFlight.values.map(\.deadline).min()
        let second = waiting.first?.deadline
        switch (first, second) {
        case (let a?, let b?): return min(a, b)
        default: return first ?? second
        }
    }

    private mutating func releasable() -> [(UInt32, Element)] {
        var release: [(UInt32, Element)] = []
        while !isPaused, inFlight.count < capacity, let next = waiting.popFirst() {
            let sequence = sequenceNumbers.next()
            inFlight[sequence] = InFlight(element: next.element, deadline: next.deadline)
            release.append((sequence, next.element))
        }
        return release
    }
}
