import Foundation
import Hummingbird
import MobileMoney

/// An API refusal, rendered as `{"error": {"code": …, "message": …, "fields": {…}}}` with its HTTP status.
///
/// Codes are stable strings (the same vocabulary as the socket's and the menus'); messages are for people
/// and never echo a PIN, a token or a card number.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Field-level problems: field name to reason.
    public let fields: [String: String]
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, fields: [String: String] = [:], headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let detail: [String: JSONOut] = [
            "code": .string(code), "message": .string(message), "fields": .object(fields.mapValues(JSONOut.string)),
        ]
        let data = try JSONEncoder().encode(JSONOut.object(["error": .object(detail)]))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func validation(_ fields: [String: String]) -> APIError {
        APIError(.unprocessableContent, "validation_failed", "some fields are invalid", fields: fields)
    }

    static let unauthorized = APIError(.unauthorized, "unauthorized", "a valid bearer token is required")
    static let forbidden = APIError(.forbidden, "forbidden", "this token may not act on this account")

    /// The HTTP face of a mobile-money refusal.
    init(_ error: MobileMoneyError) {
        let code = error.code.rawValue
        switch error.code {
        case .wrongPin:
            var fields = ["pin": "wrong PIN"]
            if let left = error.attemptsLeft { fields["attemptsLeft"] = String(left) }
            self.init(.unauthorized, code, "wrong PIN", fields: fields)
        case .locked:
            self.init(.init(code: 423, reasonPhrase: "Locked"), code, "too many wrong PINs: the wallet is locked for a while")
        case .blocked: self.init(.forbidden, code, "this wallet is blocked")
        case .invalidMSISDN: self.init(.unprocessableContent, code, "not a mobile number served here")
        case .unknownSubscriber, .unknownRecipient, .unknownAgent, .unknownTransfer: self.init(.notFound, code, error.message)
        case .idempotencyConflict: self.init(.conflict, code, "this Idempotency-Key was used for another request")
        case .notReversible, .alreadyRegistered: self.init(.conflict, code, error.message)
        case .configuration, .storage: self.init(.internalServerError, "internal", "something went wrong on our side")
        case .invalidEmail:
            self.init(.unprocessableContent, "validation_failed", "some fields are invalid", fields: [error.field ?? "address": error.message])
        case .noEmail: self.init(.notFound, code, "this wallet has no e-mail address")
        case .noCodePending: self.init(.conflict, code, "no code is waiting to be confirmed: set the address again for a new one")
        case .wrongCode:
            var fields = ["code": "wrong code"]
            if let left = error.attemptsLeft { fields["attemptsLeft"] = String(left) }
            self.init(.unprocessableContent, code, "wrong code", fields: fields)
        case .codeExpired: self.init(.unprocessableContent, code, error.message, fields: ["code": "expired"])
        case .tooManyAttempts: self.init(.unprocessableContent, code, error.message, fields: ["code": "too many wrong codes"])
        case .codeRecentlySent: self.init(.tooManyRequests, code, "a code was sent moments ago: ask again later")
        case .limitExceeded:
            self.init(.unprocessableContent, code, error.message, fields: error.limit.map { ["limit": $0.rawValue] } ?? [:])
        default: self.init(.unprocessableContent, code, error.message)
        }
    }
}
