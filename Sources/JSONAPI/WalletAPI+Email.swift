import Foundation
import HTTPTypes
import Hummingbird
import MobileMoney

/// A subscriber's e-mail address: set (a code goes to it), confirmed, shown, removed. Each acts on the token's
/// own number only; never required for anything else.
extension WalletAPI {
    func registerEmail(on subscriber: RouterGroup<SubscriberRequestContext>) {
        let api = self
        subscriber.get("subscribers/:phoneNumber/email") { _, context in try await api.showEmail(context) }
        subscriber.put("subscribers/:phoneNumber/email") { request, context in try await api.setEmail(request, context) }
        subscriber.delete("subscribers/:phoneNumber/email") { _, context in try await api.removeEmail(context) }
        subscriber.post("subscribers/:phoneNumber/email/verify") { request, context in try await api.verifyEmail(request, context) }
    }

    func showEmail(_ context: SubscriberRequestContext) async throws -> Response {
        let subject = try ownNumber(context)
        guard let email = try await mapped({ try await money.email(msisdn: subject) }) else {
            throw APIError(.notFound, "no_email", "this wallet has no e-mail address")
        }
        return try json(.ok, Self.email(email))
    }

    /// 202 when a code was sent (the address is not verified yet), 200 when the address was already verified
    /// (only its display name may have changed; nothing is sent).
    func setEmail(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let subject = try ownNumber(context)
        let body = try await EmailRequest.decode(from: request, catalog: money.catalog)
        try limit(subject)
        let email: SubscriberEmail
        do {
            email = try await money.setEmail(msisdn: subject, body.contact)
        } catch let error as MobileMoneyError where error.code == .codeRecentlySent {
            // Retry-After from the ledger's clock, which decided it.
            let wait = max(1, ((error.lockedUntil ?? 0) - money.ledger.context.clock() + 999) / 1000)
            throw APIError(
                .tooManyRequests, error.code.rawValue, "a code was sent moments ago: ask again later", headers: [.retryAfter: String(wait)])
        } catch let error as MobileMoneyError {
            throw APIError(error)
        }
        return try json(email.verified ? .ok : .accepted, Self.email(email))
    }

    func verifyEmail(_ request: Request, _ context: SubscriberRequestContext) async throws -> Response {
        let subject = try ownNumber(context)
        let body = try await EmailCodeRequest.decode(from: request, catalog: money.catalog)
        try limit(subject)
        let email = try await mapped { try await money.verifyEmail(msisdn: subject, code: body.code) }
        return try json(.ok, Self.email(email))
    }

    func removeEmail(_ context: SubscriberRequestContext) async throws -> Response {
        let subject = try ownNumber(context)
        try limit(subject)
        guard try await mapped({ try await money.removeEmail(msisdn: subject) }) else {
            throw APIError(.notFound, "no_email", "this wallet has no e-mail address")
        }
        return Response(status: .noContent)
    }

    /// The path's number, which must be the token's own.
    func ownNumber(_ context: SubscriberRequestContext) throws -> String {
        let number = try Self.pathMSISDN(context)
        guard number.digits == context.subject.msisdn else { throw APIError.forbidden }
        return number.digits
    }

    static func email(_ email: SubscriberEmail) -> [String: JSONOut] {
        [
            "phoneNumber": .string(email.msisdn), "address": .string(email.address),
            "displayName": email.displayName.map(JSONOut.string) ?? .null, "verified": .bool(email.verified),
            "verifiedAt": email.verifiedAt.map { .string(timestamp($0)) } ?? .null,
            "codeExpiresAt": email.codeExpiresAt.map { .string(timestamp($0)) } ?? .null,
        ]
    }
}
