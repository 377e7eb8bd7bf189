import Foundation
import Testing

@testable import MenuEngine

/// The notices file: each mistake `sika menus lint` must report, at its line, and what loads renders
/// with the screens' filters.
@Suite struct NoticeLintTests {
    static let notices = """
        languages: [fr, en]
        currency: FCFA
        notices:
          sent:
            variables: [amount, party]
            sms:
              fr: "Envoi de {{amount | money}} à {{party}} réussi."
              en: "Sent {{amount | money}} to {{party}}."
          welcome:
            variables: [name]
            sms: { fr: "Bienvenue {{name}}!", en: "Welcome {{name}}!" }
        phrases:
          busy:
            variables: [network]
            text: { fr: "{{network}} indisponible", en: "{{network}} is unavailable" }
        """
    static let requirements = NoticeRequirements(
        notices: ["sent": ["amount", "party", "fee"], "welcome": ["name"]], phrases: ["busy": ["network"]])

    /// Lints the notices with `old` replaced by `new`; returns the report and the line of the edit.
    static func lint(_ old: String = "", _ new: String = "", requirements: NoticeRequirements? = requirements) throws -> (
        report: LintReport, line: Int
    ) {
        let range = try #require(old.isEmpty ? notices.startIndex..<notices.startIndex : notices.range(of: old), "\(old)")
        let line = notices[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        let yaml = notices.replacingCharacters(in: range, with: new)
        return (MenuLinter(notices: requirements).lint(files: [("receipts.yaml", yaml)]), line)
    }

    @Test func theSampleIsCleanAndRenders() throws {
        #expect(try Self.lint().report.diagnostics.isEmpty)
        let book = try NoticeBook(yaml: Self.notices, requirements: Self.requirements)
        #expect(book.sms("sent", language: "fr", values: ["amount": "5000", "party": "AMA"]) == "Envoi de 5 000 FCFA à AMA réussi.")
        #expect(book.sms("sent", language: "en", values: ["amount": "5000", "party": "AMA"]) == "Sent 5 000 FCFA to AMA.")
        // A language the file has not got reads in its default one.
        #expect(book.sms("welcome", language: "ewe", values: ["name": "Kofi"]) == "Bienvenue Kofi!")
        #expect(book.phrase("busy", language: "en", values: ["network": "Flooz"]) == "Flooz is unavailable")
        #expect(book.sms("nope", language: "fr", values: [:]) == nil)
    }

    @Test(arguments: [
        // A notice the host never sends (a typo in its key, say).
        ("  welcome:\n", "  welcom:\n", Diagnostic.Kind.unknownNotice, "notice 'welcom' is not one the host sends"),
        // A text without one of the languages.
        (
            #"sms: { fr: "Bienvenue {{name}}!", en: "Welcome {{name}}!" }"#, #"sms: { fr: "Bienvenue {{name}}!" }"#, .missingTranslation,
            "notice 'welcome' sms has no 'en' text"
        ),
        // A variable the notice does not declare.
        (
            #"en: "Sent {{amount | money}} to {{party}}.""#, #"en: "Sent {{amount | money}} to {{recipient}}.""#, .unknownVariable,
            "uses 'recipient', which its variables do not declare"
        ),
        // A declared variable the host does not pass.
        ("variables: [name]", "variables: [name, balance]", .unknownVariable, "declares 'balance', which the host does not pass"),
        // A character outside GSM 03.38.
        (#"fr: "Bienvenue {{name}}!""#, #"fr: "Bienvenue {{name}}, vous êtes inscrit!""#, .nonGSMCharacter, "characters outside GSM 03.38: 'ê'"),
        // Phrases are checked the same way.
        (
            #"text: { fr: "{{network}} indisponible", en"#, #"text: { fr: "{{reseau}} indisponible", en"#, .unknownVariable,
            "phrase 'busy' text (fr) uses 'reseau'"
        ),
    ])
    func eachMistakeIsAnErrorAtItsLine(old: String, new: String, kind: Diagnostic.Kind, message: String) throws {
        let (report, line) = try Self.lint(old, new)
        let found = report.errors.filter { $0.kind == kind && $0.message.contains(message) }
        #expect(!found.isEmpty, "\(report.diagnostics.map(\.description))")
        #expect(found.allSatisfy { $0.location.file == "receipts.yaml" && $0.location.line == line }, "\(found.map(\.description)) vs \(line)")
        // And the book refuses to load it.
        let yaml = Self.notices.replacingOccurrences(of: old, with: new)
        #expect(throws: MenuError.self) { try NoticeBook(yaml: yaml, requirements: Self.requirements) }
    }

    @Test func aNoticeTheHostSendsButTheFileLacksIsAnError() throws {
        var requirements = Self.requirements
        requirements.notices["pin_changed"] = ["when"]
        let (report, _) = try Self.lint(requirements: requirements)
        #expect(report.errors.map(\.kind) == [.missingNotice], "\(report.diagnostics.map(\.description))")
        #expect(report.errors.first?.message.contains("the host sends notice 'pin_changed'") == true)
        #expect {
            try NoticeBook(yaml: Self.notices, requirements: requirements)
        } throws: { error in
            (error as? MenuError)?.diagnostics.contains { $0.kind == .missingNotice } == true
        }
        // A menus directory with no notices file at all, when the host sends some.
        let lone = MenuLinter(notices: requirements).lint(files: [("wallet.yaml", "menu: wallet\n")])
        #expect(lone.errors.contains { $0.kind == .missingNotice && $0.message.contains("no notices file") })
    }

    @Test func withoutTheHostsListOnlyTheFileItselfIsChecked() throws {
        let (report, _) = try Self.lint("  welcome:\n", "  welcom:\n", requirements: nil)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description))")
        let (undeclared, _) = try Self.lint("{{party}}.\"", "{{recipient}}.\"", requirements: nil)
        #expect(undeclared.errors.map(\.kind) == [.unknownVariable])
    }

    @Test func aNoticeNeedsVariablesAndAText() throws {
        let (noVariables, line) = try Self.lint("    variables: [name]\n", "")
        #expect(noVariables.errors.contains { $0.message.contains("notice 'welcome' needs 'variables:'") && $0.location.line == line - 1 })
        let (unknownChannel, channelLine) = try Self.lint(#"sms: { fr: "Bienvenue"#, #"fax: { fr: "Bienvenue"#)
        #expect(unknownChannel.errors.contains { $0.message.contains("unknown key 'fax' in notice 'welcome'") && $0.location.line == channelLine })
    }
}
