import Foundation

/// Where the `POST /ussd` sessions of several `sika serve` nodes sharing one database live between requests, so
/// that an aggregator's requests for one session may reach any node (`SessionsPostgres` keeps them in the
/// `callback_sessions` table). Writes are compare-and-set on ``SharedCallbackSession/version``: of two nodes
/// answering the same step at once, one wins and the other's request is refused as pending.
public protocol SharedCallbackStore: Sendable {
    /// The session as last written by any node; nil if none holds it.
    func load(_ id: String) async throws -> SharedCallbackSession?
    /// Writes `session` if what is stored is still version `expected` (nil: nothing is stored under its id).
    /// - Returns: false, writing nothing, when another node wrote first.
    func save(_ session: SharedCallbackSession, expected: Int64?) async throws -> Bool
    /// Forgets session `id` (it ended or expired).
    func remove(_ id: String) async throws
    /// The caller's session whose last step was at `idleSince` or before (it timed out), the latest one: what a new
    /// dial of that phone, on any node, may offer back.
    func latestTimedOut(msisdn: String, serviceCode: String, operatorID: String?, idleSince: Date) async throws -> SharedCallbackSession?
    /// Forgets session `id` if it is still at `version`.
    /// - Returns: false, removing nothing, when another node wrote or took it first.
    func remove(_ id: String, version: Int64) async throws -> Bool
}
