/// Polls `condition` every `interval` until it holds or `timeout` passed; false if it never held. The timeout only
/// bounds a failure: a test that passes never waits for it, so it is no timing claim.
public func eventually(
    timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(10), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// The same as a requirement: throws ``NeverHappened`` naming `what` if `condition` never held.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws {
    guard try await eventually(timeout: timeout, every: interval, condition) else { throw NeverHappened(what: what, timeout: timeout) }
}

/// What ``waitUntil(_:timeout:every:_:)`` throws.
public struct NeverHappened: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public var description: String { "never happened within \(timeout): \(what)" }
}
