import MailDelivery
import SMTP
import Testing

/// The `--smtp` URL and `--mail-from`: every documented form, and every refusal.
@Suite struct SMTPRelayTests {
    @Test func theThreeSchemesAndTheirDefaults() throws {
        let plain = try SMTPRelay(url: "smtp://relay.example.com", password: nil)
        #expect(plain.host == "relay.example.com" && plain.port == 587 && plain.tlsPolicy == .opportunistic && plain.username == nil)
        let starttls = try SMTPRelay(url: "smtp+starttls://sika@relay.example.com:2525", password: "s3cret")
        #expect(starttls.port == 2525 && starttls.tlsPolicy == .required && starttls.username == "sika")
        let implicit = try SMTPRelay(url: "smtps://relay.example.com", password: nil)
        #expect(implicit.port == 465 && implicit.tlsPolicy == .implicit)
        let configuration = try starttls.configuration()
        #expect(configuration.credentials == SMTPCredentials(username: "sika", password: "s3cret"))
        #expect(configuration.tlsPolicy == .required && configuration.host == "relay.example.com" && configuration.port == 2525)
        #expect(starttls.description == "smtp+starttls://sika@relay.example.com:2525 (STARTTLS required, AUTH)")
        #expect(!"\(starttls)".contains("s3cret"))
    }

    @Test func optionsAndAnEncodedUser() throws {
        let relay = try SMTPRelay(url: "smtp://notices%40sika.example@127.0.0.1:8025?tls-name=localhost&helo=gw1.sika.example", password: "p")
        #expect(relay.username == "notices@sika.example" && relay.host == "127.0.0.1" && relay.port == 8025)
        let configuration = try relay.configuration()
        #expect(configuration.tlsServerName == "localhost" && configuration.heloName == "gw1.sika.example")
        #expect(try SMTPRelay(url: "smtp://[::1]:25", password: nil).host == "::1")
    }

    @Test(arguments: [
        ("relay.example.com", MailDeliveryError.Code.invalidRelayURL),
        ("http://relay.example.com", .invalidRelayURL),
        ("smtp://", .invalidRelayURL),
        ("smtp://relay.example.com:0", .invalidRelayURL),
        ("smtp://relay.example.com/path", .invalidRelayURL),
        ("smtp://relay.example.com?verify=no", .invalidRelayURL),
        ("smtp://relay.example.com?ca=", .invalidRelayURL),
        ("smtp://sika:hunter2@relay.example.com", .credentials),
    ])
    func refusedURLs(url: String, code: MailDeliveryError.Code) {
        #expect {
            try SMTPRelay(url: url, password: "p")
        } throws: { error in
            (error as? MailDeliveryError)?.code == code && !"\(error)".contains("hunter2")
        }
    }

    @Test func aUserNeedsThePasswordFromTheSecrets() {
        #expect(throws: MailDeliveryError.self) { try SMTPRelay(url: "smtp://sika@relay.example.com", password: nil) }
        #expect(throws: MailDeliveryError.self) { try SMTPRelay(url: "smtp://sika@relay.example.com", password: "") }
    }

    @Test func anUnreadableCAFileIsSaidOnce() throws {
        let relay = try SMTPRelay(url: "smtp://relay.example.com?ca=/nonexistent/ca.pem", password: nil)
        #expect(throws: MailDeliveryError.self) { try relay.configuration() }
    }

    @Test func theSender() throws {
        let named = try MailSender("Sika Notices <notices@sika.example>")
        #expect(named.mailbox.displayName == "Sika Notices" && named.mailbox.address.description == "notices@sika.example")
        #expect(named.domain == "sika.example")
        #expect(try MailSender("notices@sika.example").mailbox.displayName == nil)
        #expect(try MailSender(#""Sika, Togo" <n@sika.example>"#).mailbox.displayName == "Sika, Togo")
        for bad in ["not an address", "Sika <n@sika.example", "Evil\r\nBcc: x <n@sika.example>", "<n@sika.example>\r\nBcc: x@y.z"] {
            #expect(throws: MailDeliveryError.self, "\(bad.debugDescription)") { try MailSender(bad) }
        }
    }
}
