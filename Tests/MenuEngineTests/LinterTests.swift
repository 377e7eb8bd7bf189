import Foundation
import Testing

@testable import MenuEngine

@Suite struct LinterTests {
    static let operators = """
        operators:
          - { id: demo, ussdCode: "*100#", limits: { minTransfer: 100, maxTransfer: 500000 } }
        """

    static func lint(_ fixture: String) throws -> (report: LintReport, text: String) {
        let text = try String(contentsOf: EngineFixtures.fixtures.appending(path: "\(fixture).yaml"), encoding: .utf8)
        let actions = try String(contentsOf: EngineFixtures.menusDirectory.appending(path: "actions.yaml"), encoding: .utf8)
        let report = MenuLinter().lint(files: [("\(fixture).yaml", text), ("actions.yaml", actions), ("operators.yaml", operators)])
        return (report, text)
    }

    /// The 1-based line of the first line containing `needle`.
    static func line(of needle: String, in text: String) -> Int {
        (text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) } ?? -1) + 1
    }

    @Test func shippedMenusLintClean() {
        let report = MenuLinter().lint(directory: EngineFixtures.menusDirectory)
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description))")
        #expect(report.fileCount >= 4)
    }

    @Test func validFixtureIsClean() throws {
        let (report, _) = try Self.lint("valid")
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics.map(\.description))")
    }

    @Test(arguments: [
        ("unreachable", Diagnostic.Kind.unreachableScreen, Diagnostic.Severity.warning, "  orphan:"),
        ("dangling", .danglingReference, .error, "next: pinn"),
        ("unknown-action", .unknownAction, .error, "  transfer:"),
        ("unknown-validator", .unknownValidator, .error, "validate: phone"),
        ("unknown-outcome", .unknownOutcome, .error, "rich: done"),
        ("unrouted-outcome", .unroutedOutcome, .warning, "  transfer:"),
        ("missing-translation", .missingTranslation, .error, "fr: \"Refus\" }"),
        ("unset-variable", .unsetVariable, .error, "{{fee2}}"),
        ("unset-on-some-path", .unsetVariable, .error, "Envoyer {{amount | money}}"),
        ("non-gsm", .nonGSMCharacter, .error, "bient"),
        ("too-long", .screenTooLong, .warning, "  refused:"),
        ("limits-mismatch", .limitsMismatch, .error, "limits:"),
        ("secret-shown", .secretShown, .error, "{{pin}}"),
        ("unknown-text", .unknownText, .error, "{{@retour}}"),
        ("missing-argument", .missingArgument, .error, "  transfer:"),
        ("syntax", .syntax, .error, "[amount"),
    ])
    func findsEachMistakeWithItsLine(fixture: String, kind: Diagnostic.Kind, severity: Diagnostic.Severity, marker: String) throws {
        let (report, text) = try Self.lint(fixture)
        let expectedLine = Self.line(of: marker, in: text)
        let matching = report.diagnostics.filter { $0.kind == kind }
        #expect(!matching.isEmpty, "\(fixture): \(report.diagnostics.map(\.description))")
        // A YAML syntax error is reported where the parser notices it, one line later at most.
        let lines = matching.map(\.location.line)
        #expect(lines.contains { $0 == expectedLine || (kind == .syntax && $0 == expectedLine + 1) }, "\(fixture): \(lines) vs \(expectedLine)")
        #expect(matching.allSatisfy { $0.severity == severity && $0.location.file == "\(fixture).yaml" })
        #expect(report.hasErrors == (severity == .error))
    }

    @Test func diagnosticsPrintAsFileLineSeverityMessage() throws {
        let (report, text) = try Self.lint("dangling")
        let line = Self.line(of: "next: pinn", in: text)
        #expect(
            report.diagnostics.map(\.description).contains("dangling.yaml:\(line): error: screen 'confirm' leads to 'pinn', which does not exist"))
        // The screens only reachable through the dangling reference are reported too.
        #expect(report.summary == "3 file(s): 1 error(s), 3 warning(s)")
    }

    @Test func brokenMenusDoNotLoad() throws {
        let text = try String(contentsOf: EngineFixtures.fixtures.appending(path: "dangling.yaml"), encoding: .utf8)
        #expect {
            _ = try EngineFixtures.menus(text)
        } throws: { error in
            (error as? MenuError)?.code == .invalidMenus && (error as? MenuError)?.diagnostics.first?.kind == .danglingReference
        }
    }

    @Test func unknownKeysAreReported() throws {
        let text = try String(contentsOf: EngineFixtures.fixtures.appending(path: "valid.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    next: amount\n", with: "    nxet: amount\n")
        let report = MenuLinter().lint(files: [("typo.yaml", text)])
        #expect(report.diagnostics.contains { $0.message.contains("unknown key 'nxet'") })
    }
}
