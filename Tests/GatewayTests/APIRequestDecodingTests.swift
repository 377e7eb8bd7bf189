import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONAPI
import Testing

/// How each endpoint reads its JSON body, through HTTP: missing fields, wrong types, `null`, out-of-range
/// values, cross-field rules and the `Idempotency-Key` header all land in one `validation_failed` answer
/// whose `fields` name every problem at once; fields the endpoint does not know are ignored; a body that
/// is not a JSON object is `malformed_json`. The exact reasons are part of the API: clients show them.
@Suite struct APIRequestDecodingTests {
    /// Who sends the request.
    enum Caller: Sendable {
        case nobody
        case kofi
        case admin
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        var caller = Caller.kofi
        let uri: String
        let body: String
        var key: String? = nil
        let status: Int
        let code: String?
        var fields: [String: String] = [:]
        var testDescription: String { name }
    }

    static let kofi = "22890112233"
    static let ama = "22890445566"
    static let phone = "must be a Togolese mobile number (228 and 8 digits)"
    static let wholeAmount = "must be a whole number"
    static let positive = "must be a positive whole number of FCFA"
    static func text(_ length: Int) -> String { "must be a non-empty string of at most \(length) characters" }
    static let longKey = String(repeating: "k", count: 129)

    static let cases: [Case] = [
        // The token exchange.
        Case(
            name: "token: every field missing", caller: .nobody, uri: "/api/auth/token", body: "{}", status: 422, code: "validation_failed",
            fields: ["phoneNumber": "required", "pin": "required"]),
        Case(
            name: "token: wrong types", caller: .nobody, uri: "/api/auth/token", body: #"{"phoneNumber":90112233,"pin":2580}"#, status: 422,
            code: "validation_failed", fields: ["phoneNumber": "must be a string", "pin": "must be a string of 4 digits"]),
        Case(
            name: "token: nulls are not missing", caller: .nobody, uri: "/api/auth/token", body: #"{"phoneNumber":null,"pin":null}"#,
            status: 422, code: "validation_failed", fields: ["phoneNumber": "must be a string", "pin": "must be a string of 4 digits"]),
        Case(
            name: "token: malformed values", caller: .nobody, uri: "/api/auth/token", body: #"{"phoneNumber":"12","pin":"25800"}"#,
            status: 422, code: "validation_failed", fields: ["phoneNumber": phone, "pin": "must be 4 digits"]),
        Case(
            name: "token: unknown fields are ignored", caller: .nobody, uri: "/api/auth/token",
            body: #"{"phoneNumber":"90112233","pin":"2580","remember":true,"extra":{"a":[1,2]}}"#, status: 200, code: nil),
        Case(name: "token: an array", caller: .nobody, uri: "/api/auth/token", body: "[]", status: 400, code: "malformed_json"),
        Case(name: "token: a string", caller: .nobody, uri: "/api/auth/token", body: #""x""#, status: 400, code: "malformed_json"),
        Case(name: "token: no body", caller: .nobody, uri: "/api/auth/token", body: "", status: 400, code: "malformed_json"),
        Case(name: "token: not JSON", caller: .nobody, uri: "/api/auth/token", body: "{nope", status: 400, code: "malformed_json"),
        Case(
            name: "token: too large", caller: .nobody, uri: "/api/auth/token",
            body: #"{"phoneNumber":"90112233","pin":"2580","pad":"\#(String(repeating: "x", count: 17_000))"}"#, status: 413,
            code: "body_too_large"),

        // On-net transfers.
        Case(
            name: "transaction: the credential is checked before the body", caller: .nobody, uri: "/api/transactions", body: "{}",
            status: 401, code: "unauthorized"),
        Case(
            name: "transaction: every field missing", uri: "/api/transactions", body: "{}", status: 422, code: "validation_failed",
            fields: ["senderPhoneNumber": "required", "receiverPhoneNumber": "required", "amount": "required", "pin": "required"]),
        Case(
            name: "transaction: a string amount and a bad key", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":"100","pin":"2580"}"#, key: longKey, status: 422,
            code: "validation_failed", fields: ["amount": wholeAmount, "Idempotency-Key": "must be 1 to 128 characters"]),
        Case(
            name: "transaction: an empty key", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":100,"pin":"2580"}"#, key: "", status: 422,
            code: "validation_failed", fields: ["Idempotency-Key": "must be 1 to 128 characters"]),
        Case(
            name: "transaction: a fractional amount", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":12.5,"pin":"2580"}"#, status: 422,
            code: "validation_failed", fields: ["amount": wholeAmount]),
        Case(
            name: "transaction: a zero amount", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":0,"pin":"2580"}"#, status: 422,
            code: "validation_failed", fields: ["amount": positive]),
        Case(
            name: "transaction: an amount past the ceiling", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":1000000000001,"pin":"2580"}"#, status: 422,
            code: "validation_failed", fields: ["amount": positive]),
        Case(
            name: "transaction: a boolean amount", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":true,"pin":"2580"}"#, status: 422,
            code: "validation_failed", fields: ["amount": wholeAmount]),
        Case(
            name: "transaction: to oneself, in another spelling", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"90112233","amount":100,"pin":"2580"}"#, status: 422,
            code: "validation_failed", fields: ["receiverPhoneNumber": "must differ from senderPhoneNumber"]),
        Case(
            name: "transaction: a valid body for someone else's wallet", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(ama)","receiverPhoneNumber":"\#(kofi)","amount":100,"pin":"4826"}"#, status: 403, code: "forbidden"),
        Case(
            name: "transaction: an invalid body for someone else's wallet is invalid first", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(ama)","receiverPhoneNumber":"\#(kofi)","amount":-1,"pin":"4826"}"#, status: 422,
            code: "validation_failed", fields: ["amount": positive]),
        Case(
            name: "transaction: unknown fields are ignored", uri: "/api/transactions",
            body: #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"\#(ama)","amount":1e3,"pin":"2580","note":"rent","fee":0}"#,
            key: "decoding-1", status: 201, code: nil),

        Case(
            name: "verify-balance: wrong types", uri: "/api/verify-balance", body: #"{"phoneNumber":["\#(kofi)"],"amount":{}}"#, status: 422,
            code: "validation_failed", fields: ["phoneNumber": "must be a string", "amount": wholeAmount]),

        // Off-net transfers: the networks are checked against the numbers, with the other fields.
        Case(
            name: "transfer: networks, PIN and key at once", uri: "/api/transfer",
            body:
                #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"22896112233","amount":5000,"fromService":"flooz","toService":"flooz","pin":"25"}"#,
            key: "", status: 422, code: "validation_failed",
            fields: [
                "fromService": "must be the sender's network (tmoney)",
                "toService": "must differ from fromService: use /api/transactions on one network", "pin": "must be 4 digits",
                "Idempotency-Key": "must be 1 to 128 characters",
            ]),
        Case(
            name: "transfer: the receiver's network", uri: "/api/transfer",
            body:
                #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"22896112233","amount":5000,"fromService":"tmoney","toService":"moov","pin":"2580"}"#,
            status: 422, code: "validation_failed", fields: ["toService": "must be the receiver's network (flooz)"]),
        Case(
            name: "transfer: service names", uri: "/api/transfer",
            body:
                #"{"senderPhoneNumber":"\#(kofi)","receiverPhoneNumber":"22896112233","amount":5000,"fromService":"","toService":"\#(String(repeating: "f", count: 17))","pin":"2580"}"#,
            status: 422, code: "validation_failed", fields: ["fromService": text(16), "toService": text(16)]),
        Case(
            name: "transfer: every field missing", uri: "/api/transfer", body: "{}", status: 422, code: "validation_failed",
            fields: [
                "senderPhoneNumber": "required", "receiverPhoneNumber": "required", "amount": "required", "pin": "required",
                "fromService": "required", "toService": "required",
            ]),

        Case(
            name: "cards: ranges and lengths", uri: "/api/cards",
            body: #"{"phoneNumber":"\#(kofi)","cardNumber":"","expiryMonth":13,"expiryYear":1999,"cvv":"12345"}"#, status: 422,
            code: "validation_failed",
            fields: [
                "cardNumber": text(23), "expiryMonth": "must be between 1 and 12", "expiryYear": "must be between 2000 and 2100", "cvv": text(4),
            ]),
        Case(
            name: "cards: wrong types", uri: "/api/cards",
            body: #"{"phoneNumber":"\#(kofi)","cardNumber":4111111111111111,"expiryMonth":"12","expiryYear":2030.5,"cvv":737}"#, status: 422,
            code: "validation_failed",
            fields: ["cardNumber": text(23), "expiryMonth": wholeAmount, "expiryYear": wholeAmount, "cvv": text(4)]),

        // Admin endpoints.
        Case(
            name: "cash-in: the key is required", caller: .admin, uri: "/api/admin/cashin", body: #"{"phoneNumber":"\#(ama)","amount":1000}"#,
            status: 422, code: "validation_failed", fields: ["Idempotency-Key": "required for admin money movements (1 to 128 characters)"]),
        Case(
            name: "cash-in: a null agent code is not a missing one", caller: .admin, uri: "/api/admin/cashin",
            body: #"{"phoneNumber":"\#(ama)","amount":1000,"agentCode":null}"#, key: "decoding-2", status: 422, code: "validation_failed",
            fields: ["agentCode": text(6)]),
        Case(
            name: "cash-in: everything wrong", caller: .admin, uri: "/api/admin/cashin", body: #"{"amount":-5,"agentCode":"AGENT007"}"#,
            key: longKey, status: 422, code: "validation_failed",
            fields: [
                "phoneNumber": "required", "amount": positive, "agentCode": text(6),
                "Idempotency-Key": "required for admin money movements (1 to 128 characters)",
            ]),
        Case(
            name: "cash-in: unknown fields are ignored", caller: .admin, uri: "/api/admin/cashin",
            body: #"{"phoneNumber":"90445566","amount":1000,"comment":"float top-up"}"#, key: "decoding-3", status: 201, code: nil),
        Case(
            name: "cash-in: the credential is checked before the body", caller: .kofi, uri: "/api/admin/cashin", body: "[]", status: 401,
            code: "unauthorized"),
        Case(
            name: "reversal: not a reference", caller: .admin, uri: "/api/admin/reversals", body: #"{"reference":"nope"}"#, status: 422,
            code: "validation_failed", fields: ["reference": "must be a receipt reference like TM261127.000123"]),
        Case(
            name: "reversal: a number", caller: .admin, uri: "/api/admin/reversals", body: #"{"reference":261127}"#, status: 422,
            code: "validation_failed", fields: ["reference": text(32)]),
        Case(
            name: "reversal: missing", caller: .admin, uri: "/api/admin/reversals", body: #"{"id":1}"#, status: 422, code: "validation_failed",
            fields: ["reference": "required"]),
    ]

    @Test(arguments: cases)
    func bodiesAreReadWithTheDocumentedRules(_ testCase: Case) async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let token: String? =
                switch testCase.caller {
                case .nobody: nil
                case .kofi: try await client.token(Self.kofi, "2580")
                case .admin: APIFixture.adminToken
                }
            let answer = try await client.call(.post, testCase.uri, token: token, key: testCase.key, body: testCase.body)
            #expect(Int(answer.status.code) == testCase.status, "\(answer.json)")
            #expect(answer.errorCode == testCase.code)
            if testCase.code != nil {
                #expect(answer.fields == testCase.fields)
                #expect(answer.headers[.contentType] == "application/json; charset=utf-8")
            }
        }
    }
}
