import Testing

@testable import SMTP

@Suite struct AddressTests {
    @Test(arguments: [
        "kofi@example.tg", "a.b-c+tag@sub.example.tg", "user@localhost", "o'brien@example.ie", "x!#$%&'*+-/=?^_`{|}~@a.b",
        String(repeating: "l", count: 64) + "@example.tg",
    ])
    func accepted(address: String) throws {
        let parsed = try EmailAddress(address)
        #expect(parsed.description == address)
    }

    @Test(arguments: [
        "", "plain", "@example.tg", "kofi@", "kofi@@example.tg", ".kofi@example.tg", "kofi.@example.tg", "ko..fi@example.tg",
        "kofi@-example.tg", "kofi@example-.tg", "kofi@exa_mple.tg", "kofi@example..tg", "kofi@.example.tg", "kofi@example.tg.",
        "\"quoted\"@example.tg", "ko fi@example.tg", "kofi@[192.0.2.1]", "kofi@exämple.tg", "kofï@example.tg", "kofi@example.tg\r\n",
        "<kofi@example.tg>", "kofi(comment)@example.tg", String(repeating: "l", count: 65) + "@example.tg",
        "a@" + String(repeating: "b", count: 64) + ".tg",
    ])
    func refused(address: String) {
        #expect {
            try EmailAddress(address, field: "email")
        } throws: { error in
            (error as? SMTPError)?.code == .invalidAddress && (error as? SMTPError)?.field == "email"
        }
    }

    @Test func messageIDs() throws {
        #expect(try MessageID("<notice-42@sika.test>").description == "<notice-42@sika.test>")
        #expect(try MessageID("notice-42.1@sika.test").description == "<notice-42.1@sika.test>")
        for bad in ["", "<>", "no-at", "<a b@c>", "<a@b", "a@b>", "<a@b>>", "a@b@", "<a@[1.2.3.4]>"] {
            #expect(throws: SMTPError.self, "\(bad)") { try MessageID(bad) }
        }
    }

    @Test func heloNames() {
        #expect(SMTPConnection.isValidHeloName("client.sika.test"))
        #expect(SMTPConnection.isValidHeloName("[127.0.0.1]"))
        #expect(SMTPConnection.isValidHeloName("[IPv6:::1]"))
        #expect(!SMTPConnection.isValidHeloName("bad name"))
        #expect(!SMTPConnection.isValidHeloName("[1.2.3.4]\r\n"))
    }
}
