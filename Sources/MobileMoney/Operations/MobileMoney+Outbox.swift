import Ledger

extension MobileMoney {
    /// The id of the newest SMS in the outbox (0 when empty): a mark to ask `sentSMS(to:after:)` from.
    public func lastOutboxID() async throws -> Int64 {
        try await read { try $0.lastMessageID() }
    }

    /// The bodies of the SMS queued for `msisdn` after the outbox id `mark`, oldest first, delivered or not.
    public func sentSMS(to msisdn: String, after mark: Int64) async throws -> [String] {
        try await read { rows in try rows.messages(to: msisdn, after: mark).map(\.body) }
    }
}
