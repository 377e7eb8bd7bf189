/// What a session script runs against: the real platform over a socket, the in-process host, or
/// a fake in tests. Each script gets a fresh target (a freshly seeded world).
public protocol ScriptTarget: Sendable {
    /// A phone dials: `dial` is the whole USSD string (`*145#`, `*145*1*90112233#`).
    func begin(session: String, msisdn: String, dial: String) async throws -> Screen
    /// The subscriber answers on the current screen.
    func reply(session: String, input: String) async throws -> Screen
    /// The network releases the session (a drop: the platform may offer it back).
    func abort(session: String) async throws
    /// The subscriber hangs up (a cancel: never offered back).
    func cancel(session: String) async throws
    /// The SMS `msisdn` received since the script started, oldest first.
    func smsReceived(msisdn: String) async throws -> [String]
    /// The wallet balance of `msisdn`, or `nil` when it has no wallet.
    func balance(msisdn: String) async throws -> Int64?
}

extension ScriptTarget {
    /// A target that cannot tell a cancel from a drop releases the session the one way it can.
    public func cancel(session: String) async throws { try await abort(session: session) }
}
