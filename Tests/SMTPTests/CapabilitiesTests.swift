import Testing

@testable import SMTP

@Suite struct CapabilitiesTests {
    @Test func readsAnEHLOReply() {
        let reply = SMTPReply(
            code: 250,
            lines: ["mail.test Hello client", "size 35882577", "8BITMIME", "AUTH PLAIN LOGIN", "AUTH=CRAM-MD5", "STARTTLS", "ENHANCEDSTATUSCODES"])
        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.maximumMessageSize == 35_882_577)
        #expect(capabilities.authenticationMechanisms == ["PLAIN", "LOGIN", "CRAM-MD5"])
        #expect(capabilities.supportsSTARTTLS)
        #expect(capabilities.supportsEnhancedStatusCodes)
        #expect(capabilities.supports("8bitmime"))
        #expect(!capabilities.supports("PIPELINING"))
        #expect(!capabilities.supports("MAIL.TEST"), "the greeting line is not an extension")
    }

    @Test func sizeWithoutALimit() {
        #expect(SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["x", "SIZE"])).maximumMessageSize == nil)
        #expect(SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["x", "SIZE 0"])).maximumMessageSize == nil)
    }
}
