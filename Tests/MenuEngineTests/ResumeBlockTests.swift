import Foundation
import Testing

@testable import MenuEngine

/// The menus' `resume:` block: parsed into the service's policy, and every mistake linted with its line.
@Suite struct ResumeBlockTests {
    static let shipped = """
        resume:
          mode: ask
          window: 120s
          text:
            fr: "Reprendre l'operation en cours?\\n1. Oui\\n2. Non"
            en: "Resume your last operation?\\n1. Yes\\n2. No"
        """

    /// The shipped wallet menu (which both operators run) with its resume block replaced by `block`, linted beside
    /// the shipped catalog, operator data and notices.
    static func lint(_ block: String) throws -> LintReport {
        let menus = EngineFixtures.menusDirectory
        func read(_ name: String) throws -> String { try String(contentsOf: menus.appending(path: name), encoding: .utf8) }
        let wallet = try read("wallet.yaml")
        #expect(wallet.contains(shipped))
        let others = try ["actions.yaml", "operators.yaml", "receipts.yaml"].map { (name: $0, yaml: try read($0)) }
        return MenuLinter().lint(files: [("wallet.yaml", wallet.replacingOccurrences(of: shipped, with: block))] + others)
    }

    @Test func bothShippedMenusAskWithinTwoMinutes() throws {
        let menus = try MenuSet.load(directory: EngineFixtures.menusDirectory)
        for service in ["tmoney", "flooz"] {
            let policy = menus.resumePolicy(ofService: service)
            #expect(policy.mode == .ask)
            #expect(policy.window == .seconds(120))
            #expect(policy.prompt["fr"] == "Reprendre l'operation en cours?\n1. Oui\n2. Non")
            #expect(policy.prompt["en"] == "Resume your last operation?\n1. Yes\n2. No")
        }
        #expect(menus.resumePolicy(ofService: "nope") == .off)
    }

    @Test(arguments: [
        ("resume:\n  mode: sometimes\n", "resume.mode must be off, ask or silent"),
        ("resume:\n  mode: silent\n  window: 0s\n", "resume.window must be 1 to 3600 seconds"),
        ("resume:\n  mode: silent\n  window: 2h\n", "resume.window must be 1 to 3600 seconds"),
        ("resume:\n  mode: ask\n", "resume.mode ask needs resume.text"),
        ("resume:\n  mode: ask\n  text: { fr: \"Reprendre?\\n1. Oui\\n2. Non\" }\n", "resume.text has no 'en' text"),
        ("resume:\n  mode: ask\n  text: \"Reprendre? {{name}}\\n1. Oui\\n2. Non\"\n", "must be plain text"),
        ("resume:\n  mode: ask\n  text: \"Reprendre l'opêration?\\n1. Oui\\n2. Non\"\n", "outside GSM 03.38"),
        ("resume:\n  mode: ask\n  text: \"Reprendre?\"\n", "must offer 1. (resume) and 2. (start afresh)"),
        ("resume:\n  mode: ask\n  delay: 3\n  text: \"Reprendre?\\n1. Oui\\n2. Non\"\n", "delay"),
    ])
    func mistakesAreLinted(block: String, message: String) throws {
        let report = try Self.lint(block)
        #expect(report.errors.contains { $0.message.contains(message) }, "\(report.errors.map(\.description))")
    }

    @Test func offAndSilentNeedNoText() throws {
        #expect(try Self.lint("resume:\n  mode: off\n").errors.isEmpty)
        #expect(try Self.lint("resume:\n  mode: silent\n  window: 60\n").errors.isEmpty)
    }
}
