import Foundation
import Testing

@testable import MenuEngine

/// Every field of a menu file has a type, and the linter says so at the line, for the first value
/// it meets of the wrong shape: each case edits one line of the shipped wallet menu (which both operators
/// run) or of the operator data that fills it.
@Suite struct LinterTypeTests {
    static let files = ["wallet.yaml", "actions.yaml", "operators.yaml", "receipts.yaml"].map { name in
        (name: name, yaml: (try? String(contentsOf: EngineFixtures.menusDirectory.appending(path: name), encoding: .utf8)) ?? "")
    }

    /// Lints the shipped menus with `old` replaced by `new` (once) in `file`; returns the errors and the edited line.
    static func lint(_ file: String, replacing old: String, with new: String) async throws -> (errors: [Diagnostic], line: Int) {
        var files = Self.files
        let index = try #require(files.firstIndex { $0.name == file })
        let text = files[index].yaml
        let range = try #require(text.range(of: old), "\(old) is not in \(file)")
        files[index].yaml = text.replacingCharacters(in: range, with: new)
        let line = text[..<range.lowerBound].filter { $0 == "\n" }.count + 1
        let edited = files
        return (try await offThePool { MenuLinter().lint(files: edited).errors }, line)
    }

    @Test(arguments: [
        // The navigation answers are digit strings, three different ones.
        (#"next: "98" }"#, #"next: nowhere_screen"98" }"#, "navigation.next must be an answer of 1 to 4 digits"),
        (#"home: "00""#, #"home: "0""#, "must be three different answers"),
        (#"back: "0""#, #"back: "1""#, "which is also option 1"),
        (#"next: "98" }"#, "next: [98] }", "navigation.next must be a plain value, not a list"),
        // Whole numbers are unquoted numbers, in range.
        ("attempts: 3", "attempts: three", "attempts must be a whole number, not 'three'"),
        ("attempts: 3", #"attempts: "3""#, #"attempts must be a whole number, not the text "3""#),
        ("attempts: 3", "attempts: 0", "attempts must be between 1 and 10"),
        // Booleans are true or false.
        ("paged: true", "paged: sometimes", "paged must be true or false, not 'sometimes'"),
        // Names where a name goes, and never an empty value.
        ("    var: recipient\n    next: send_amount", "    var: 12\n    next: send_amount", "'var' of screen 'send_number' must be a name"),
        ("    var: recipient\n    next: send_amount", "    var: recipient\n    next: [send_amount]", "next must be a plain value, not a list"),
        ("    var: recipient\n    next: send_amount", "    var: recipient\n    next:", "next is empty"),
        ("start: start", "start: 42", "start must be a name"),
        ("languages: [fr, en]", "languages: [fr, fr]", "'fr' is listed twice"),
        ("languages: [fr, en]", "languages: [fr, 12]", "'12' is not a language code"),
        ("languages: [fr, en]", "languages: fr", "languages must be a list, not 'fr'"),
        ("navigation: { back:", "navigation: [back:", "invalid YAML"),
        (#"navigation: { back: "0", home: "00", next: "98" }"#, "navigation: 5", "navigation must be a mapping, not '5'"),
        // A key given twice would silently lose its first value.
        ("  back: { fr: \"0. Retour\", en: \"0. Back\" }\n", "  back: { fr: \"0. Retour\", en: \"0. Back\" }\n  back: x\n", "duplicate key 'back'"),
        ("currency: FCFA", "currency: FCFA\ncolour: blue", "unknown key 'colour' in the shared menu"),
    ])
    func aValueOfTheWrongTypeIsAnErrorAtItsLine(old: String, new: String, message: String) async throws {
        let (errors, line) = try await Self.lint("wallet.yaml", replacing: old, with: new)
        let matching = errors.filter { $0.message.contains(message) }
        #expect(!matching.isEmpty, "\(new): \(errors.map(\.description))")
        // The finding points at the edited line (or the next: a YAML error is noticed after the fact).
        #expect(matching.contains { $0.location.line == line || $0.location.line == line + 1 }, "\(matching.map(\.description))")
    }

    @Test func theActionCatalogIsTypedToo() async throws {
        let (twice, _) = try await Self.lint("actions.yaml", replacing: "outcomes: [ok, self_transfer,", with: "outcomes: [ok, ok, self_transfer,")
        #expect(twice.contains { $0.message.contains("lists 'ok' twice") }, "\(twice.map(\.description))")
        let (list, _) = try await Self.lint("actions.yaml", replacing: "arguments: [msisdn, amount]", with: "arguments: msisdn")
        #expect(list.contains { $0.message.contains("must be a list") }, "\(list.map(\.description))")
    }

    @Test(arguments: [
        // The values operators.yaml gives the shared menu are typed too (the first operator is T-Money).
        ("maxTransfer: 500000", "maxTransfer: true", "limits.maxTransfer of operator 'tmoney' must be a whole number"),
        ("minTransfer: 100", "minTransfer: 0", "limits.minTransfer of operator 'tmoney' must be between 1"),
        ("    menu: wallet\n", "    menu: [wallet]\n", "menu of operator 'tmoney' must be a plain value, not a list"),
        ("    menu: wallet\n", "    menu: purse\n", "operator 'tmoney' runs menu 'purse', which no file declares"),
        ("peer: flooz", "peer: moov", "peer of operator 'tmoney' must be another operator's id, not 'moov'"),
        (#"ussdCode: "*145#""#, #"ussdCode: "145""#, #"ussdCode of operator 'tmoney' must look like "*145#""#),
    ])
    func anOperatorValueOfTheWrongTypeIsAnErrorAtItsLine(old: String, new: String, message: String) async throws {
        let (errors, line) = try await Self.lint("operators.yaml", replacing: old, with: new)
        let matching = errors.filter { $0.message.contains(message) }
        #expect(!matching.isEmpty, "\(new): \(errors.map(\.description))")
        // At the edited line, or at the operator's first line for what concerns the whole entry.
        #expect(matching.contains { $0.location.file == "operators.yaml" && ($0.location.line == line || $0.location.line < line) })
    }

    @Test func theShippedMenusAreStillClean() async throws {
        let files = Self.files
        #expect(try await offThePool { MenuLinter().lint(files: files).errors }.isEmpty)
    }
}
