import Foundation
import Testing

@testable import MenuEngine

/// A notice's `email:` channel: parsed beside `sms:`, checked by the lint, rendered with the same values as the
/// SMS, with values HTML-escaped in the HTML part and line breaks kept out of the subject.
@Suite struct NoticeEmailTests {
    static let notices = """
        languages: [fr, en]
        currency: FCFA
        notices:
          sent:
            variables: [amount, party]
            sms:
              fr: "Envoi de {{amount | money}} a {{party}} reussi."
              en: "Sent {{amount | money}} to {{party}}."
            email:
              subject: { fr: "Envoi de {{amount | money}} à {{party}}", en: "Sent {{amount | money}} to {{party}}" }
              text:
                fr: |
                  Vous avez envoyé {{amount | money}} à {{party}}.
                en: |
                  You sent {{amount | money}} to {{party}}.
              html:
                fr: "<p>Vous avez envoyé <b>{{amount | money}}</b> à {{party}}.</p>"
                en: "<p>You sent <b>{{amount | money}}</b> to {{party}}.</p>"
          code:
            variables: [code]
            email:
              subject: { fr: "Votre code", en: "Your code" }
              text: { fr: "Code : {{code}}", en: "Code: {{code}}" }
              html: { fr: "<p>{{code}}</p>", en: "<p>{{code}}</p>" }
        """
    static let requirements = NoticeRequirements(
        notices: ["sent": ["amount", "party"], "code": ["code"]], channels: ["sent": ["sms", "email"], "code": ["email"]])

    static func lint(_ old: String, _ new: String, requirements: NoticeRequirements = requirements) throws -> LintReport {
        let range = try #require(notices.range(of: old), "\(old)")
        return MenuLinter(notices: requirements).lint(files: [("receipts.yaml", notices.replacingCharacters(in: range, with: new))])
    }

    @Test func anEmailRendersWithTheSMSValues() throws {
        #expect(MenuLinter(notices: Self.requirements).lint(files: [("receipts.yaml", Self.notices)]).diagnostics.isEmpty)
        let book = try NoticeBook(yaml: Self.notices, requirements: Self.requirements)
        let values = ["amount": "5000", "party": "AMA MENSAH (22890445566)"]
        let email = try #require(book.email("sent", language: "fr", values: values))
        #expect(email.subject == "Envoi de 5 000 FCFA à AMA MENSAH (22890445566)")
        #expect(email.text == "Vous avez envoyé 5 000 FCFA à AMA MENSAH (22890445566).\n")
        #expect(email.html == "<p>Vous avez envoyé <b>5 000 FCFA</b> à AMA MENSAH (22890445566).</p>")
        // The amount reads exactly as in the SMS of the same values.
        #expect(try #require(book.sms("sent", language: "fr", values: values)).contains("5 000 FCFA a AMA MENSAH (22890445566)"))
        #expect(book.email("sent", language: "en", values: values)?.subject == "Sent 5 000 FCFA to AMA MENSAH (22890445566)")
        #expect(book.email("code", language: "en", values: ["code": "042917"])?.text == "Code: 042917")
        #expect(book.sms("code", language: "fr", values: ["code": "1"]) == nil, "an e-mail-only notice has no SMS")
        #expect(book.hasEmail("sent") && book.hasEmail("code"))
    }

    /// A value from outside (the name another network gave for its subscriber) can add neither markup to the HTML
    /// part nor a line to the subject.
    @Test func valuesCannotAddMarkupOrHeaderLines() throws {
        let book = try NoticeBook(yaml: Self.notices, requirements: Self.requirements)
        let hostile = "EVIL\r\nBcc: victim@example.com\n<script>alert('x')</script> & \"co\"\u{2028}\u{85}"
        let email = try #require(book.email("sent", language: "en", values: ["amount": "100", "party": hostile]))
        #expect(!email.subject.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" })
        #expect(email.subject == "Sent 100 FCFA to EVIL  Bcc: victim@example.com <script>alert('x')</script> & \"co\"  ")
        #expect(
            email.html
                == "<p>You sent <b>100 FCFA</b> to EVIL\r\nBcc: victim@example.com\n&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;\u{2028}\u{85}.</p>"
        )
        // The plain-text part is the value as given: it is a body (quoted-printable on the wire), not a header.
        #expect(email.text.contains(hostile))
    }

    @Test func anEmailTextIsNotHeldToGSM7ButASMSIs() throws {
        // `é` and `à` are in the e-mail texts of the sample; the same in an SMS text is an error.
        let report = try Self.lint(#"en: "Sent {{amount | money}} to {{party}}.""#, #"en: "Sent {{amount | money}} to {{party}} — ok.""#)
        #expect(report.errors.map(\.kind) == [.nonGSMCharacter])
    }

    @Test(arguments: [
        // A channel the host sends the notice by, missing.
        (
            "    email:\n      subject: { fr: \"Envoi", "    mail:\n      subject: { fr: \"Envoi", Diagnostic.Kind.structure,
            "unknown key 'mail' in notice 'sent'"
        ),
        // Every part of an e-mail is required.
        ("      html:\n        fr: \"<p>Vous", "      htm:\n        fr: \"<p>Vous", .structure, "notice 'sent' email needs 'html:'"),
        // A subject on one line only.
        (#"subject: { fr: "Votre code""#, #"subject: { fr: "Votre\ncode""#, .headerText, "must be one line"),
        // Each part in each language.
        (#"text: { fr: "Code : {{code}}", en: "Code: {{code}}" }"#, #"text: { fr: "Code : {{code}}" }"#, .missingTranslation, "has no 'en' text"),
        // And declared variables only.
        (#"html: { fr: "<p>{{code}}</p>""#, #"html: { fr: "<p>{{pin}}</p>""#, .unknownVariable, "uses 'pin'"),
    ])
    func eachEmailMistakeIsAnError(old: String, new: String, kind: Diagnostic.Kind, message: String) throws {
        let report = try Self.lint(old, new)
        #expect(report.errors.contains { $0.kind == kind && $0.message.contains(message) }, "\(report.diagnostics.map(\.description))")
        #expect(throws: MenuError.self) {
            try NoticeBook(yaml: Self.notices.replacingOccurrences(of: old, with: new), requirements: Self.requirements)
        }
    }

    @Test func aNoticeWithoutTheEmailTheHostSendsIsAnError() throws {
        var requirements = Self.requirements
        requirements.channels["sent"] = ["sms", "email", "fax"]
        let report = MenuLinter(notices: requirements).lint(files: [("receipts.yaml", Self.notices)])
        #expect(report.errors.map(\.kind) == [.missingChannel])
        #expect(report.errors.first?.message == "notice 'sent' has no 'fax:' text, and the host sends it by fax")
    }
}
