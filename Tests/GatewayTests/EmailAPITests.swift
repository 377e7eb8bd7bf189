import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONAPI
import Ledger
import MobileMoney
import Testing

/// The e-mail endpoints over HTTP, as an app uses them: set an address (a code goes to it), confirm it, see it,
/// remove it; the same error shapes as every other endpoint; header-injection material refused per field.
@Suite struct EmailAPITests {
    static let yao = "22891234567"

    /// The code sent to `msisdn`, read the way the mail dispatcher composes its message.
    static func code(_ f: APIFixture, _ msisdn: String) async throws -> String {
        let message = try #require(try await f.money.mailOutbox(.queued).first { $0.msisdn == msisdn && $0.notice == "email_code" })
        let text = try #require(f.money.mailContent(message)?.text)
        return String(try #require(text.firstMatch(of: /: (\d{6})\n/)).1)
    }

    @Test func setConfirmShowAndRemove() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let yao = try await client.token(Self.yao, "7391")
            let path = "/api/subscribers/\(Self.yao)/email"
            let none = try await client.call(.get, path, token: yao)
            #expect(none.status == .notFound && none.errorCode == "no_email")

            let set = try await client.call(.put, path, token: yao, body: #"{"address":"yao.koffi@example.com","displayName":"Yao Koffi"}"#)
            #expect(set.status == .accepted && set.json["verified"] as? Bool == false && set.json["address"] as? String == "yao.koffi@example.com")
            #expect(set.json["codeExpiresAt"] is String && set.json["verifiedAt"] is NSNull && set.json["displayName"] as? String == "Yao Koffi")

            let wrong = try await client.call(.post, path + "/verify", token: yao, body: #"{"code":"000000"}"#)
            let code = try await Self.code(f, Self.yao)
            if code != "000000" {
                #expect(wrong.status == .unprocessableContent && wrong.errorCode == "wrong_code" && wrong.fields["attemptsLeft"] == "4")
            }
            let malformed = try await client.call(.post, path + "/verify", token: yao, body: #"{"code":"12345"}"#)
            #expect(malformed.status == .unprocessableContent && malformed.errorCode == "validation_failed" && malformed.fields["code"] != nil)

            let confirmed = try await client.call(.post, path + "/verify", token: yao, body: #"{"code":"\#(code)"}"#)
            #expect(confirmed.status == .ok && confirmed.json["verified"] as? Bool == true && confirmed.json["verifiedAt"] is String)
            #expect(confirmed.json["codeExpiresAt"] is NSNull)

            let shown = try await client.call(.get, path, token: yao)
            #expect(shown.status == .ok && shown.json["verified"] as? Bool == true)
            // The verified address again, another name: nothing is sent.
            let renamed = try await client.call(.put, path, token: yao, body: #"{"address":"yao.koffi@example.com","displayName":"Y. Koffi"}"#)
            #expect(renamed.status == .ok && renamed.json["displayName"] as? String == "Y. Koffi")
            #expect(try await f.money.mailOutbox(.queued).filter { $0.msisdn == Self.yao }.count == 1)

            let removed = try await client.execute(uri: path, method: .delete, headers: [.authorization: "Bearer \(yao)"]) { $0.status }
            #expect(removed == .noContent)
            let again = try await client.call(.delete, path, token: yao)
            #expect(again.status == .notFound && again.errorCode == "no_email")
            let noCode = try await client.call(.post, path + "/verify", token: yao, body: #"{"code":"\#(code)"}"#)
            #expect(noCode.status == .notFound && noCode.errorCode == "no_email")
        }
    }

    @Test(arguments: [
        (#"{"address":"ama@example.com\r\nBcc: victim@example.com"}"#, "address"),
        (#"{"address":"ama@example.com\nBcc: victim@example.com"}"#, "address"),
        (#"{"address":"ama@example.com>\r\nRCPT TO:<victim@example.com"}"#, "address"),
        (#"{"address":"ama@example.com","displayName":"Ama\r\nBcc: victim@example.com"}"#, "displayName"),
        (#"{"address":"ama@example.com","displayName":"Ama\u0000"}"#, "displayName"),
        (#"{"address":"ama@example.com","displayName":"Ama\u2028Bcc: x"}"#, "displayName"),
        (#"{"address":"ama@example.com","displayName":"=?UTF-8?Q?a=0D=0ABcc:_x?="}"#, "displayName"),
        (#"{"address":"not an address"}"#, "address"),
        (#"{"address":42}"#, "address"),
        (#"{"displayName":"Ama"}"#, "address"),
        (#"{"address":"ama@example.com","displayName":""}"#, "displayName"),
    ])
    func injectionMaterialIsAFieldError(body: String, field: String) async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let yao = try await client.token(Self.yao, "7391")
            let answer = try await client.call(.put, "/api/subscribers/\(Self.yao)/email", token: yao, body: body)
            #expect(answer.status == .unprocessableContent && answer.errorCode == "validation_failed", "\(answer.json)")
            #expect(Array(answer.fields.keys) == [field], "\(answer.fields)")
        }
        #expect(try await f.money.email(msisdn: Self.yao) == nil)
        #expect(try await f.money.mailOutbox(.queued).isEmpty, "nothing is sent for a refused address")
    }

    @Test func aNewCodeGoesAtMostOnceAMinute() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let yao = try await client.token(Self.yao, "7391")
            let path = "/api/subscribers/\(Self.yao)/email"
            #expect(try await client.call(.put, path, token: yao, body: #"{"address":"yao@example.com"}"#).status == .accepted)
            let again = try await client.call(.put, path, token: yao, body: #"{"address":"victim@example.com"}"#)
            #expect(again.status == .tooManyRequests && again.errorCode == "code_recently_sent")
            #expect(Int(again.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
        #expect(try await f.money.mailOutbox(.queued).filter { $0.notice == "email_code" }.map(\.address) == ["yao@example.com"])
        #expect(try await f.money.email(msisdn: Self.yao)?.address == "yao@example.com", "the refused call changed nothing")
    }

    @Test func tooManyWrongCodesVoidTheCode() async throws {
        let f = try await APIFixture()
        try await f.application().test(.router) { client in
            let yao = try await client.token(Self.yao, "7391")
            let path = "/api/subscribers/\(Self.yao)/email"
            _ = try await client.call(.put, path, token: yao, body: #"{"address":"yao@example.com"}"#)
            let code = try await Self.code(f, Self.yao)
            let wrong = code == "999999" ? "111111" : "999999"
            var last: Answer?
            for _ in 1...5 { last = try await client.call(.post, path + "/verify", token: yao, body: #"{"code":"\#(wrong)"}"#) }
            #expect(last?.status == .unprocessableContent && last?.errorCode == "too_many_attempts")
            let late = try await client.call(.post, path + "/verify", token: yao, body: #"{"code":"\#(code)"}"#)
            #expect(late.status == .conflict && late.errorCode == "no_code_pending")
        }
    }
}
